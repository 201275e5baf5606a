import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake S3 on loopback for core/object-store.ts's S3 store: in memory, one
 * bucket, path-style addressing (`/<bucket>/<key>`), and exactly the calls
 * the store makes - PutObject, GetObject, DeleteObjects, ListObjectsV2 (prefix,
 * max-keys, continuation token; `pageSize` caps every page so pagination is
 * exercised) and the multipart upload of @aws-sdk/lib-storage (Create, UploadPart,
 * Complete, Abort). Anything else is 501 NotImplemented, so a new call in the
 * store shows up here first. Requests must be SigV4-signed with the given
 * access key id (the signature itself is not checked) and carry plain bodies
 * (an aws-chunked body is refused: the store sends request checksums only
 * where S3 requires them).
 */
export interface FakeS3Options {
  bucket: string;
  accessKeyId: string;
  /** The most keys one ListObjectsV2 page returns (S3: 1000). */
  pageSize?: number;
}

export interface FakeS3 {
  endpoint: string;
  /** Stored objects by full key (including any store prefix), as the bucket holds them. */
  objects: Map<string, Buffer>;
  /** Multipart uploads created and neither completed nor aborted. */
  pendingUploads(): number;
  /** How many requests of each operation were answered (e.g. `UploadPart`, `ListObjectsV2`). */
  calls: Record<string, number>;
  close(): Promise<void>;
}

