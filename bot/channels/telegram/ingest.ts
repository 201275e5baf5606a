import type { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger } from '../../../core/logger.js';
import type { Queues } from '../../../core/queues.js';
import type { Database } from '../../../db/client.js';
import { storeUpdate } from '../../../db/queries/channel-updates.js';

/**
 * The first thing that happens to a Telegram update, in webhook and polling
 * mode alike: store it, enqueue its row id, answer. Telegram re-sends updates
 * it thinks were not answered, and grammY does not de-duplicate, so the
 * update_id is unique in channel_updates and a re-send is acknowledged and dropped.
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
