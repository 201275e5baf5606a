import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEncryptedFiles } from '../../core/encrypted-files.js';
import { NotFoundError } from '../../core/errors.js';
import { FileAuthenticationError, fileKeySealKey } from '../../core/file-crypto.js';
import { createLocalDiskStore, createS3Store, InvalidObjectKeyError, type ObjectStore } from '../../core/object-store.js';
import { startFakeS3, type FakeS3 } from '../helpers/fake-s3.js';

/**
 * One contract, two stores: the local disk store in a temporary directory and
 * the S3 store against the fake S3 on loopback (test/helpers/fake-s3.ts,
 * pages of 3 keys so listing paginates). What lies on disk / in the bucket is
 * read directly to show it is ciphertext only.
 */
const MB = 1024 * 1024;
const SECRET = 'a-test-secret-of-at-least-thirty-two-chars';
const MARKER = 'LIJNTJE-PLAINTEXT-MARKER-7f3a9c';

interface Harness {
  store: ObjectStore;
  /** Every stored object's bytes, as the disk or the bucket holds them. */
  stored(): Promise<Buffer[]>;
  /** Flips one byte of the stored object. */
  tamper(key: string, at: number): Promise<void>;
  /** Partial writes still lying around (temporary files, open multipart uploads). */
  leftovers(): Promise<number>;
}

/** `size` deterministic bytes in uneven chunks, with MARKER every ~100 kB. */
function content(size: number, seed = 'x'): Readable {
  let sent = 0;
  let n = 0;
  return new Readable({
    read() {
      if (sent >= size) return void this.push(null);
      const len = Math.min(size - sent, 3000 + ((n * 7919) % 100_000));
      const chunk = Buffer.alloc(len);
      for (let i = 0; i < len; i += 32) createHash('sha256').update(`${seed}:${n}:${i}`).digest().copy(chunk, i);
      if (len > MARKER.length) chunk.write(MARKER, 0);
      n++;
      sent += len;
      this.push(chunk);
    },
  });
}

/** Length and sha256 of a stream, read as it comes. */
async function digest(stream: Readable): Promise<{ bytes: number; sha: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  await pipeline(
    stream,
    new Writable({
      write(chunk: Buffer, _e, done) {
        bytes += chunk.length;
        hash.update(chunk);
        done();
      },
    }),
  );
  return { bytes, sha: hash.digest('hex') };
}

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A body that gives `before` bytes and then fails, like an upload cut off halfway. */
function failingAfter(before: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= before) return void this.destroy(new Error('connection reset'));
      const len = Math.min(256 * 1024, before - sent);
      sent += len;
      this.push(Buffer.alloc(len, 7));
    },
  });
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out;
}

const INVALID_KEYS = ['', '../etc/passwd', '..', '.', '.hidden', 'a/b', 'a\\b', '/abs', 'Abc', 'a b', 'a\0b', 'ä', `a${'b'.repeat(100)}`, '-x', 'a_b'];

