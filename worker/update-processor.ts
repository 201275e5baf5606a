import type { Job } from 'bullmq';
import { and, eq, isNull } from 'drizzle-orm';
import type { ChannelName } from '../core/channel.js';
import type { UpdateJob } from '../core/queues.js';
import type { Database } from '../db/client.js';
import { channelUpdates } from '../db/schema/index.js';

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
    const [row] = await db
      .select()
      .from(channelUpdates)
      .where(and(eq(channelUpdates.id, job.data.updateId), isNull(channelUpdates.processedAt)))
      .limit(1);
    if (!row || row.payload === null) return { processed: false };
    const handler = deps.handlers[row.channel];
    if (!handler) throw new Error(`no update handler for ${row.channel}`);
    await handler(row.payload);
    await db
      .update(channelUpdates)
      .set({ processedAt: new Date(), payload: null })
      .where(eq(channelUpdates.id, row.id));
    return { processed: true };
  };
}
