import { Worker, type ConnectionOptions } from 'bullmq';
import type { LiveBus } from '../core/live-bus.js';
import type { Logger } from '../core/logger.js';
import { QUEUE, type InboundJob, type OutboundJob } from '../core/queues.js';
import type { Database } from '../db/client.js';
import { createDeliveryProcessor, type Senders } from './delivery-processor.js';
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
  let delivery: Worker<OutboundJob> | undefined;
  delivery = new Worker<OutboundJob>(
    QUEUE.outbound,
    createDeliveryProcessor({ ...deps, getWorker: () => delivery }),
    { connection: deps.connection, prefix: deps.prefix, concurrency: 5 },
  );

  // The worker runtime's one error sink. Ids only: job data never holds personal data.
  for (const w of [routing, delivery]) {
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
    delivery,
    async close() {
      await Promise.all([routing.close(), delivery?.close()]);
    },
  };
}
export type Workers = ReturnType<typeof startWorkers>;
