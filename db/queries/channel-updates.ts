import { and, eq, isNull } from 'drizzle-orm';
import type { ChannelName } from '../../core/channel.js';
import type { DbOrTx } from '../client.js';
import { channelUpdates } from '../schema/index.js';

/*
 * Platform updates (Telegram) as they arrived, until a worker has run them:
 * the key (Telegram's update_id) is unique per channel, so a re-sent update is
 * recognised and dropped. The payload is cleared once processed: the text
 * lives on only as a message row, which erasure covers.
 */

/** Stores an update; its row id, or null when this update was stored before. */
export async function storeUpdate(db: DbOrTx, u: { channel: ChannelName; key: string; payload: unknown }): Promise<string | null> {
  const [row] = await db
    .insert(channelUpdates)
    .values({ channel: u.channel, updateKey: u.key, payload: u.payload })
    .onConflictDoNothing()
    .returning({ id: channelUpdates.id });
  return row?.id ?? null;
}

/** The update if it still waits to be run (null once processed or unknown). */
export async function findPendingUpdate(db: DbOrTx, id: string) {
  const [row] = await db
    .select({ id: channelUpdates.id, channel: channelUpdates.channel, payload: channelUpdates.payload })
    .from(channelUpdates)
    .where(and(eq(channelUpdates.id, id), isNull(channelUpdates.processedAt)))
    .limit(1);
  return row ?? null;
}

export async function markUpdateProcessed(db: DbOrTx, id: string, at: Date): Promise<void> {
  await db.update(channelUpdates).set({ processedAt: at, payload: null }).where(eq(channelUpdates.id, id));
}
