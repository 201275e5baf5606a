import type { Job } from 'bullmq';
import type { ChannelName } from '../core/channel.js';
import type { UpdateJob } from '../core/queues.js';
import type { Database } from '../db/client.js';
import { findPendingUpdate, markUpdateProcessed } from '../db/queries/channel-updates.js';

export type UpdateHandlers = Partial<Record<ChannelName, (payload: unknown) => Promise<void>>>;

/**
 * Runs a stored platform update through its channel's handler (Telegram:
 * grammY's middleware -> dialogue), then clears the payload: the text lives on
 * only as a message row, which erasure covers. A job for an update already
 * processed does nothing; one that fails is retried with the payload intact.
 */
export function createUpdateProcessor(deps: { database: Database; handlers: UpdateHandlers }) {
  const { db } = deps.database;
  return async function processUpdate(job: Job<UpdateJob>): Promise<{ processed: boolean }> {
    const row = await findPendingUpdate(db, job.data.updateId);
    if (!row || row.payload === null) return { processed: false };
    const handler = deps.handlers[row.channel];
    if (!handler) throw new Error(`no update handler for ${row.channel}`);
    await handler(row.payload);
    await markUpdateProcessed(db, row.id, new Date());
    return { processed: true };
  };
}
