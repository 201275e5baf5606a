import { and, count, eq, gt, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { events, messages } from '../schema/index.js';

/*
 * What /metrics reports at scrape time (web/routes/metrics.ts): numbers per
 * channel and status from the outbox and the anonymous event log. Nothing
 * personal: no texts, no ids.
 */

/** Outgoing messages not yet delivered (queued, sending, failed), per channel and status. */
export async function countUndelivered(db: DbOrTx) {
  return db
    .select({ channel: messages.channel, status: messages.status, n: count() })
    .from(messages)
    .where(and(eq(messages.direction, 'out'), inArray(messages.status, ['queued', 'sending', 'failed', 'in_doubt'])))
    .groupBy(messages.channel, messages.status);
}

const secondsToSent = sql`extract(epoch from ${messages.sentAt} - ${messages.createdAt})`;
const quantile = (q: number) => sql<number>`percentile_cont(${q}) within group (order by ${secondsToSent})`.mapWith(Number);

/** Seconds from outbox row to sent, per channel, over what was sent in the last `minutes`. */
export async function deliveryLatency(db: DbOrTx, minutes: number) {
  return db
    .select({ channel: messages.channel, p50: quantile(0.5), p95: quantile(0.95), p99: quantile(0.99) })
    .from(messages)
    .where(
      and(
        eq(messages.direction, 'out'),
        eq(messages.status, 'sent'),
        gt(messages.sentAt, sql`now() - make_interval(mins => ${minutes})`),
      ),
    )
    .groupBy(messages.channel);
}

export const MESSAGE_OUTCOMES = ['message.received', 'message.sent', 'message.failed', 'message.cancelled', 'message.in_doubt'] as const;

/** Messages per outcome and channel since the start, counted in the event log (it survives erasure). */
export async function countMessageOutcomes(db: DbOrTx) {
  const channel = sql<string | null>`${events.data}->>'channel'`;
  return db
    .select({ type: events.type, channel, n: count() })
    .from(events)
    .where(inArray(events.type, [...MESSAGE_OUTCOMES]))
    .groupBy(events.type, channel);
}
