import type { Queues } from '../core/queues.js';

export const RETENTION_SCHEDULER_ID = 'retention-nightly';
/** 03:00 Amsterdam time: the quietest hour, and after midnight so "older than N months" moves a whole day. */
export const RETENTION_PATTERN = '0 3 * * *';
export const RETENTION_TZ = 'Europe/Amsterdam';

/**
 * Registers the nightly retention run on queue 'privacy' (BullMQ v6 job
 * scheduler; the old `repeat` option is gone). Upsert by a fixed id, so every
 * worker start may call it: there is always exactly one scheduler, and a
 * changed pattern replaces the old one. Redis losing it is repaired by the
 * next worker start. The job carries no data beyond `{ retention: true }`.
 */
export async function scheduleRetention(
  queues: Pick<Queues, 'privacy'>,
  opts: { pattern?: string; tz?: string } = {},
): Promise<void> {
  await queues.privacy.upsertJobScheduler(
    RETENTION_SCHEDULER_ID,
    { pattern: opts.pattern ?? RETENTION_PATTERN, tz: opts.tz ?? RETENTION_TZ },
    { name: 'retention', data: { retention: true }, opts: { attempts: 3, backoff: { type: 'exponential', delay: 60_000 } } },
  );
}
