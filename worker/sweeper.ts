import { and, eq, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import type { Logger } from '../core/logger.js';
import type { Queues } from '../core/queues.js';
import type { Database } from '../db/client.js';
import { recordEvent } from '../db/queries/events.js';
import { enqueueHeads } from '../db/queries/outbox.js';
import { conversations, messages } from '../db/schema/index.js';

/**
 * PostgreSQL is the source of truth; Redis only carries ids. This pass puts
 * back on the queues what PostgreSQL says is still waiting (Redis flushed or
 * lost, an enqueue that failed after commit, a job dropped by a crash):
 * - inbound 'received' messages of a conversation with a municipality -> routing;
 * - outbound 'queued' rows -> delivery (the job id carries the round, so a row
 *   whose earlier job already completed still gets a new one).
 * - outbound rows a dead worker claimed but never handed to the platform -> queued again.
 * A row a worker had handed to the platform when it died (sending_since set) is
 * different: nobody can tell whether the platform got it (Telegram has no
 * idempotency key), and sending it again might mean the youngster gets it twice.
 * It is marked failed with code 'interrupted' so a person sees it in the inbox
 * and can retry. That window is one platform call long.
 */
export function createOutboxSweeper(deps: {
  database: Database;
  queues: Queues;
  logger: Logger;
  /** Rows younger than this are left alone: their enqueue is probably on its way. */
  graceMs: number;
  /** A 'sending' row older than this has lost its worker. */
  staleSendingMs: number;
  batch?: number;
}) {
  const { db } = deps.database;
  const batch = deps.batch ?? 5000;

  return async function sweep(): Promise<{ inbound: number; outbound: number; reclaimed: number; interrupted: number }> {
    const graceCutoff = sql`now() - make_interval(secs => ${deps.graceMs / 1000})`;
    const inbound = await db
      .select({ id: messages.id })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(
        and(
          eq(messages.direction, 'in'),
          eq(messages.status, 'received'),
          isNotNull(conversations.municipalityId),
          lt(messages.createdAt, graceCutoff),
        ),
      )
      .limit(batch);
    for (const m of inbound) await deps.queues.enqueueInbound(m.id);

    // Contacts with a message waiting; only each one's head goes on the queue (the rest follow it).
    const waiting = await db
      .selectDistinct({ contactId: messages.contactId })
      .from(messages)
      .where(and(eq(messages.direction, 'out'), eq(messages.status, 'queued'), lt(messages.createdAt, graceCutoff)))
      .limit(batch);
    const contactIds = waiting.flatMap((w) => (w.contactId ? [w.contactId] : []));
    // Same job id as the head's own: if that job still exists, this adds nothing.
    const outbound = await enqueueHeads(db, deps.queues, contactIds);
    // A head that has waited longer than a send can take lost its job for good (its job id is
    // spent, e.g. completed while its predecessor was still going): a fresh id, once per period.
    const stuck = await db
      .selectDistinct({ contactId: messages.contactId })
      .from(messages)
      .where(
        and(
          eq(messages.direction, 'out'),
          eq(messages.status, 'queued'),
          lt(messages.createdAt, sql`now() - make_interval(secs => ${deps.staleSendingMs / 1000})`),
        ),
      )
      .limit(batch);
    const period = Math.floor(Date.now() / deps.staleSendingMs);
    await enqueueHeads(db, deps.queues, stuck.flatMap((w) => (w.contactId ? [w.contactId] : [])), { tag: `sweep-${period}` });

    // Claimed by a worker that died before handing it to the platform: it certainly did not leave, so it goes
    // again (a fresh job id: the dead worker's job is spent). The worker's hand-over checks its claim, so a
    // merely slow worker cannot send it as well.
    const stale = sql`now() - make_interval(secs => ${deps.staleSendingMs / 1000})`;
    const reclaimed = await db
      .update(messages)
      .set({ status: 'queued', lastError: 'reclaimed' })
      .where(
        and(
          eq(messages.direction, 'out'),
          eq(messages.status, 'sending'),
          isNull(messages.sendingSince),
          lt(messages.claimedAt, stale),
        ),
      )
      .returning({ contactId: messages.contactId });
    await enqueueHeads(db, deps.queues, reclaimed.flatMap((m) => (m.contactId ? [m.contactId] : [])), { tag: `reclaim-${period}` });

    const interrupted = await db
      .update(messages)
      .set({ status: 'failed', lastError: 'interrupted' })
      .where(
        and(
          eq(messages.direction, 'out'),
          eq(messages.status, 'sending'),
          lt(messages.sendingSince, stale),
        ),
      )
      .returning({ id: messages.id, conversationId: messages.conversationId, channel: messages.channel, contactId: messages.contactId });
    // The next messages of those contacts may go; only the interrupted one waits for a person.
    await enqueueHeads(db, deps.queues, interrupted.flatMap((m) => (m.contactId ? [m.contactId] : [])));
    for (const m of interrupted) {
      await recordEvent(db, { type: 'message.failed', conversationId: m.conversationId, data: { channel: m.channel, code: 'interrupted' } });
    }
    if (inbound.length || outbound || reclaimed.length || interrupted.length) {
      deps.logger.info({ inbound: inbound.length, outbound, reclaimed: reclaimed.length, interrupted: interrupted.length }, 'outbox sweep');
    }
    return { inbound: inbound.length, outbound, reclaimed: reclaimed.length, interrupted: interrupted.length };
  };
}
