import type { Queue } from 'bullmq';
import type { Context } from '../bin/context.js';
import { waitFor } from './load.js';

/**
 * Brings the app's Telegram pipeline (updates -> inbound routing -> outbound
 * delivery) to rest between scenarios, so one scenario's backlog is not
 * measured as the next one's load. Waits up to `timeoutMs`; if work is still
 * left then (the system is slower than the offered load), the waiting and
 * delayed jobs are removed - they will never be measured anyway - and only
 * the jobs already running are awaited. Keeps the whole run bounded in time.
 */
const pending = (q: Queue) => q.getJobCountByTypes('wait', 'active', 'delayed', 'prioritized');

export async function quiesce(ctx: Context, timeoutMs: number): Promise<{ purged: number }> {
  const queues: Queue[] = [ctx.queues.updates, ctx.queues.inbound, ctx.queues.outbound.telegram];
  const idle = async () => (await Promise.all(queues.map(pending))).every((n) => n === 0);
  if (await waitFor(idle, timeoutMs, 200)) return { purged: 0 };
  let purged = 0;
  // Repeated: a job that was running during a drain may still put itself back (a delivery waiting for an earlier one).
  const settled = await waitFor(async () => {
    for (const q of queues) {
      purged += await q.getJobCountByTypes('wait', 'delayed', 'prioritized');
      await q.drain(true);
    }
    return idle();
  }, 15_000, 200);
  if (!settled) throw new Error('the pipeline did not come to rest 15 s after its backlog was removed');
  return { purged };
}
