import { pipeline, type Readable } from 'node:stream';
import { decryptingStream, encryptingStream, newFileKey, sealFileKey, unsealFileKey } from './file-crypto.js';
import { assertObjectKey, type ObjectStore } from './object-store.js';

/**
 * Media files at rest: each file is encrypted with its own key while it
 * streams into the object store, so only ciphertext ever reaches disk or
 * bucket. `write` returns the sealed key (key, IV and GCM tag sealed with
 * `appKey`, core/file-crypto.ts) for the caller to keep in PostgreSQL next to
 * the object's key; without it the object is noise, and deleting that row
 * (erasure) makes the object unreadable even before `remove` runs.
 *
 * `read` streams and decrypts. Its stream errors when the object was changed
 * or truncated, or the sealed key does not belong to it - at the end, since
 * one tag covers the file: a consumer must discard what it got on an error.
 */
export interface EncryptedFiles {
  write(key: string, body: Readable): Promise<{ bytes: number; sealedKey: string }>;
  read(key: string, sealedKey: string): Promise<Readable>;
  remove(keys: string[]): Promise<void>;
}

export interface EncryptedFilesOptions {
  store: ObjectStore;
  /** The seal key for file keys: `fileKeySealKey(SECRET_KEY)` (core/file-crypto.ts). */
  appKey: Buffer;
}

const ignore = () => {};

export function createEncryptedFiles({ store, appKey }: EncryptedFilesOptions): EncryptedFiles {
  if (!Buffer.isBuffer(appKey) || appKey.length !== 32) throw new Error('encrypted-files: appKey must be 32 bytes');

  return {
    async write(key, body) {
      assertObjectKey(key);
      const fileKey = newFileKey();
      const cipher = encryptingStream(fileKey);
      // pipeline() hands back the cipher: an error on either side destroys both, and reaches
      // the store through the cipher's own error; the callback has nothing left to do.
      const ciphertext = pipeline(body, cipher, ignore);
      const { bytes } = await store.put(key, ciphertext);
      let tag: Buffer;
      try {
        // Throws unless the store read the cipher to its end: never a sealed key for a partial file.
        tag = cipher.authTag();
      } catch (err) {
        await store.delete([key]).catch(ignore);
        throw err;
      }
      // GCM adds no padding: the object's size is the plaintext's.
      return { bytes, sealedKey: sealFileKey(appKey, fileKey, tag) };
    },

    async read(key, sealedKey) {
      assertObjectKey(key);
      // A wrong app key or a changed sealed key fails here, before the store is asked.
      const { key: k, iv, tag } = unsealFileKey(appKey, sealedKey);
      const ciphertext = await store.get(key);
      return pipeline(ciphertext, decryptingStream({ key: k, iv }, tag), ignore);
    },

    remove(keys) {
      return store.delete(keys);
    },
  };
}
