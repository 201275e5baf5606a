import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, unlink, type FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { DeleteObjectsCommand, GetObjectCommand, paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { NotFoundError } from './errors.js';

/**
 * Where media files (already encrypted: core/encrypted-files.ts) are kept:
 * a directory on local disk (the default) or an S3-compatible bucket (AWS,
 * MinIO, any provider inside the EEA). Keys are opaque random ids the caller
 * chooses (`<uuid>`, `<uuid>.thumb`); anything else is refused, so a key can
 * never name a path outside the store. `put` replaces an object with the
 * same key; `delete` of a key that is not there is fine; `get` of one is a
 * NotFoundError ('object').
 */
export interface ObjectStore {
  put(key: string, body: Readable): Promise<{ bytes: number }>;
  get(key: string): Promise<Readable>;
  delete(keys: string[]): Promise<void>;
  /** The keys that start with `prefix` ('' for all), sorted. */
  list(prefix: string): Promise<string[]>;
  readonly kind: 'local' | 's3';
}

/** Lower-case letters, digits, dots and dashes; starts with a letter or digit; at most 100 characters. */
export const OBJECT_KEY = /^[a-z0-9][a-z0-9.-]{0,99}$/;

/** A key (or list prefix) that is not an object key: a bug in the caller, never passed on to disk or bucket. */
export class InvalidObjectKeyError extends Error {
  override name = 'InvalidObjectKeyError';
  constructor() {
    // Not the key itself: it may be anything, and it is refused before use.
    super('object-store: invalid object key');
  }
}

export function assertObjectKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || !OBJECT_KEY.test(key)) throw new InvalidObjectKeyError();
}

function assertPrefix(prefix: unknown): asserts prefix is string {
  if (prefix === '') return;
  assertObjectKey(prefix);
}

/** Counts the bytes passing through, as Buffers. */
async function* counted(body: Readable, add: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of body) {
    const buf = Buffer.isBuffer(chunk)
      ? chunk
      : typeof chunk === 'string'
        ? Buffer.from(chunk, 'utf8')
        : Buffer.from((chunk as Uint8Array).buffer, (chunk as Uint8Array).byteOffset, (chunk as Uint8Array).byteLength);
    add(buf.length);
    yield buf;
  }
}

const isErrno = (err: unknown, code: string) => (err as NodeJS.ErrnoException | null)?.code === code;

// ---------------------------------------------------------------- local disk

/**
 * Files under `dir`, sharded by the key's first two characters
 * (`dir/ab/abcdef...`). A put writes a temporary file in the shard (its name
 * starts with a dot, so it is never a key), fsyncs it and renames it into
 * place: a reader sees the whole old object or the whole new one, never a
 * part, and a crash leaves at most a stray temporary file. Directories are
 * created 0700, files 0600.
 */
export function createLocalDiskStore(dir: string): ObjectStore {
  const root = resolve(dir);
  let made: Promise<unknown> | null = null;
  const ready = () => (made ??= mkdir(root, { recursive: true, mode: 0o700 }).catch((err) => {
    made = null;
    throw err;
  }));
  const shardOf = (key: string) => key.slice(0, 2);
  const pathOf = (key: string) => join(root, shardOf(key), key);

  async function syncDir(path: string) {
    let fh: FileHandle | null = null;
    try {
      fh = await open(path, 'r');
      await fh.sync();
    } catch {
      // Not every platform can fsync a directory; the rename happened all the same.
    } finally {
      await fh?.close().catch(() => {});
    }
  }

  return {
    kind: 'local',

    async put(key, body) {
      assertObjectKey(key);
      await ready();
      const shard = join(root, shardOf(key));
      await mkdir(shard, { recursive: true, mode: 0o700 });
      const tmp = join(shard, `.${key}.${randomBytes(8).toString('hex')}.tmp`);
      let bytes = 0;
      const fh = await open(tmp, 'wx', 0o600);
      let handleOpen = true;
      try {
        for await (const chunk of counted(body, (n) => (bytes += n))) {
          for (let at = 0; at < chunk.length; ) at += (await fh.write(chunk, at)).bytesWritten;
        }
        await fh.sync();
        handleOpen = false;
        await fh.close();
        await rename(tmp, pathOf(key));
      } catch (err) {
        if (handleOpen) await fh.close().catch(() => {});
        await rm(tmp, { force: true }).catch(() => {});
        body.destroy();
        throw err;
      }
      await syncDir(shard);
      return { bytes };
    },

    async get(key) {
      assertObjectKey(key);
      let fh: FileHandle;
      try {
        fh = await open(pathOf(key), 'r');
      } catch (err) {
        if (isErrno(err, 'ENOENT')) throw new NotFoundError('object');
        throw err;
      }
      return fh.createReadStream();
    },

    async delete(keys) {
      for (const key of keys) assertObjectKey(key);
      for (const key of keys) {
        try {
          await unlink(pathOf(key));
        } catch (err) {
          if (!isErrno(err, 'ENOENT')) throw err;
        }
      }
    },

    async list(prefix) {
      assertPrefix(prefix);
      await ready();
      const shards = (await readdir(root, { withFileTypes: true }))
        .filter((d) => d.isDirectory() && OBJECT_KEY.test(d.name) && d.name.length <= 2)
        .map((d) => d.name)
        .filter((name) => (prefix.length >= 2 ? name === shardOf(prefix) : name.startsWith(prefix)));
      const keys: string[] = [];
      for (const shard of shards) {
        let names: string[];
        try {
          names = await readdir(join(root, shard));
        } catch (err) {
          if (isErrno(err, 'ENOENT')) continue;
          throw err;
        }
        for (const name of names) {
          if (OBJECT_KEY.test(name) && shardOf(name) === shard && name.startsWith(prefix)) keys.push(name);
        }
      }
      return keys.sort();
    },
  };
}

