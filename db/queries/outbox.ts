import { sql } from 'drizzle-orm';
import type { ChannelName } from '../../core/channel.js';
import type { Queues } from '../../core/queues.js';
import type { DbOrTx } from '../client.js';

/**
 * Delivery goes one message at a time per contact, in order: only the head of
 * each contact's line (its oldest queued message, when nothing of theirs is
 * being sent) is put on the queue. When that one is done, the delivery worker
 * enqueues the next. Enqueueing the whole line at once would make the later
 * messages wait by re-running, and every re-run counts against the channel's
 * rate limit (BullMQ's limiter counts processed jobs).
 */
export async function enqueueHeads(
  db: DbOrTx,
  queues: Queues,
  contactIds: string[],
  opts: { delayMs?: number; tag?: string } = {},
): Promise<number> {
  if (contactIds.length === 0) return 0;
  const heads = await db.execute<{ id: string; channel: ChannelName; attempts: number }>(sql`
    select distinct on (m.contact_id) m.id, m.channel, m.attempts::int as attempts
    from messages m
    where m.contact_id in ${sql`(${sql.join(contactIds.map((id) => sql`${id}`), sql`, `)})`}
      and m.direction = 'out' and m.status = 'queued'
      and not exists (select 1 from messages s where s.contact_id = m.contact_id and s.direction = 'out' and s.status = 'sending')
    order by m.contact_id, m.seq`);
  for (const h of heads) await queues.enqueueOutbound(h.id, h.channel, h.attempts, opts);
  return heads.length;
}
