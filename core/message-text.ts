import { InputError } from './errors.js';

/** Telegram's own limit is 4096; staying under it keeps every channel able to carry a message. */
export const MAX_MESSAGE_CHARS = 4000;

// C0/C1 controls except tab and newline: PostgreSQL refuses NUL, the rest only garbles screens.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/**
 * Normalises a chat message from anyone (youngster or staff) before it is stored.
 * Bidi overrides and emoji are kept as written - they are rendered inert as text
 * (the inbox isolates each message with dir="auto" / <bdi>); only what cannot be
 * stored or shown at all is removed. Throws InputError for empty or oversized text.
 */
export function normaliseMessageText(raw: unknown): string {
  if (typeof raw !== 'string') {
    throw new InputError('Message text must be a string', 'message_not_text');
  }
  const text = raw
    .toWellFormed() // lone surrogates would otherwise turn into U+FFFD somewhere less visible
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, '')
    .trim();
  if (text.length === 0) {
    throw new InputError('The message is empty', 'message_empty');
  }
  if (text.length > MAX_MESSAGE_CHARS) {
    throw new InputError(`The message is longer than ${MAX_MESSAGE_CHARS} characters`, 'message_too_long', 413, { max: MAX_MESSAGE_CHARS });
  }
  return text;
}

// Embeddings and overrides (U+202A-202E), isolates (U+2066-2069), LRM/RLM and the Arabic letter mark.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;

/**
 * For the one-line previews staff see in lists (inbox rows, search results,
 * live row updates): without bidi controls, so a youngster's text cannot
 * reorder what stands around it. Messages themselves keep them (see above).
 */
export function stripBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}

/**
 * JSON schema of a chat post (youngster or staff): the text itself is checked by
 * normaliseMessageText; clientId is the sender's idempotency key for retries.
 */
export const messagePostSchema = {
  type: 'object',
  required: ['text'],
  properties: {
    text: { type: 'string' },
    clientId: { type: 'string', pattern: '^[A-Za-z0-9_-]{8,64}$' },
    _csrf: { type: 'string' },
  },
} as const;

/** Big enough for a maximal message in any encoding plus JSON escaping; larger bodies are refused before parsing. */
export const MESSAGE_POST_BODY_LIMIT = 64 * 1024;
