import { and, desc, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { OutboxHead } from '../../core/queues.js';
import type { DbOrTx } from '../client.js';
import { channelContacts, conversations, messages, youngsters } from '../schema/index.js';

/**
 * What waits to go out, read from PostgreSQL (the writes are in messages.ts).
 * Delivery goes one message at a time per contact, in order: each contact has
 * a line, and only its head - the oldest queued message, while nothing of
 * theirs is being sent - may be put on the queue and claimed. Nothing here
 * enqueues: callers hand what these functions return to `queues.enqueueHeads`.
 */

/**
 * THE check "this contact already has a message waiting or being sent": true
 * while a row of theirs is sending, or queued (before `seq`, when given - a
 * row is not in its own way). `contactId` is a value or a column of the outer
 * query. Every place that asks goes through here: the inbound insert (does the
 * bot's first reply head the line?), `findHeads` and the delivery worker's turn.
 */
export function lineAhead(contactId: string | SQL | AnyPgColumn, seq?: SQL | AnyPgColumn): SQL {
  const queued = seq ? sql`(line.status = 'queued' and line.seq < ${seq})` : sql`line.status = 'queued'`;
  return sql`exists (select 1 from messages line where line.contact_id = ${contactId} and line.direction = 'out'
    and (line.status = 'sending' or ${queued}))`;
}

/** The head of each given contact's line (none for a contact whose line is empty or busy). */
export async function findHeads(db: DbOrTx, contactIds: readonly (string | null)[]): Promise<OutboxHead[]> {
  const ids = [...new Set(contactIds.filter((id): id is string => id !== null))];
  if (ids.length === 0) return [];
  return db
    .select({ id: messages.id, channel: messages.channel, round: messages.attempts })
    .from(messages)
    .where(
      and(
        inArray(messages.contactId, ids),
        eq(messages.direction, 'out'),
        eq(messages.status, 'queued'),
        sql`not ${lineAhead(messages.contactId, messages.seq)}`,
      ),
    );
}

/**
 * Contacts with a message queued for longer than `olderThanMs` (the sweeper:
 * younger rows probably have their job on the way).
 */
export async function findWaitingContacts(db: DbOrTx, q: { olderThanMs: number; limit: number }): Promise<string[]> {
  const rows = await db
    .selectDistinct({ contactId: messages.contactId })
    .from(messages)
    .where(
      and(
        eq(messages.direction, 'out'),
        eq(messages.status, 'queued'),
        lt(messages.createdAt, sql`now() - make_interval(secs => ${q.olderThanMs / 1000})`),
      ),
    )
    .limit(q.limit);
  return rows.flatMap((r) => (r.contactId ? [r.contactId] : []));
}

/** A delivery job's first look: is the row still queued, and is it the head of its contact's line? */
export async function deliveryTurn(db: DbOrTx, messageId: string) {
  const [row] = await db
    .select({
      status: messages.status,
      contactId: messages.contactId,
      isHead: sql<boolean>`not ${lineAhead(messages.contactId, messages.seq)}`,
    })
    .from(messages)
    .where(and(eq(messages.id, messageId), eq(messages.direction, 'out')))
    .limit(1);
  return row ?? null;
}

/** Who a claimed message goes to, and what the delivery gates need to know about them. */
export async function deliveryTarget(db: DbOrTx, claim: { conversationId: string; contactId: string | null }) {
  const [target] = await db
    .select({
      externalId: channelContacts.externalId,
      optedOutAt: channelContacts.optedOutAt,
      language: channelContacts.language,
      municipalityId: conversations.municipalityId,
      monitoringKey: youngsters.monitoringKey,
      wroteFirst: sql<boolean>`exists (select 1 from ${messages} m
        where m.contact_id = ${channelContacts.id} and m.direction = 'in')`,
    })
    .from(conversations)
    .leftJoin(channelContacts, eq(channelContacts.id, claim.contactId ?? sql`null`))
    .leftJoin(youngsters, eq(youngsters.id, conversations.youngsterId))
    .where(eq(conversations.id, claim.conversationId))
    .limit(1);
  return target ?? null;
}
export type DeliveryTarget = NonNullable<Awaited<ReturnType<typeof deliveryTarget>>>;

/** A staff reply already stored under this client id (a double click, a retried POST). */
export async function findReplyByClientRef(db: DbOrTx, conversationId: string, clientRef: string): Promise<string | null> {
  const [dup] = await db
    .select({ id: messages.id })
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.direction, 'out'), eq(messages.clientRef, clientRef)))
    .limit(1);
  return dup?.id ?? null;
}

/** Where a staff reply goes: the contact and channel the youngster last wrote from. */
export async function replyTarget(db: DbOrTx, conversationId: string) {
  const [last] = await db
    .select({ contactId: messages.contactId, channel: messages.channel, optedOutAt: channelContacts.optedOutAt, language: channelContacts.language })
    .from(messages)
    .innerJoin(channelContacts, eq(channelContacts.id, messages.contactId))
    .where(and(eq(messages.conversationId, conversationId), eq(messages.direction, 'in')))
    .orderBy(desc(messages.seq))
    .limit(1);
  return last?.contactId ? { contactId: last.contactId, channel: last.channel, optedOut: last.optedOutAt !== null, language: last.language } : null;
}

/** An outgoing message of a conversation, locked for a staff retry, with what the retry checks. */
export async function lockOutgoingForRetry(db: DbOrTx, conversationId: string, messageId: string) {
  const [m] = await db
    .select({
      status: messages.status,
      channel: messages.channel,
      contactId: messages.contactId,
      municipalityId: conversations.municipalityId,
      optedOutAt: channelContacts.optedOutAt,
    })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .leftJoin(channelContacts, eq(channelContacts.id, messages.contactId))
    .where(and(eq(messages.id, messageId), eq(messages.conversationId, conversationId), eq(messages.direction, 'out')))
    .for('update', { of: messages })
    .limit(1);
  return m ?? null;
}