function contract(name: string, harness: () => Harness) {
  describe(`object store contract: ${name}`, () => {
    let h: Harness;
    beforeAll(() => {
      h = harness();
    });

    it('puts and gets back a few MB, and a small and an empty object', async () => {
      const key = randomUUID();
      const put = await h.store.put(key, content(12 * MB + 17, 'big'));
      expect(put.bytes).toBe(12 * MB + 17);
      expect(await digest(await h.store.get(key))).toEqual(await digest(content(12 * MB + 17, 'big')));

      const small = `${randomUUID()}.thumb`;
      expect(await h.store.put(small, Readable.from([Buffer.from('klein')]))).toEqual({ bytes: 5 });
      expect(await text(await h.store.get(small))).toBe('klein');

      const empty = randomUUID();
      expect(await h.store.put(empty, Readable.from([]))).toEqual({ bytes: 0 });
      expect(await text(await h.store.get(empty))).toBe('');
      await h.store.delete([key, small, empty]);
    });

    it('replaces an object put again under the same key', async () => {
      const key = randomUUID();
      await h.store.put(key, Readable.from([Buffer.from('eerste versie')]));
      await h.store.put(key, Readable.from([Buffer.from('tweede')]));
      expect(await text(await h.store.get(key))).toBe('tweede');
      await h.store.delete([key]);
    });

    it('lists by prefix', async () => {
      const keys = ['aa1', 'aa2', 'aa1.thumb', 'ab1', 'b1', 'b', 'c-1'];
      for (const k of keys) await h.store.put(k, Readable.from([Buffer.from(k)]));
      expect(await h.store.list('aa')).toEqual(['aa1', 'aa1.thumb', 'aa2']);
      expect(await h.store.list('aa1')).toEqual(['aa1', 'aa1.thumb']);
      expect(await h.store.list('a')).toEqual(['aa1', 'aa1.thumb', 'aa2', 'ab1']);
      expect(await h.store.list('b')).toEqual(['b', 'b1']);
      expect(await h.store.list('zz')).toEqual([]);
      expect(await h.store.list('')).toEqual([...keys].sort());
      await h.store.delete(keys);
      expect(await h.store.list('')).toEqual([]);
    });

    it('deletes; deleting a missing key (or none) is fine; a deleted key is not found', async () => {
      const key = randomUUID();
      await h.store.put(key, Readable.from([Buffer.from('weg')]));
      await h.store.delete([key, randomUUID()]);
      await h.store.delete([key]);
      await h.store.delete([]);
      await expect(h.store.get(key)).rejects.toBeInstanceOf(NotFoundError);
      expect(await h.store.list(key)).toEqual([]);
    });

    it('deletes many at once', async () => {
      const keys = Array.from({ length: 25 }, (_, i) => `m${String(i).padStart(2, '0')}-${randomUUID()}`);
      for (const k of keys) await h.store.put(k, Readable.from([Buffer.from('x')]));
      expect(await h.store.list('m')).toHaveLength(25);
      await h.store.delete(keys);
      expect(await h.store.list('m')).toEqual([]);
    });

    it('refuses invalid keys and prefixes before touching anything', async () => {
      for (const key of INVALID_KEYS) {
        await expect(h.store.put(key, Readable.from([Buffer.from('x')])), JSON.stringify(key)).rejects.toBeInstanceOf(InvalidObjectKeyError);
        await expect(h.store.get(key), JSON.stringify(key)).rejects.toBeInstanceOf(InvalidObjectKeyError);
        await expect(h.store.delete([randomUUID(), key]), JSON.stringify(key)).rejects.toBeInstanceOf(InvalidObjectKeyError);
        if (key !== '') await expect(h.store.list(key), JSON.stringify(key)).rejects.toBeInstanceOf(InvalidObjectKeyError);
      }
      // A valid key next to an invalid one is not deleted either: the whole call is refused.
      const kept = randomUUID();
      await h.store.put(kept, Readable.from([Buffer.from('blijft')]));
      await expect(h.store.delete([kept, '../x'])).rejects.toBeInstanceOf(InvalidObjectKeyError);
      expect(await text(await h.store.get(kept))).toBe('blijft');
      await h.store.delete([kept]);
      expect(await h.store.list('')).toEqual([]);
    });

    it('a body that fails halfway leaves nothing behind and keeps the old object', async () => {
      const key = randomUUID();
      await h.store.put(key, Readable.from([Buffer.from('oud')]));
      await expect(h.store.put(key, failingAfter(7 * MB))).rejects.toThrow(/connection reset/);
      const fresh = randomUUID();
      await expect(h.store.put(fresh, failingAfter(100))).rejects.toThrow(/connection reset/);
      expect(await text(await h.store.get(key))).toBe('oud');
      expect(await h.store.list('')).toEqual([key]);
      expect(await h.leftovers()).toBe(0);
      await h.store.delete([key]);
    });

    describe('through encrypted-files', () => {
      const appKey = fileKeySealKey(SECRET);

      it('stores ciphertext only, and reads back the plaintext', async () => {
        const files = createEncryptedFiles({ store: h.store, appKey });
        const key = randomUUID();
        const size = 6 * MB + 5;
        const { bytes, sealedKey } = await files.write(key, content(size, 'cv'));
        expect(bytes).toBe(size);
        expect(sealedKey).toMatch(/^v1\./);

        const small = `${randomUUID()}.thumb`;
        const note = await files.write(small, Readable.from([Buffer.from(`${MARKER} (een spraakbericht)`)]));

        const stored = await h.stored();
        expect(stored.length).toBe(2);
        for (const bytesOnDisk of stored) {
          expect(bytesOnDisk.includes(MARKER)).toBe(false);
          expect(bytesOnDisk.includes('spraakbericht')).toBe(false);
        }
        // The plaintext really holds the marker (so its absence above means something).
        expect((await text(content(200_000, 'cv'))).includes(MARKER)).toBe(true);

        expect(await digest(await files.read(key, sealedKey))).toEqual(await digest(content(size, 'cv')));
        expect(await text(await files.read(small, note.sealedKey))).toBe(`${MARKER} (een spraakbericht)`);
        await files.remove([key, small]);
        expect(await h.store.list('')).toEqual([]);
      });

      it('errors the stream for a tampered object or a key of another file; refuses another app key', async () => {
        const files = createEncryptedFiles({ store: h.store, appKey });
        const a = randomUUID();
        const b = randomUUID();
        const fa = await files.write(a, content(300_000, 'a'));
        const fb = await files.write(b, content(300_000, 'b'));

        await expect(digest(await files.read(a, fb.sealedKey))).rejects.toBeInstanceOf(FileAuthenticationError);
        await expect(files.read(a, fa.sealedKey.slice(0, -3))).rejects.toThrow();
        const other = createEncryptedFiles({ store: h.store, appKey: fileKeySealKey(`${SECRET}-other`) });
        await expect(other.read(a, fa.sealedKey)).rejects.toThrow();
        await expect(files.read(randomUUID(), fa.sealedKey)).rejects.toBeInstanceOf(NotFoundError);

        await h.tamper(a, 150_000);
        await expect(digest(await files.read(a, fa.sealedKey))).rejects.toBeInstanceOf(FileAuthenticationError);
        // The other file is untouched.
        expect(await digest(await files.read(b, fb.sealedKey))).toEqual(await digest(content(300_000, 'b')));
        await files.remove([a, b]);
      });

      it('a plaintext that fails halfway stores nothing', async () => {
        const files = createEncryptedFiles({ store: h.store, appKey });
        await expect(files.write(randomUUID(), failingAfter(6 * MB))).rejects.toThrow(/connection reset/);
        expect(await h.store.list('')).toEqual([]);
        expect(await h.leftovers()).toBe(0);
      });
    });
  });
}

