/**
 * The one internal shape every channel adapter speaks. The dialogue and the
 * workers only see this; grammY, Baileys and SSE stay inside their adapter.
 */
export type ChannelName = 'web' | 'telegram' | 'whatsapp';

export interface OutboundEnvelope {
  messageId: string;
  contactId: string;
  /** Telegram chat id, WhatsApp JID, or web-chat device hash. */
  externalContactId: string;
  body: string;
}

export interface SendResult {
  /** The platform's id for what was sent, when it gives one. */
  externalId: string | null;
}

export interface ChannelSender {
  readonly channel: ChannelName;
  send(envelope: OutboundEnvelope): Promise<SendResult>;
  /** Runs once the row is marked sent (e.g. to wake a live view that re-reads it); failures are only logged. */
  afterSent?(envelope: OutboundEnvelope): Promise<void>;
}

/**
 * A sender throws this when the platform says "slow down" (HTTP 429 and the
 * like); the delivery worker waits `retryAfterMs` instead of counting a failure.
 */
export class RateLimitedError extends Error {
  override name = 'RateLimitedError';
  constructor(readonly retryAfterMs: number) {
    super(`rate limited for ${retryAfterMs} ms`);
  }
}

/** A send that can never succeed (blocked bot, unknown chat): no retries. */
export class PermanentSendError extends Error {
  override name = 'PermanentSendError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}
