import { createHash, timingSafeEqual } from 'node:crypto';

/** Stored instead of a bearer secret, so a database dump does not hand out sessions. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Compares a presented secret with the expected one without leaking, through timing, how much matched. */
export function safeEqual(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
