import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AfterCommit, ErasureRegistry } from '../../core/erasure-registry.js';
import type { DbOrTx, Tx } from '../client.js';
import { closeOptedOutConversation } from './conversations.js';
import { requestErasure } from './erasure-requests.js';
import { noticeOptOut } from './erasure.js';
import { recordEvent } from './events.js';
import { timestampText } from '../raw-row.js';
import { channelContacts, conversations, events, youngsters } from '../schema/index.js';

/**
 * A confirmed opt-out stops all contact at once: every channel of this
 * youngster (or just this contact, without a card) is marked opted out - set
 * once, never cleared. Returns the contacts stopped; the caller cancels what
 * waits for them (messages.ts cancelWaitingFor) and closes the conversation
 * (conversations.ts closeOptedOutConversation), in the same transaction.
 */
export async function stopContacts(tx: DbOrTx, contact: { id: string | null; youngsterId: string | null }): Promise<string[]> {
  const who = [contact.youngsterId ? eq(channelContacts.youngsterId, contact.youngsterId) : undefined, contact.id ? eq(channelContacts.id, contact.id) : undefined].filter(
    (c) => c !== undefined,
  );
  // A youngster who never wrote has no contact to stop (they said it at the door).
  if (!who.length) return [];
  const stopped = await tx
    .update(channelContacts)
    .set({ optedOutAt: sql`coalesce(${channelContacts.optedOutAt}, now())`, dialogueState: 'opted_out' })
    .where(or(...who))
    .returning({ id: channelContacts.id });
  return stopped.map((s) => s.id);
}

export type OptOutHow = 'chat' | 'door' | 'phone' | 'letter' | 'other';

/**
 * Everything an opt-out does in the database, in the caller's transaction - the
 * same for a "Nee bedankt" in any chat and for one a casemanager records (said
 * at the door, by phone, by letter):
 * every contact of the person stopped; every registered step's cancel (the
 * outbox except the goodbye, cards, card PDFs, and what later capabilities
 * register); the conversation closed and left with whoever should know, who
 * gets a notice without content; and the erasure requested - it follows the
 * goodbye, or comes at once without one. Returns the after-commit work of the
 * steps and what to signal.
 */
export async function stopAllContact(
  tx: Tx,
  registry: ErasureRegistry<Tx>,
  o: {
    /** The contact that said it (null: said to staff, for a youngster who never wrote). */
    contact: { id: string | null; youngsterId: string | null; cardId: string | null };
    conversationId: string | null;
    municipalityId: string | null;
    /** The goodbye just written (chat only): it still goes out, and erasure waits for it. */
    goodbyeIds: readonly string[];
    how: OptOutHow;
    staffId?: string | null;
    monitoringKey?: string | null;
  },
): Promise<{ closed: { conversationId: string; municipalityId: string } | null; erasureId: string; afterCommit: AfterCommit[] }> {
  const contactIds = await stopContacts(tx, o.contact);
  const subject = { youngsterId: o.contact.youngsterId, contactIds, municipalityId: o.municipalityId };
  const afterCommit = await registry.cancel(tx, subject, o.goodbyeIds);
  const done = o.conversationId
    ? await closeOptedOutConversation(tx, { conversationId: o.conversationId, cardId: o.contact.cardId, youngsterId: o.contact.youngsterId })
    : null;
  if (done?.ownerId) await noticeOptOut(tx, { staffId: done.ownerId, municipalityId: done.municipalityId });
  if (o.how !== 'chat') {
    await recordEvent(tx, {
      type: 'optout.confirmed',
      municipalityId: o.municipalityId,
      subject: o.monitoringKey ?? null,
      conversationId: o.conversationId,
      actorStaffId: o.staffId ?? null,
      data: { via: o.how },
    });
  }
  const request = await requestErasure(tx, {
    youngsterId: o.contact.youngsterId,
    contactIds,
    municipalityId: o.municipalityId,
    reason: o.how === 'chat' ? 'opt_out' : 'staff_opt_out',
    requestedBy: o.staffId ?? null,
    goodbyeMessageId: o.goodbyeIds.at(-1) ?? null,
  });
  const closed = done?.municipalityId && o.conversationId ? { conversationId: o.conversationId, municipalityId: done.municipalityId } : null;
  return { closed, erasureId: request.id, afterCommit };
}

/**
 * The conversation a staff member records an opt-out on, locked, in their scope: who it is
 * (youngster, or the one contact of someone without a card), its municipality and the
 * monitoring key. Null when out of scope or gone.
 */
export async function lockConversationForOptOut(tx: Tx, conversationId: string, municipalityIds: readonly string[]) {
  if (!municipalityIds.length) return null;
  const [row] = await tx
    .select({
      conversationId: conversations.id,
      municipalityId: conversations.municipalityId,
      youngsterId: conversations.youngsterId,
      contactId: conversations.contactId,
      monitoringKey: youngsters.monitoringKey,
    })
    .from(conversations)
    .leftJoin(youngsters, eq(youngsters.id, conversations.youngsterId))
    .where(and(eq(conversations.id, conversationId), inArray(conversations.municipalityId, [...municipalityIds])))
    .for('update', { of: conversations });
  return row ?? null;
}

/**
 * Whether a reason was already given under this conversation's opt-out goodbye
 * ('optout.reason_given', bot/dialogue/service.ts): one reason per goodbye is counted.
 */
export async function optOutReasonGiven(db: DbOrTx, conversationId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: events.id })
    .from(events)
    .where(and(eq(events.conversationId, conversationId), eq(events.type, 'optout.reason_given')))
    .limit(1);
  return row !== undefined;
}
