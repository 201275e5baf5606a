import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MenuOption } from '../../core/channel.js';
import { sha256 } from '../../core/hash.js';
import { newSecret } from '../../core/tokens.js';
import type { Db } from '../../db/client.js';
import type { CardContext } from '../../db/queries/cards.js';
import { findWebContactByDevice } from '../../db/queries/contacts.js';
import { listWebChatMessages } from '../../db/queries/webchat-thread.js';

/**
 * A web-chat "contact" is one browser on one card: a random device secret in a
 * cookie scoped to that card's path, stored only as a hash. Someone else who
 * finds the card gets their own, empty chat - never the youngster's messages.
 */
export const DEVICE_COOKIE = 'lj_chat';
const ONE_YEAR_S = 365 * 24 * 3600;

export function cardPath(token: string) {
  return `/k/${token}`;
}

function deviceSecret(req: FastifyRequest): string | null {
  const v = req.cookies[DEVICE_COOKIE];
  return typeof v === 'string' && /^[A-Za-z0-9_-]{43}$/.test(v) ? v : null;
}

/** The device id for this browser (hash of its cookie), setting a new cookie when there is none. */
export function ensureDeviceId(req: FastifyRequest, reply: FastifyReply, token: string, secureCookies: boolean): string {
  let secret = deviceSecret(req);
  if (!secret) {
    secret = newSecret(32);
    reply.setCookie(DEVICE_COOKIE, secret, {
      path: cardPath(token),
      httpOnly: true,
      sameSite: 'lax',
      secure: secureCookies,
      maxAge: ONE_YEAR_S,
    });
  }
  return sha256(secret);
}

/** The existing contact for this browser and card, or null (no cookie, or a cookie from another card). */
export async function findDeviceContact(db: Db, req: FastifyRequest, card: CardContext) {
  const secret = deviceSecret(req);
  if (!secret) return null;
  const row = await findWebContactByDevice(db, sha256(secret));
  return row && row.cardId === card.cardId ? row : null;
}

export interface ChatMessageView {
  id: string;
  seq: number;
  direction: 'in' | 'out';
  kind: 'text' | 'choice' | 'bot';
  body: string;
  menu: MenuOption[] | null;
  /** The goodbye after an opt-out: the page closes its typing box. */
  goodbye: boolean;
  author: string | null;
  createdAt: string;
}

/** What this browser may see: its own messages and the replies delivered to it. */
export async function messagesForContact(db: Db, contactId: string, messageId?: string): Promise<ChatMessageView[]> {
  const rows = await listWebChatMessages(db, contactId, messageId);
  return rows.map((r) => ({ ...r, menu: r.menu ?? null, createdAt: r.createdAt.toISOString() }));
}
