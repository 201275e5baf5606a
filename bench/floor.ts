import { defaultJobOptions } from '../core/queues.js';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Queue, Worker } from 'bullmq';
import type { Context } from '../bin/context.js';
import { createRedis } from '../core/redis.js';
import { openLoop, summarise, waitFor, type LatencySummary } from './load.js';

/**
 * The floor: the least any "store, then queue" design must do per message on
 * this machine - one INSERT of a message-like row and one BullMQ add with a
 * deterministic job id - measured with the same definition as the inbound
 * run: from the start of the operation until a (trivial) consumer worker has
 * the job. The inbound path is compared against this, so the machine's speed
 * cancels out of the ratio.
 */
export interface FloorResult {
  sent: number;
  completed: number;
  throughput: number;
  latency: LatencySummary;
  generatorLagP99: number;
}


export async function runFloor(ctx: Context, opts: { total: number; rate: number; graceS: number; redisUrl: string }): Promise<FloorResult> {
  const { total, rate, redisUrl } = opts;
  const { sql } = ctx.database;
  await sql`create table if not exists bench_floor (
    id uuid primary key default gen_random_uuid(),
    conversation_id uuid not null,
    channel text not null,
    direction text not null,
    body text not null,
    status text not null,
    external_id text,
    created_at timestamptz not null default now()
  )`;
  const conversationId = randomUUID();
  const producer = createRedis(redisUrl, 'producer');
  const consumer = createRedis(redisUrl, 'worker');
  const queue = new Queue<{ messageId: string; i: number }>('bench-floor', { connection: producer, prefix: ctx.env.queuePrefix, defaultJobOptions: defaultJobOptions });
  const startedAt = new Array<number>(total).fill(NaN);
  const latency = new Map<number, number>();
  let lastCompletion = 0;
  // Concurrency as the routing worker's, the consumer the inbound path ends in.
  const worker = new Worker<{ messageId: string; i: number }>(
    'bench-floor',
    async (job) => {
      const at = performance.now();
      latency.set(job.data.i, at - startedAt[job.data.i]!);
      lastCompletion = Math.max(lastCompletion, at);
    },
    { connection: consumer, prefix: ctx.env.queuePrefix, concurrency: 10 },
  );
  try {
    await worker.waitUntilReady();
    const { lagMs, startedAt: t0 } = await openLoop(total, rate, async (i) => {
      startedAt[i] = performance.now();
      const [row] = await sql<{ id: string }[]>`
        insert into bench_floor (conversation_id, channel, direction, body, status, external_id)
        values (${conversationId}, 'telegram', 'in', ${`Hoi, ik heb een vraag over werk (bericht ${i})`}, 'received', ${`m${i}`})
        returning id`;
      await queue.add('route', { messageId: row!.id, i }, { jobId: `floor-${row!.id}` });
    });
    await waitFor(() => latency.size >= total, opts.graceS * 1000, 50);
    return {
      sent: total,
      completed: latency.size,
      throughput: latency.size / ((lastCompletion - t0) / 1000),
      latency: summarise(Array.from({ length: total }, (_, i) => latency.get(i) ?? Infinity)),
      generatorLagP99: summarise(lagMs).p99,
    };
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
    producer.disconnect();
    consumer.disconnect();
  }
}
