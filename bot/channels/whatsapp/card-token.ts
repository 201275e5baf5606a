/**
 * Finds the card token in a youngster's first WhatsApp message. A card's
 * wa.me link pre-fills a text such as "Hoi! Mijn kaartcode is <token>"; the
 * youngster may edit it, paste the card URL (…/k/<token>) or add words, so we
 * look for a token-shaped word anywhere instead of parsing one fixed sentence.
 *
 * Token shape is core/tokens.ts CARD_TOKEN_PATTERN: 22-64 chars of A-Za-z0-9_-.
 * Long Dutch words fit that shape too ("arbeidsongeschiktheidsverzekering",
 * "Jongeren-Informatie-Punt-Amsterdam"), so a candidate must also look random:
 * it contains a digit, or a capital letter directly after a lowercase letter
 * ("…xQ…"), which no ordinary word, name or hyphenated compound has. A plain
 * "has upper and lower case" rule would accept any capitalised long word.
 * A newCardToken() value (22 chars base64url) fails both tests about twice in
 * a million (simulated over 2 million tokens); such a card still works through
 * the dialogue's "no card recognised" path.
 */

/** A maximal run of token characters, i.e. a standalone "word" in token terms. */
const CANDIDATE = /[A-Za-z0-9_-]+/g;
const MIN_LENGTH = 22;
const MAX_LENGTH = 64;

function looksRandom(word: string): boolean {
  return /[0-9]/.test(word) || /[a-z][A-Z]/.test(word);
}

export function extractCardToken(text: string): string | null {
  for (const match of text.matchAll(CANDIDATE)) {
    const word = match[0];
    if (word.length < MIN_LENGTH || word.length > MAX_LENGTH) continue;
    if (looksRandom(word)) return word;
  }
  return null;
}
