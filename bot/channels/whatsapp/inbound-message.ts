import { isLidUser, isPnUser, jidNormalizedUser, normalizeMessageContent, type WAMessage } from '@whiskeysockets/baileys';
import type { InboundEnvelope, InboundEvent } from '../../../core/channel.js';
import { extractCardToken } from './card-token.js';

/**
 * Turning one Baileys message into Lijntje's InboundEnvelope.
 *
 * Media: the coach can only read text, but must see that the youngster sent
 * something - a photo of a letter or a voice note is often how they reach out.
 * So media becomes a text event with a short Dutch marker (plus the caption,
 * if any) instead of being dropped. Protocol traffic (reactions, edits,
 * deletes, key distribution) carries nothing for the coach and is ignored,
 * as are messages Baileys could not decrypt (no `message`): Baileys retries
 * those, and the decrypted copy arrives later under the same key.id.
 */
export const MEDIA_MARKER = '[afbeelding of bestand]';
export const VOICE_MARKER = '[spraakbericht]';

// Message parts that are protocol traffic, not something the youngster "said".
const IGNORED_PARTS = new Set([
  'protocolMessage',
  'reactionMessage',
  'encReactionMessage',
  'pollUpdateMessage',
  'senderKeyDistributionMessage',
  'fastRatchetKeySenderKeyDistributionMessage',
  'keepInChatMessage',
  'pinInChatMessage',
  'encEventResponseMessage',
  'messageContextInfo',
]);

function captionOf(content: NonNullable<WAMessage['message']>): string | null {
  const caption =
    content.imageMessage?.caption ?? content.videoMessage?.caption ?? content.documentMessage?.caption ?? null;
  return caption?.trim() ? caption.trim() : null;
}

/** The text the coach should see, or null when the message is protocol traffic. */
export function messageText(message: WAMessage['message']): string | null {
  const content = normalizeMessageContent(message);
  if (!content) return null;
  const text = content.conversation ?? content.extendedTextMessage?.text;
  // A text part is the message; a blank one leaves nothing to show.
  if (typeof text === 'string') return text.trim() === '' ? null : text;
  const parts = Object.entries(content).filter(
    ([name, value]) => value != null && (name === 'conversation' || name.endsWith('Message')) && !IGNORED_PARTS.has(name),
  );
  if (parts.length === 0) return null;
  const marker = content.audioMessage ? VOICE_MARKER : MEDIA_MARKER;
  const caption = captionOf(content);
  return caption ? `${marker} ${caption}` : marker;
}

/** Only one-to-one chats with a person: groups, broadcasts, status, newsletters and bots are not ours. */
export function isPersonJid(jid: string | null | undefined): jid is string {
  return !!jid && (isPnUser(jid) === true || isLidUser(jid) === true);
}

export function toInboundEvent(text: string): InboundEvent {
  const token = extractCardToken(text);
  return token ? { type: 'start', token, text } : { type: 'text', text };
}

/**
 * Null when the message is not for Lijntje: our own, not from a person, or
 * without anything to show. Baileys v7 addresses chats by LID (`…@lid`) or
 * phone (`…@s.whatsapp.net`) and gives the other form in `key.remoteJidAlt`
 * when WhatsApp sent it; we reply to the JID the message came from and keep
 * the other as the alternative id. Device suffixes (`:12`) are dropped so one
 * person stays one contact whichever phone or laptop they type on.
 */
export function toInboundEnvelope(msg: WAMessage): InboundEnvelope | null {
  const key = msg.key;
  if (!key || key.fromMe) return null;
  if (!isPersonJid(key.remoteJid)) return null;
  const text = messageText(msg.message);
  if (text === null) return null;
  const alt = isPersonJid(key.remoteJidAlt) ? jidNormalizedUser(key.remoteJidAlt) : null;
  return {
    channel: 'whatsapp',
    externalContactId: jidNormalizedUser(key.remoteJid),
    externalAltId: alt,
    externalMessageId: key.id ?? null,
    event: toInboundEvent(text),
  };
}