const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
const unescapeXml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&amp;/g, '&');
const tags = (xml: string, name: string) =>
  [...xml.matchAll(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`, 'g'))].map((m) => unescapeXml(m[1]!));
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(code);
  }
}

export async function startFakeS3(opts: FakeS3Options): Promise<FakeS3> {
  const { bucket, accessKeyId } = opts;
  const pageSize = opts.pageSize ?? 1000;
  const objects = new Map<string, Buffer>();
  const uploads = new Map<string, { key: string; parts: Map<number, Buffer> }>();
  const calls: Record<string, number> = {};

  function reply(res: ServerResponse, status: number, xml?: string, headers: Record<string, string> = {}) {
    const body = xml === undefined ? Buffer.alloc(0) : Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
    res.writeHead(status, {
      'x-amz-request-id': randomBytes(8).toString('hex'),
      ...(xml === undefined ? {} : { 'content-type': 'application/xml' }),
      'content-length': String(body.length),
      ...headers,
    });
    res.end(body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse, op: (name: string) => void) {
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith(`AWS4-HMAC-SHA256 Credential=${accessKeyId}/`)) throw new S3Error(403, 'AccessDenied');
    const encoding = `${req.headers['content-encoding'] ?? ''} ${req.headers['x-amz-content-sha256'] ?? ''}`;
    if (/aws-chunked|STREAMING-/.test(encoding)) throw new S3Error(501, 'NotImplemented');

    const url = new URL(req.url ?? '/', 'http://fake');
    const q = url.searchParams;
    // The SDK names some operations in the query (`?x-id=GetObject`); it changes nothing.
    q.delete('x-id');
    const [, bucketPart = '', ...rest] = url.pathname.split('/');
    if (decodeURIComponent(bucketPart) !== bucket) throw new S3Error(404, 'NoSuchBucket');
    const key = rest.map(decodeURIComponent).join('/');
    const method = req.method ?? 'GET';

    if (key === '') {
      if (method === 'GET' && q.get('list-type') === '2') {
        op('ListObjectsV2');
        const prefix = q.get('prefix') ?? '';
        const max = Math.min(Number(q.get('max-keys') ?? 1000), pageSize);
        const token = q.get('continuation-token');
        const after = token ? Buffer.from(token, 'base64url').toString('utf8') : (q.get('start-after') ?? '');
        const all = [...objects.keys()].filter((k) => k.startsWith(prefix) && k > after).sort();
        const page = all.slice(0, max);
        const truncated = all.length > page.length;
        const contents = page
          .map(
            (k) =>
              `<Contents><Key>${escapeXml(k)}</Key><LastModified>${new Date().toISOString()}</LastModified>` +
              `<ETag>&quot;${md5(objects.get(k)!)}&quot;</ETag><Size>${objects.get(k)!.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
          )
          .join('');
        const next = truncated ? `<NextContinuationToken>${Buffer.from(page.at(-1)!).toString('base64url')}</NextContinuationToken>` : '';
        return reply(
          res,
          200,
          `<ListBucketResult xmlns="${XMLNS}"><Name>${escapeXml(bucket)}</Name><Prefix>${escapeXml(prefix)}</Prefix>` +
            `<KeyCount>${page.length}</KeyCount><MaxKeys>${max}</MaxKeys><IsTruncated>${truncated}</IsTruncated>` +
            `${token ? `<ContinuationToken>${escapeXml(token)}</ContinuationToken>` : ''}${next}${contents}</ListBucketResult>`,
        );
      }
      if (method === 'POST' && q.has('delete')) {
        op('DeleteObjects');
        const xml = (await bodyOf(req)).toString('utf8');
        const keys = tags(xml, 'Key');
        if (keys.length > 1000) throw new S3Error(400, 'MalformedXML');
        for (const k of keys) objects.delete(k);
        const quiet = tags(xml, 'Quiet')[0] === 'true';
        const deleted = quiet ? '' : keys.map((k) => `<Deleted><Key>${escapeXml(k)}</Key></Deleted>`).join('');
        return reply(res, 200, `<DeleteResult xmlns="${XMLNS}">${deleted}</DeleteResult>`);
      }
      throw new S3Error(501, 'NotImplemented');
    }

    if (method === 'PUT' && q.has('uploadId') && q.has('partNumber')) {
      op('UploadPart');
      const upload = uploads.get(q.get('uploadId')!);
      if (!upload || upload.key !== key) throw new S3Error(404, 'NoSuchUpload');
      const data = await bodyOf(req);
      upload.parts.set(Number(q.get('partNumber')), data);
      return reply(res, 200, undefined, { etag: `"${md5(data)}"` });
    }
    if (method === 'PUT' && [...q.keys()].length === 0) {
      op('PutObject');
      if (req.headers['x-amz-copy-source']) throw new S3Error(501, 'NotImplemented');
      const data = await bodyOf(req);
      objects.set(key, data);
      return reply(res, 200, undefined, { etag: `"${md5(data)}"` });
    }
    if (method === 'POST' && q.has('uploads')) {
      op('CreateMultipartUpload');
      const uploadId = randomBytes(12).toString('hex');
      uploads.set(uploadId, { key, parts: new Map() });
      return reply(
        res,
        200,
        `<InitiateMultipartUploadResult xmlns="${XMLNS}"><Bucket>${escapeXml(bucket)}</Bucket>` +
          `<Key>${escapeXml(key)}</Key><UploadId>${uploadId}</UploadId></InitiateMultipartUploadResult>`,
      );
    }
    if (method === 'POST' && q.has('uploadId')) {
      op('CompleteMultipartUpload');
      const uploadId = q.get('uploadId')!;
      const upload = uploads.get(uploadId);
      if (!upload || upload.key !== key) throw new S3Error(404, 'NoSuchUpload');
      const xml = (await bodyOf(req)).toString('utf8');
      const listed = tags(xml, 'Part').map((p) => ({ n: Number(tags(p, 'PartNumber')[0]), etag: tags(p, 'ETag')[0] ?? '' }));
      if (listed.length === 0) throw new S3Error(400, 'MalformedXML');
      const pieces: Buffer[] = [];
      let last = 0;
      for (const { n, etag } of listed) {
        const data = upload.parts.get(n);
        if (!data || etag.replace(/"/g, '') !== md5(data)) throw new S3Error(400, 'InvalidPart');
        if (n <= last) throw new S3Error(400, 'InvalidPartOrder');
        last = n;
        pieces.push(data);
      }
      // S3: every part but the last is at least 5 MiB.
      if (pieces.slice(0, -1).some((p) => p.length < 5 * 1024 * 1024)) throw new S3Error(400, 'EntityTooSmall');
      objects.set(key, Buffer.concat(pieces));
      uploads.delete(uploadId);
      const etag = `${md5(Buffer.concat(pieces.map((p) => Buffer.from(md5(p), 'hex'))))}-${pieces.length}`;
      return reply(
        res,
        200,
        `<CompleteMultipartUploadResult xmlns="${XMLNS}"><Bucket>${escapeXml(bucket)}</Bucket>` +
          `<Key>${escapeXml(key)}</Key><ETag>&quot;${etag}&quot;</ETag></CompleteMultipartUploadResult>`,
      );
    }
    if (method === 'DELETE' && q.has('uploadId')) {
      op('AbortMultipartUpload');
      const upload = uploads.get(q.get('uploadId')!);
      if (!upload || upload.key !== key) throw new S3Error(404, 'NoSuchUpload');
      uploads.delete(q.get('uploadId')!);
      return reply(res, 204);
    }
    if (method === 'GET' && [...q.keys()].length === 0) {
      op('GetObject');
      if (req.headers.range) throw new S3Error(501, 'NotImplemented');
      const data = objects.get(key);
      if (!data) throw new S3Error(404, 'NoSuchKey');
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': String(data.length),
        etag: `"${md5(data)}"`,
        'last-modified': new Date().toUTCString(),
      });
      res.end(data);
      return;
    }
    throw new S3Error(501, 'NotImplemented');
  }

  const server = createServer((req, res) => {
    const op = (name: string) => {
      calls[name] = (calls[name] ?? 0) + 1;
    };
    handle(req, res, op).catch(async (err: unknown) => {
      // Drain what is left of the request so the client reads the answer.
      req.resume();
      const e = err instanceof S3Error ? err : new S3Error(500, 'InternalError');
      if (!(err instanceof S3Error)) console.error('fake-s3:', err);
      if (res.headersSent) return void res.destroy();
      reply(res, e.status, `<Error><Code>${e.code}</Code><Message>${e.code}</Message><RequestId>fake</RequestId></Error>`);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    objects,
    calls,
    pendingUploads: () => uploads.size,
    close: () =>
      new Promise<void>((ok, fail) => {
        server.close((err) => (err ? fail(err) : ok()));
        server.closeAllConnections();
      }),
  };
}
