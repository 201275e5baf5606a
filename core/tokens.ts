import { randomBytes } from 'node:crypto';

/**
 * Card tokens go into QR codes and Telegram deep links, so they must fit
 * Telegram's start payload: at most 64 chars of A-Za-z0-9_-. 16 random bytes in
 * base64url give 22 chars and 128 bits - unguessable, and no personal data.
 */
export const CARD_TOKEN_BYTES = 16;
export const CARD_TOKEN_PATTERN = /^[A-Za-z0-9_-]{22,64}$/;

/**
 * A token always holds a digit: WhatsApp finds a card token in free text by how random it
 * looks (bot/channels/whatsapp/card-token.ts), and about two in a million random tokens have
 * neither a digit nor a lower-upper pair - their card would then not be recognised there.
 * About 3 % of draws have no digit; drawing again costs less than a tenth of a bit of the 128.
 */
export function newCardToken(): string {
  for (;;) {
    const token = randomBytes(CARD_TOKEN_BYTES).toString('base64url');
    if (/[0-9]/.test(token)) return token;
  }
}

export function isCardTokenShape(value: string): boolean {
  return CARD_TOKEN_PATTERN.test(value);
}

/** Opaque secrets for cookies (staff sessions, web-chat devices). */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