// ---------------------------------------------------------------- local disk

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lijntje-objects-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

contract('local disk', () => {
  const root = join(dir, 'contract', 'media');
  return {
    store: createLocalDiskStore(root),
    stored: async () => Promise.all((await filesUnder(root)).map((f) => readFile(f))),
    tamper: async (key, at) => {
      const path = join(root, key.slice(0, 2), key);
      const buf = await readFile(path);
      buf[at] = buf[at]! ^ 0x01;
      await writeFile(path, buf);
    },
    leftovers: async () => (await filesUnder(root)).filter((f) => f.endsWith('.tmp')).length,
  };
});

describe('local disk store', () => {
  it('creates its directory (0700), shards by the first two characters, files 0600', async () => {
    const root = join(dir, 'fresh', 'nested');
    const store = createLocalDiskStore(root);
    expect(store.kind).toBe('local');
    expect(await store.list('')).toEqual([]);
    await store.put('abcdef.thumb', Readable.from([Buffer.from('x')]));
    expect(await readdir(root)).toEqual(['ab']);
    expect(await readdir(join(root, 'ab'))).toEqual(['abcdef.thumb']);
    if (process.platform !== 'win32') {
      expect((await stat(root)).mode & 0o777).toBe(0o700);
      expect((await stat(join(root, 'ab'))).mode & 0o777).toBe(0o700);
      expect((await stat(join(root, 'ab', 'abcdef.thumb'))).mode & 0o777).toBe(0o600);
    }
  });

  it('lists only keys: stray temporary files and foreign names are not objects', async () => {
    const root = join(dir, 'stray');
    const store = createLocalDiskStore(root);
    await store.put('ab1', Readable.from([Buffer.from('x')]));
    await writeFile(join(root, 'ab', '.ab2.0123.tmp'), 'half');
    await writeFile(join(root, 'ab', 'README'), 'not a key');
    await writeFile(join(root, 'stray-file'), 'x');
    expect(await store.list('')).toEqual(['ab1']);
    expect(await store.list('ab')).toEqual(['ab1']);
  });

  it('keeps invalid keys from reaching outside its directory', async () => {
    const root = join(dir, 'jail', 'inner');
    const store = createLocalDiskStore(root);
    await store.put('in1', Readable.from([Buffer.from('x')]));
    for (const key of ['../escape', '..', 'in/../../escape']) {
      await expect(store.put(key, Readable.from([Buffer.from('x')]))).rejects.toBeInstanceOf(InvalidObjectKeyError);
    }
    expect(await readdir(join(dir, 'jail'))).toEqual(['inner']);
    expect(await filesUnder(join(dir, 'jail'))).toEqual([join(root, 'in', 'in1')]);
  });
});

