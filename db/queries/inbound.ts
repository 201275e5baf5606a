import { and, eq, lt, sql } from 'drizzle-orm';
import type { ChannelName } from '../../core/channel.js';
import { z } from 'zod';
import { rawRows, type DbOrTx, type Executor } from '../client.js';
import { conversations, messages } from '../schema/index.js';

/**
 * What the inbound path reads about youngsters' messages, and the key that
 * keeps a platform's re-delivery from being stored twice. The messages
 * themselves are written by messages.ts.
 */

/** The key's row. */
export const seenRow = z.strictObject({ id: z.uuid() });
type SeenRow = z.infer<typeof seenRow>;

/**
 * Durable de-duplication of a platform's re-deliveries of one message (only
 * the ids are kept, never the text): true the first time. Raw SQL: it runs
 * for every message from a platform.
 */
export async function firstTimeSeen(tx: Executor, contact: { id: string; channel: ChannelName }, externalMessageId: string, now: Date): Promise<boolean> {
  const inserted = await rawRows<SeenRow>(tx, sql`
    insert into channel_updates (channel, update_key, processed_at)
    values (${contact.channel}, ${`msg:${contact.id}:${externalMessageId}`}, ${now.toISOString()}::timestamptz)
    on conflict do nothing
    returning id`);
  return inserted.length > 0;
}

/**
 * The same key, for a contact named by its platform id(s) - so it can travel
 * with the inbound path's first statement (lockContactWithContext). True the
 * first time; false for a re-delivery, and false when the contact does not
 * exist yet (then the caller creates it and asks firstTimeSeen).
 */
export async function firstTimeSeenByIds(tx: Executor, channel: ChannelName, ids: readonly string[], externalMessageId: string, now: Date): Promise<boolean> {
  const inserted = await rawRows<SeenRow>(tx, sql`
    insert into channel_updates (channel, update_key, processed_at)
    select ${channel}, 'msg:' || c.id || ':' || ${externalMessageId}::text, ${now.toISOString()}::timestamptz
    from channel_contacts c
    where c.channel = ${channel} and (c.external_id = any(${sql.param([...ids])}::text[]) or c.external_alt_id = any(${sql.param([...ids])}::text[]))
    limit 1
    on conflict do nothing
    returning id`);
  return inserted.length > 0;
}

/** A conversation's messages that wait as 'received' (nobody could see them until a municipality was chosen). */
export async function findHeldIncoming(db: DbOrTx, conversationId: string): Promise<string[]> {
  const held = await db
    .select({ id: messages.id })
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.direction, 'in'), eq(messages.status, 'received')));
  return held.map((h) => h.id);
}

/** Incoming messages still 'received' after `olderThanMs`, of conversations with a municipality (the sweeper). */
export async function findUnrouted(db: DbOrTx, q: { olderThanMs: number; limit: number }): Promise<string[]> {
  const rows = await db
    .select({ id: messages.id })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(
      and(
        eq(messages.direction, 'in'),
        eq(messages.status, 'received'),
        sql`${conversations.municipalityId} is not null`,
        lt(messages.createdAt, sql`now() - make_interval(secs => ${q.olderThanMs / 1000})`),
      ),
    )
    .limit(q.limit);
  return rows.map((r) => r.id);
}

