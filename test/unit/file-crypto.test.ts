import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import {
  decryptingStream,
  encryptingStream,
  FileAuthenticationError,
  fileKeySealKey,
  newFileKey,
  sealFileKey,
  unsealFileKey,
  type FileKey,
} from '../../core/file-crypto.js';
import { sealKey } from '../../core/seal.js';

const SECRET = 'a-test-secret-of-at-least-thirty-two-chars';
const MB = 1024 * 1024;

/** `size` deterministic bytes in chunks of uneven sizes (so no chunk boundary lines up with anything). */
function source(size: number): Readable {
  let sent = 0;
  let n = 0;
  return new Readable({
    read() {
      if (sent >= size) return void this.push(null);
      const len = Math.min(size - sent, 1000 + ((n * 7919) % 70_000));
      const chunk = Buffer.alloc(len);
      for (let i = 0; i < len; i += 32) createHash('sha256').update(`${n}:${i}`).digest().copy(chunk, i);
      n++;
      sent += len;
      this.push(chunk);
    },
  });
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await pipeline(
    stream,
    new Writable({
      write(chunk: Buffer, _e, done) {
        chunks.push(chunk);
        done();
      },
    }),
  );
  return Buffer.concat(chunks);
}

async function encrypt(plain: Readable | Buffer, k: FileKey = newFileKey()) {
  const enc = encryptingStream(k);
  const ciphertext = await collect((plain instanceof Readable ? plain : Readable.from([plain])).pipe(enc));
  return { k, ciphertext, tag: enc.authTag() };
}

const decrypt = (ciphertext: Buffer, k: FileKey, tag: Buffer) => collect(Readable.from([ciphertext]).pipe(decryptingStream(k, tag)));

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('file-crypto: streams', () => {
  it('round-trips a multi-MB stream; the ciphertext is as long as the plaintext and shows none of it', async () => {
    const plain = await collect(source(6 * MB + 123));
    const { k, ciphertext, tag } = await encrypt(source(6 * MB + 123));
    expect(ciphertext.length).toBe(plain.length);
    expect(tag.length).toBe(16);
    expect(ciphertext.subarray(0, 4096).equals(plain.subarray(0, 4096))).toBe(false);
    expect(ciphertext.includes(plain.subarray(MB, MB + 64))).toBe(false);
    // Streamed back through the decrypting Transform in uneven chunks.
    const back = await collect(Readable.from(chunked(ciphertext)).pipe(decryptingStream(k, tag)));
    expect(back.length).toBe(plain.length);
    expect(sha(back)).toBe(sha(plain));
  });

  it('errors the decrypting stream on tampered ciphertext, a wrong tag, truncation, or another key', async () => {
    const plain = Buffer.from('Hoi Michelle, hier is mijn cv. '.repeat(5000));
    const { k, ciphertext, tag } = await encrypt(plain);
    expect(await decrypt(ciphertext, k, tag)).toEqual(plain);

    const flipped = Buffer.from(ciphertext);
    flipped[70_000] = flipped[70_000]! ^ 0x01;
    await expect(decrypt(flipped, k, tag)).rejects.toBeInstanceOf(FileAuthenticationError);

    const badTag = Buffer.from(tag);
    badTag[0] = badTag[0]! ^ 0x80;
    await expect(decrypt(ciphertext, k, badTag)).rejects.toBeInstanceOf(FileAuthenticationError);

    await expect(decrypt(ciphertext.subarray(0, ciphertext.length - 1), k, tag)).rejects.toBeInstanceOf(FileAuthenticationError);
    await expect(decrypt(Buffer.concat([ciphertext, Buffer.from([0])]), k, tag)).rejects.toBeInstanceOf(FileAuthenticationError);
    await expect(decrypt(ciphertext, newFileKey(), tag)).rejects.toBeInstanceOf(FileAuthenticationError);
    await expect(decrypt(ciphertext, { key: k.key, iv: newFileKey().iv }, tag)).rejects.toBeInstanceOf(FileAuthenticationError);
  });

  it('round-trips an empty file', async () => {
    const { k, ciphertext, tag } = await encrypt(Buffer.alloc(0));
    expect(ciphertext.length).toBe(0);
    expect((await decrypt(ciphertext, k, tag)).length).toBe(0);
  });

  it('gives the tag only after the end, and never encrypts twice with one key', async () => {
    const k = newFileKey();
    const enc = encryptingStream(k);
    expect(() => enc.authTag()).toThrow(/ended/);
    enc.write(Buffer.from('half'));
    expect(() => enc.authTag()).toThrow(/ended/);
    enc.end();
    await collect(enc);
    expect(enc.authTag().length).toBe(16);
    expect(() => encryptingStream(k)).toThrow(/already/);
  });

  it('refuses keys, IVs and tags of the wrong size', () => {
    const k = newFileKey();
    expect(k.key.length).toBe(32);
    expect(k.iv.length).toBe(12);
    expect(newFileKey().key.equals(k.key)).toBe(false);
    expect(() => encryptingStream({ key: k.key.subarray(0, 16), iv: k.iv })).toThrow();
    expect(() => encryptingStream({ key: newFileKey().key, iv: Buffer.alloc(16) })).toThrow();
    expect(() => decryptingStream(k, Buffer.alloc(15))).toThrow();
  });
});

describe('file-crypto: sealed keys', () => {
  it('round-trips key, iv and tag, and the sealed text shows none of them', async () => {
    const appKey = fileKeySealKey(SECRET);
    const { k, tag } = await encrypt(Buffer.from('x'));
    const sealed = sealFileKey(appKey, k, tag);
    for (const part of [k.key, k.iv, tag]) {
      expect(sealed).not.toContain(part.toString('base64url'));
      expect(sealed).not.toContain(part.toString('hex'));
    }
    const back = unsealFileKey(appKey, sealed);
    expect(back.key.equals(k.key)).toBe(true);
    expect(back.iv.equals(k.iv)).toBe(true);
    expect(back.tag.equals(tag)).toBe(true);
    // A fresh seal IV each time.
    expect(sealFileKey(appKey, k, tag)).not.toBe(sealed);
  });

  it('refuses another app secret, another purpose, and any change', async () => {
    const appKey = fileKeySealKey(SECRET);
    const { k, tag } = await encrypt(Buffer.from('x'));
    const sealed = sealFileKey(appKey, k, tag);
    expect(() => unsealFileKey(fileKeySealKey(`${SECRET}x`), sealed)).toThrow();
    expect(() => unsealFileKey(sealKey(SECRET, 'totp'), sealed)).toThrow();
    const parts = sealed.split('.');
    const last = Buffer.from(parts[3]!, 'base64url');
    last[0] = last[0]! ^ 1;
    expect(() => unsealFileKey(appKey, [...parts.slice(0, 3), last.toString('base64url')].join('.'))).toThrow();
    expect(() => unsealFileKey(appKey, 'garbage')).toThrow();
    expect(() => sealFileKey(appKey, k, tag.subarray(0, 8))).toThrow();
  });
});

/** `buf` in uneven slices. */
function* chunked(buf: Buffer): Generator<Buffer> {
  let at = 0;
  let n = 0;
  while (at < buf.length) {
    const len = 1 + ((n++ * 104_729) % 200_000);
    yield buf.subarray(at, at + len);
    at += len;
  }
}