// ---------------------------------------------------------------- S3

export interface S3StoreOptions {
  /** e.g. `https://s3.nl-ams.scw.cloud` or `http://127.0.0.1:9000` (MinIO); AWS itself when absent. */
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `https://endpoint/bucket/key` instead of `https://bucket.endpoint/key` (MinIO and most other providers). */
  forcePathStyle: boolean;
  /** Put before every key inside the bucket, e.g. `media/`: empty, or segments of [a-z0-9._-] each ending in `/`. */
  prefix?: string;
}

const BUCKET_PREFIX = /^(?:[a-z0-9][a-z0-9._-]*\/){0,10}$/;
/** S3's limit of keys per DeleteObjects request. */
const DELETE_BATCH = 1000;

/**
 * An S3-compatible bucket through the AWS SDK v3. Uploads stream through
 * @aws-sdk/lib-storage (one PutObject below 5 MB, else a multipart upload of
 * 5 MB parts, at most two in flight: memory stays bounded whatever the file's
 * size; a failed upload is aborted, so no part is left behind). Everything the
 * SDK would otherwise look up in the environment or ~/.aws (endpoint,
 * credentials, checksum mode, retries) is given here: this module reads no
 * configuration. Request checksums are sent only where S3 requires them
 * (DeleteObjects): many S3-compatible providers refuse the newer default, and
 * the GCM tag of every file (core/file-crypto.ts) already proves its bytes.
 */
export function createS3Store(options: S3StoreOptions): ObjectStore {
  const { bucket, region } = options;
  const base = options.prefix ?? '';
  if (!bucket) throw new Error('object-store: bucket is required');
  if (!region) throw new Error('object-store: region is required');
  if (!options.accessKeyId || !options.secretAccessKey) throw new Error('object-store: S3 credentials are required');
  if (!BUCKET_PREFIX.test(base)) throw new Error('object-store: prefix must be empty or end with "/" ([a-z0-9._-] segments)');
  if (options.endpoint !== undefined && !/^https?:\/\//.test(options.endpoint)) {
    throw new Error('object-store: endpoint must be an http(s) URL');
  }

  const client = new S3Client({
    region,
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    forcePathStyle: options.forcePathStyle,
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    ignoreConfiguredEndpointUrls: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    defaultsMode: 'standard',
    retryMode: 'standard',
    maxAttempts: 3,
    useFipsEndpoint: false,
    useDualstackEndpoint: false,
    useArnRegion: false,
    disableS3ExpressSessionAuth: true,
  });
  const full = (key: string) => `${base}${key}`;

  return {
    kind: 's3',

    async put(key, body) {
      assertObjectKey(key);
      let bytes = 0;
      const source = Readable.from(counted(body, (n) => (bytes += n)), { objectMode: false });
      const upload = new Upload({
        client,
        params: { Bucket: bucket, Key: full(key), Body: source, ContentType: 'application/octet-stream' },
        queueSize: 2,
        leavePartsOnError: false,
      });
      try {
        await upload.done();
      } catch (err) {
        // Stops reading and releases the caller's stream (the generator's return destroys it).
        source.destroy();
        body.destroy();
        throw err;
      }
      return { bytes };
    },

    async get(key) {
      assertObjectKey(key);
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: full(key) }));
        const stream = out.Body;
        if (!(stream instanceof Readable)) throw new Error('object-store: S3 body is not a Node stream');
        return stream;
      } catch (err) {
        const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
        if (e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404) throw new NotFoundError('object');
        throw err;
      }
    },

    async delete(keys) {
      for (const key of keys) assertObjectKey(key);
      const unique = [...new Set(keys)];
      for (let i = 0; i < unique.length; i += DELETE_BATCH) {
        const batch = unique.slice(i, i + DELETE_BATCH);
        const out = await client.send(
          new DeleteObjectsCommand({
            Bucket: bucket,
            Delete: { Objects: batch.map((k) => ({ Key: full(k) })), Quiet: true },
          }),
        );
        // S3 reports a key that was not there as deleted; anything in Errors is a real failure.
        if (out.Errors && out.Errors.length > 0) {
          const codes = [...new Set(out.Errors.map((e) => e.Code ?? 'unknown'))].join(', ');
          throw new Error(`object-store: ${out.Errors.length} of ${batch.length} deletes failed (${codes})`);
        }
      }
    },

    async list(prefix) {
      assertPrefix(prefix);
      const keys: string[] = [];
      for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: full(prefix) })) {
        for (const obj of page.Contents ?? []) {
          if (!obj.Key?.startsWith(base)) continue;
          const key = obj.Key.slice(base.length);
          if (OBJECT_KEY.test(key)) keys.push(key);
        }
      }
      return keys.sort();
    },
  };
}
