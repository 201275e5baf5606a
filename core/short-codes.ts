import { randomInt } from 'node:crypto';

/**
 * The card's second key, printed to be typed (into the chat, or after
 * PUBLIC_URL/c/): 8 characters from an alphabet without look-alikes (no 0/O,
 * no 1/I/L, no U next to V), shown as two groups of four. 30^8 is
 * about 6.6e11 (39 bits): guessing one of a region's few thousand live cards
 * takes some 10^8 tries, which the rate limit on /c/ and the chat put out of
 * reach. Random, so it says nothing about the person.
 */
export const SHORT_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
export const SHORT_CODE_LENGTH = 8;
const SHAPE = new RegExp(`^[${SHORT_CODE_ALPHABET}]{${SHORT_CODE_LENGTH}}$`);

export function newShortCode(): string {
  let code = '';
  for (let i = 0; i < SHORT_CODE_LENGTH; i++) code += SHORT_CODE_ALPHABET[randomInt(SHORT_CODE_ALPHABET.length)];
  return code;
}

/** As printed: 7K3M-9QXD. */
export function formatShortCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * What a person typed, as stored - or null when it cannot be a code. Case,
 * spaces and dashes do not matter; the look-alikes people still type (O for
 * 0 does not occur: there is no 0) are not guessed at.
 */
export function parseShortCode(typed: string): string | null {
  if (typed.length > 24) return null;
  const code = typed.toUpperCase().replace(/[\s\-–.]/g, '');
  return SHAPE.test(code) ? code : null;
}
