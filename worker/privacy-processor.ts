import type { Job } from 'bullmq';
import type { Logger } from '../core/logger.js';
import type { PrivacyJob, Queues } from '../core/queues.js';
import type { Database } from '../db/client.js';
import { dueRequests, requestOfGoodbye } from '../db/queries/erasure-requests.js';
import { eraseRequest, type ErasureDeps } from './erasure.js';

/** The privacy queue: 'erase' one request; 'retention' the nightly run (worker/retention-run.ts). */
export function createPrivacyProcessor(deps: ErasureDeps & { retention: () => Promise<unknown> }) {
  return async function process(job: Job<PrivacyJob>) {
    if ('erasureId' in job.data) return { outcome: await eraseRequest(deps, job.data.erasureId) };
    return deps.retention();
  };
}

/**
 * The goodbye of an opt-out is final (sent, failed or refused): its erasure may
 * run. A short delay lets the web chat read the goodbye it was just told about
 * (it fetches the message after the live signal). Enqueue failures are left to
 * the sweep below.
 */
export function createGoodbyeHook(deps: { database: Database; queues: Queues; logger: Logger; delayMs: number }) {
  return async function goodbyeFinal(messageId: string) {
    try {
      const id = await requestOfGoodbye(deps.database.db, messageId);
      if (id) await deps.queues.enqueueErasure(id, deps.delayMs);
    } catch (err) {
      deps.logger.warn({ err, messageId }, 'erasure after goodbye not enqueued; the erasure sweep will');
    }
  };
}

/**
 * Maintenance: open erasure requests older than `graceMs` (the goodbye had its
 * chance, or a crash came between goodbye and erasure) or past their 24-hour
 * horizon are erased here and now - not via Redis, which may be what failed.
 */
export function createErasureSweep(deps: ErasureDeps & { graceMs: number }) {
  return async function sweep(): Promise<number> {
    const now = deps.now?.() ?? new Date();
    let erased = 0;
    for (const id of await dueRequests(deps.database.db, now, deps.graceMs)) {
      if ((await eraseRequest(deps, id)) === 'erased') erased += 1;
    }
    if (erased) deps.logger.info({ erased }, 'erasure sweep finished open requests');
    return erased;
  };
}
