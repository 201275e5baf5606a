/**
 * The one internal shape every channel adapter speaks. The dialogue and the
 * workers only see this; grammY, Baileys and SSE stay inside their adapter.
 */
export type ChannelName = 'web' | 'telegram' | 'whatsapp';

export interface MenuOption {
  /** Stable id the dialogue understands (e.g. 'chat', 'visit', 'optout'); fits Telegram's 64-byte callback_data. */
  id: string;
  label: string;
}

export interface OutboundEnvelope {
  messageId: string;
  contactId: string;
  /** Telegram chat id, WhatsApp JID (the one that wrote), or web-chat device hash. */
  externalContactId: string;
  body: string;
  /** Choices to offer: inline keyboard (Telegram), buttons (web), numbered lines (WhatsApp). */
  menu: MenuOption[] | null;
  /** The contact's language, for what an adapter adds itself (WhatsApp's "send the number" line). */
  language: 'nl' | 'en';
}

/**
 * What a channel adapter hands the dialogue, whatever the platform:
 * - start:  the youngster arrived through a card (deep link payload, card code
 *           in a first WhatsApp text, web chat opened); token null = no/unknown card
 * - text:   something they typed
 * - choice: a button or menu item they picked (the option id)
 */
export type InboundEvent =
  | { type: 'start'; token: string | null; text?: string }
  | { type: 'text'; text: string }
  | { type: 'choice'; choice: string };

export interface InboundEnvelope {
  channel: ChannelName;
  /** The platform identity that wrote: Telegram chat id, WhatsApp JID, web device hash. */
  externalContactId: string;
  /** WhatsApp: the other JID form (phone vs LID) when the platform tells it. */
  externalAltId?: string | null;
  /** Platform message id, for de-duplication of re-deliveries. */
  externalMessageId: string | null;
  event: InboundEvent;
}

export interface HandleResult {
  /** The stored youngster message (null when nothing was stored, e.g. an opted-out contact). */
  messageId: string | null;
  duplicate: boolean;
}

/** Implemented by the dialogue service; adapters call it and know nothing else of Lijntje. */
export interface InboundHandler {
  handle(envelope: InboundEnvelope): Promise<HandleResult>;
}

export interface SendResult {
  /** The platform's id for what was sent, when it gives one. */
  externalId: string | null;
}

export interface ChannelSender {
  readonly channel: ChannelName;
  /**
   * WhatsApp bans numbers that message people who never wrote first: such a
   * channel's sends are refused unless the contact has written to us.
   */
  readonly requiresInboundFirst?: boolean;
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
