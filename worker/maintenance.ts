import { Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from '../core/logger.js';
import { QUEUE, type MaintenanceJob, type Queues } from '../core/queues.js';

export type MaintenanceTasks = Record<string, () => Promise<unknown>>;

/**
 * Scheduled housekeeping on its own queue: BullMQ job schedulers (one per
 * task, upserted at every start, so several worker processes agree on one
 * schedule) put a job named after the task; whichever worker takes it runs it.
 */
export async function startMaintenance(deps: {
  queues: Queues;
  connection: ConnectionOptions;
  prefix: string;
  logger: Logger;
  tasks: MaintenanceTasks;
  everyMs: Record<string, number>;
}) {
  for (const [name, every] of Object.entries(deps.everyMs)) {
    await deps.queues.maintenance.upsertJobScheduler(name, { every }, { name, opts: { removeOnComplete: 100, removeOnFail: 100 } });
  }
  return new Worker<MaintenanceJob>(
    QUEUE.maintenance,
    async (job) => {
      const task = deps.tasks[job.name];
      if (!task) throw new Error(`unknown maintenance task ${job.name}`);
      return task();
    },
    { connection: deps.connection, prefix: deps.prefix, concurrency: 1 },
  );
}
