import type { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger } from '../../../core/logger.js';
import type { Queues } from '../../../core/queues.js';
import type { Database } from '../../../db/client.js';
import { storeUpdate } from '../../../db/queries/channel-updates.js';

/**
 * Polling mode's first step for a Telegram update: store it, enqueue its row
 * id, move on; the updates queue then runs it through the dialogue
 * (./channel.ts). (A webhook update is handled in its request instead.)
 * Telegram sends an update again when it thinks it was not taken, and grammY
 * does not de-duplicate, so the update_id is unique in channel_updates and a
 * second copy is dropped.
 */
export function installIngest(bot: Bot, deps: { database: Database; queues: Queues; logger: Logger }) {
  bot.use(async (ctx) => {
    const update = ctx.update as Update;
    const id = await storeUpdate(deps.database.db, { channel: 'telegram', key: String(update.update_id), payload: update });
    if (id === null) return; // already have it
    try {
      await deps.queues.enqueueUpdate(id);
    } catch (err) {
      deps.logger.warn({ err, updateRowId: id }, 'update enqueue failed; the sweeper will pick it up');
    }
  });
}

/** Updates we act on; everything else (edits, group events) Telegram need not send us. */
export const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

/** A webhook body that is not a Telegram update at all is refused before grammY sees it. */
export function looksLikeUpdate(body: unknown): body is Update {
  return (
    typeof body === 'object' &&
    body !== null &&
    Number.isSafeInteger((body as { update_id?: unknown }).update_id) &&
    (body as { update_id: number }).update_id >= 0
  );
}
