import { Worker, type ConnectionOptions } from 'bullmq';
import type { LiveBus } from '../core/live-bus.js';
import type { Logger } from '../core/logger.js';
import type { ChannelName, ChannelSender } from '../core/channel.js';
import { QUEUE, type InboundJob, type OutboundJob } from '../core/queues.js';
import type { Database } from '../db/client.js';
import { createDeliveryProcessor } from './delivery-processor.js';

export type Senders = Partial<Record<ChannelName, ChannelSender>>;

/**
 * Platform limits per channel. Telegram: ~30 msg/s per bot (we stay a little
 * under); WhatsApp: one at a time, the sender paces well under 1 msg/s; the web
 * chat has no platform to protect.
 */
const DELIVERY: Record<ChannelName, { concurrency: number; limiter?: { max: number; duration: number } }> = {
  web: { concurrency: 10 },
  telegram: { concurrency: 5, limiter: { max: 25, duration: 1000 } },
  whatsapp: { concurrency: 1 },
};
import { createRoutingProcessor } from './routing-processor.js';

export interface WorkerDeps {
  database: Database;
  liveBus: LiveBus;
  senders: Senders;
  logger: Logger;
  connection: ConnectionOptions;
  prefix: string;
}

/** Starts the BullMQ workers; `close()` waits for jobs in flight (graceful shutdown). */
export function startWorkers(deps: WorkerDeps) {
  const routing = new Worker<InboundJob>(QUEUE.inbound, createRoutingProcessor(deps), {
    connection: deps.connection,
    prefix: deps.prefix,
    concurrency: 10,
  });
  const deliveries = (Object.entries(deps.senders) as [ChannelName, ChannelSender][]).map(([channel, sender]) => {
    let worker: Worker<OutboundJob> | undefined;
    worker = new Worker<OutboundJob>(
      QUEUE.outbound(channel),
      createDeliveryProcessor({ ...deps, sender, getWorker: () => worker }),
      { connection: deps.connection, prefix: deps.prefix, ...DELIVERY[channel] },
    );
    return worker;
  });

  // The worker runtime's one error sink. Ids only: job data never holds personal data.
  for (const w of [routing, ...deliveries]) {
    w.on('failed', (job, err) =>
      deps.logger.warn(
        { queue: w.name, jobId: job?.id, attemptsMade: job?.attemptsMade, err: { name: err.name, message: err.message } },
        'job failed',
      ),
    );
    w.on('error', (err) => deps.logger.error({ queue: w.name, err }, 'worker error'));
  }

  return {
    routing,
    deliveries,
    delivery(channel: ChannelName) {
      return deliveries.find((w) => w.name === QUEUE.outbound(channel));
    },
    async close() {
      await Promise.all([routing, ...deliveries].map((w) => w.close()));
    },
  };
}
export type Workers = ReturnType<typeof startWorkers>;
