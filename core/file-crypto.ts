import { createCipheriv, createDecipheriv, randomBytes, type CipherGCM, type DecipherGCM } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { seal, sealKey, unseal } from './seal.js';

/**
 * Per-file encryption of media (photos, voice notes, documents) with
 * AES-256-GCM, as a stream: a file is never held in memory whole.
 *
 * Every file gets its own random key and IV (`newFileKey`); what the object
 * store holds is ciphertext only. The key, IV and the GCM tag that the
 * encryption produced at the end are kept in PostgreSQL, sealed with the app
 * secret (`sealFileKey`, core/seal.ts with purpose 'file-key'): the bucket
 * alone, or the database alone, opens nothing.
 *
 * One tag covers the whole file, so a decrypting stream hands out plaintext
 * before the tag is checked at the end: a tampered or truncated file (or a
 * wrong key) errors the stream at its end, and whoever consumes it must treat
 * an error as "discard everything" (abort the HTTP response, drop the
 * thumbnail being built), never keep a part.
 */
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const ALGORITHM = 'aes-256-gcm';

/** The purpose label of the seal key that wraps file keys (core/seal.ts `sealKey`). */
export const FILE_KEY_PURPOSE = 'file-key';

export interface FileKey {
  key: Buffer;
  iv: Buffer;
}

export interface SealedFileKey extends FileKey {
  tag: Buffer;
}

export interface EncryptingStream extends Transform {
  /** The GCM tag; only once the stream has ended (all ciphertext read), else it throws. */
  authTag(): Buffer;
}

/** The key that seals file keys, derived from the app secret (SECRET_KEY) for this one purpose. */
export function fileKeySealKey(appSecret: string): Buffer {
  return sealKey(appSecret, FILE_KEY_PURPOSE);
}

/** A fresh random key and IV for one file. Never use one for two files (or twice for the same file). */
export function newFileKey(): FileKey {
  return { key: randomBytes(KEY_BYTES), iv: randomBytes(IV_BYTES) };
}

function checkFileKey(k: FileKey): void {
  if (!Buffer.isBuffer(k.key) || k.key.length !== KEY_BYTES) throw new Error('file-crypto: key must be 32 bytes');
  if (!Buffer.isBuffer(k.iv) || k.iv.length !== IV_BYTES) throw new Error('file-crypto: iv must be 12 bytes');
}

/** Key buffers that have encrypted once: GCM with a repeated key and IV gives both plaintexts away. */
const usedKeys = new WeakSet<Buffer>();

class GcmEncrypt extends Transform implements EncryptingStream {
  readonly #cipher: CipherGCM;
  #tag: Buffer | null = null;

  constructor(k: FileKey) {
    super();
    this.#cipher = createCipheriv(ALGORITHM, k.key, k.iv, { authTagLength: TAG_BYTES });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      done(null, this.#cipher.update(chunk));
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      const rest = this.#cipher.final();
      this.#tag = this.#cipher.getAuthTag();
      done(null, rest);
    } catch (err) {
      done(err as Error);
    }
  }

  authTag(): Buffer {
    if (!this.#tag || !this.readableEnded) throw new Error('file-crypto: the auth tag exists only once the stream has ended');
    return Buffer.from(this.#tag);
  }
}

class GcmDecrypt extends Transform {
  readonly #decipher: DecipherGCM;

  constructor(k: FileKey, tag: Buffer) {
    super();
    this.#decipher = createDecipheriv(ALGORITHM, k.key, k.iv, { authTagLength: TAG_BYTES });
    this.#decipher.setAuthTag(tag);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      done(null, this.#decipher.update(chunk));
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      done(null, this.#decipher.final());
    } catch {
      // Node says "Unsupported state or unable to authenticate data"; say what it means here.
      done(new FileAuthenticationError());
    }
  }
}

/** The end of a decrypting stream: the tag did not verify (tampered or truncated ciphertext, wrong key, IV or tag). */
export class FileAuthenticationError extends Error {
  override name = 'FileAuthenticationError';
  constructor() {
    super('file-crypto: the file does not authenticate (tampered, truncated, or the wrong key)');
  }
}

/**
 * A Transform that encrypts what is written to it. `authTag()` gives the tag
 * once the stream has ended. Each FileKey encrypts once: a second use throws.
 */
export function encryptingStream(k: FileKey): EncryptingStream {
  checkFileKey(k);
  if (usedKeys.has(k.key)) throw new Error('file-crypto: this file key has already encrypted a file');
  usedKeys.add(k.key);
  return new GcmEncrypt(k);
}

/**
 * A Transform that decrypts what is written to it and errors at the end
 * (FileAuthenticationError) when the tag does not verify. Its output is not
 * authentic until the stream has ended without an error.
 */
export function decryptingStream(k: FileKey, tag: Buffer): Transform {
  checkFileKey(k);
  if (!Buffer.isBuffer(tag) || tag.length !== TAG_BYTES) throw new Error('file-crypto: tag must be 16 bytes');
  return new GcmDecrypt(k, tag);
}

/**
 * Key, IV and tag of one file as one string for PostgreSQL, sealed with
 * `appKey` (`fileKeySealKey(SECRET_KEY)`). The inner format is
 * `f1.<key>.<iv>.<tag>` (base64url), inside core/seal.ts's `v1` envelope.
 */
export function sealFileKey(appKey: Buffer, k: FileKey, tag: Buffer): string {
  checkFileKey(k);
  if (!Buffer.isBuffer(tag) || tag.length !== TAG_BYTES) throw new Error('file-crypto: tag must be 16 bytes');
  const inner = ['f1', k.key.toString('base64url'), k.iv.toString('base64url'), tag.toString('base64url')].join('.');
  return seal(appKey, inner);
}

/** The inverse of `sealFileKey`; throws for another app key, a changed string or an unknown format. */
export function unsealFileKey(appKey: Buffer, sealed: string): SealedFileKey {
  const parts = unseal(appKey, sealed).split('.');
  if (parts.length !== 4 || parts[0] !== 'f1') throw new Error('file-crypto: unknown sealed key format');
  const key = Buffer.from(parts[1]!, 'base64url');
  const iv = Buffer.from(parts[2]!, 'base64url');
  const tag = Buffer.from(parts[3]!, 'base64url');
  if (key.length !== KEY_BYTES || iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new Error('file-crypto: unknown sealed key format');
  }
  return { key, iv, tag };
}
