import { createHash, createHmac } from 'node:crypto';

/** Stored instead of a bearer secret, so a database dump does not hand out sessions. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Keyed hash: used where an identifier must be matchable but not reversible. */
export function keyedHash(key: string, value: string): string {
  return createHmac('sha256', key).update(value).digest('hex');
}
