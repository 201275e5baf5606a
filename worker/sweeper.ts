import type { LiveBus } from '../core/live-bus.js';
import type { Logger } from '../core/logger.js';
import type { Queues } from '../core/queues.js';
import type { Database } from '../db/client.js';
import { findUnrouted } from '../db/queries/inbound.js';
import { markStaleInDoubt, requeueStaleClaims } from '../db/queries/messages.js';
import { findHeads, findWaitingContacts } from '../db/queries/outbox.js';

/**
 * PostgreSQL is the source of truth; Redis only carries ids. This pass puts
 * back on the queues what PostgreSQL says is still waiting (Redis flushed or
 * lost, an enqueue that failed after commit, a job dropped by a crash):
 * - inbound 'received' messages of a conversation with a municipality -> routing;
 * - the head of every line with a queued message -> delivery (the job id
 *   carries the round, so a row whose earlier job already completed still gets a new one);
 * - outbound rows a dead worker claimed but never handed to the platform -> queued again.
 * A row a worker had handed to the platform when it died (sending_since set) is
 * different: nobody can tell whether the platform got it, and sending it again
 * might mean the youngster gets it twice. It becomes 'in_doubt', shown to staff
 * as "misschien niet aangekomen" with the retry button. That window is one
 * platform call long.
 */
export function createOutboxSweeper(deps: {
  database: Database;
  queues: Queues;
  logger: Logger;
  /** Tells open inboxes that a message became in doubt. */
  liveBus?: LiveBus;
  /** Rows younger than this are left alone: their enqueue is probably on its way. */
  graceMs: number;
  /** A 'sending' row older than this has lost its worker. */
  staleSendingMs: number;
  batch?: number;
}) {
  const { db } = deps.database;
  const limit = deps.batch ?? 5000;
  const staleMs = deps.staleSendingMs;
  const enqueueHeadsOf = async (contactIds: (string | null)[], tag?: string) =>
    deps.queues.enqueueHeads(await findHeads(db, contactIds), tag ? { tag } : {});

  return async function sweep(): Promise<{ inbound: number; outbound: number; reclaimed: number; inDoubt: number }> {
    const inbound = await findUnrouted(db, { olderThanMs: deps.graceMs, limit });
    for (const id of inbound) await deps.queues.enqueueInbound(id);

    // Same job id as the head's own: if that job still exists, this adds nothing.
    const outbound = await enqueueHeadsOf(await findWaitingContacts(db, { olderThanMs: deps.graceMs, limit }));
    // A head that has waited longer than a send can take lost its job for good (its job id is
    // spent, e.g. completed while its predecessor was still going): a fresh id, once per period.
    const period = Math.floor(Date.now() / staleMs);
    await enqueueHeadsOf(await findWaitingContacts(db, { olderThanMs: staleMs, limit }), `sweep-${period}`);

    // Claimed by a worker that died before handing it to the platform: it certainly did not leave, so it goes
    // again (a fresh job id: the dead worker's job is spent). The worker's hand-over checks its claim, so a
    // merely slow worker cannot send it as well.
    const reclaimed = await requeueStaleClaims(db, { staleMs });
    await enqueueHeadsOf(reclaimed, `reclaim-${period}`);

    // The next messages of those contacts may go; only the one in doubt waits for a person.
    const inDoubt = await markStaleInDoubt(db, { staleMs });
    await enqueueHeadsOf(inDoubt.map((m) => m.contactId));
    for (const m of inDoubt) {
      if (!m.municipalityId || !deps.liveBus) continue;
      const signal = { kind: 'message' as const, messageId: m.id, conversationId: m.conversationId, municipalityId: m.municipalityId };
      await deps.liveBus.publishInbox(signal).catch((err: unknown) => deps.logger.warn({ err, messageId: m.id }, 'live signal for a message in doubt failed'));
    }

    const counts = { inbound: inbound.length, outbound, reclaimed: reclaimed.length, inDoubt: inDoubt.length };
    if (counts.inbound || counts.outbound || counts.reclaimed || counts.inDoubt) deps.logger.info(counts, 'outbox sweep');
    return counts;
  };
}