// ---------------------------------------------------------------- S3 (fake, on loopback)

const BUCKET = 'lijntje-media';
const ACCESS = { accessKeyId: 'AKIAFAKEFAKEFAKE', secretAccessKey: 'fake-secret-access-key-0123456789' };
let s3: FakeS3;
beforeAll(async () => {
  s3 = await startFakeS3({ bucket: BUCKET, accessKeyId: ACCESS.accessKeyId, pageSize: 3 });
});
afterAll(async () => {
  await s3?.close();
});

const s3Store = (prefix?: string) =>
  createS3Store({ endpoint: s3.endpoint, region: 'eu-central-1', bucket: BUCKET, ...ACCESS, forcePathStyle: true, ...(prefix ? { prefix } : {}) });

contract('S3 (fake on loopback)', () => {
  const prefix = 'contract/';
  const mine = () => [...s3.objects.entries()].filter(([k]) => k.startsWith(prefix));
  return {
    store: s3Store(prefix),
    stored: async () => mine().map(([, v]) => Buffer.from(v)),
    tamper: async (key, at) => {
      const buf = s3.objects.get(`${prefix}${key}`)!;
      buf[at] = buf[at]! ^ 0x01;
    },
    leftovers: async () => s3.pendingUploads(),
  };
});

describe('S3 store', () => {
  it('streams a large object as a multipart upload, a small one as one PutObject', async () => {
    const store = s3Store('sizes/');
    expect(store.kind).toBe('s3');
    const before = { ...s3.calls };
    await store.put('big', content(11 * MB, 'mp'));
    expect((s3.calls.CreateMultipartUpload ?? 0) - (before.CreateMultipartUpload ?? 0)).toBe(1);
    expect((s3.calls.UploadPart ?? 0) - (before.UploadPart ?? 0)).toBe(3);
    expect((s3.calls.CompleteMultipartUpload ?? 0) - (before.CompleteMultipartUpload ?? 0)).toBe(1);
    const puts = s3.calls.PutObject ?? 0;
    await store.put('small', Readable.from([Buffer.from('x')]));
    expect(s3.calls.PutObject).toBe(puts + 1);
    expect(s3.objects.get('sizes/big')?.length).toBe(11 * MB);
    await store.delete(['big', 'small']);
    expect([...s3.objects.keys()].filter((k) => k.startsWith('sizes/'))).toEqual([]);
  });

  it('keeps to its prefix: other objects in the bucket are not listed or deleted', async () => {
    const a = s3Store('team-a/');
    const b = s3Store('team-b/');
    await a.put('x1', Readable.from([Buffer.from('a')]));
    await b.put('x1', Readable.from([Buffer.from('b')]));
    s3.objects.set('team-a/Not A Key', Buffer.from('foreign'));
    const lists = s3.calls.ListObjectsV2 ?? 0;
    for (let i = 2; i <= 7; i++) await a.put(`x${i}`, Readable.from([Buffer.from('a')]));
    expect(await a.list('x')).toEqual(['x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7']);
    // Pages of 3 (the fake's page size): the list followed the continuation tokens.
    expect((s3.calls.ListObjectsV2 ?? 0) - lists).toBe(3);
    await a.delete(['x1']);
    expect(await text(await b.get('x1'))).toBe('b');
    expect(s3.objects.has('team-a/Not A Key')).toBe(true);
    await a.delete(['x2', 'x3', 'x4', 'x5', 'x6', 'x7']);
    await b.delete(['x1']);
    s3.objects.delete('team-a/Not A Key');
  });

  it('refuses wrong credentials (the fake checks the access key id)', async () => {
    const store = createS3Store({ endpoint: s3.endpoint, region: 'eu-central-1', bucket: BUCKET, accessKeyId: 'OTHER', secretAccessKey: 'x'.repeat(20), forcePathStyle: true });
    await expect(store.list('')).rejects.toThrow();
  });

  it('refuses bad options', () => {
    const base = { endpoint: s3.endpoint, region: 'eu-central-1', bucket: BUCKET, ...ACCESS, forcePathStyle: true };
    expect(() => createS3Store({ ...base, prefix: '../' })).toThrow();
    expect(() => createS3Store({ ...base, prefix: 'media' })).toThrow();
    expect(() => createS3Store({ ...base, bucket: '' })).toThrow();
    expect(() => createS3Store({ ...base, endpoint: 'ftp://x' })).toThrow();
    expect(() => createS3Store({ ...base, prefix: 'media/' })).not.toThrow();
  });
});
