import { Context } from 'grammy';
import type { Update } from 'grammy/types';
import type { ChannelSender, InboundHandler } from '../../../core/channel.js';
import type { Logger } from '../../../core/logger.js';
import type { Queues } from '../../../core/queues.js';
import type { Database } from '../../../db/client.js';
import { createTelegramBot, type TelegramConfig } from './bot.js';
import { telegramDialogue } from './dialogue-adapter.js';
import { ALLOWED_UPDATES, installIngest } from './ingest.js';
import { startTelegramPolling, type TelegramPolling } from './polling.js';
import { createTelegramSender } from './sender.js';
import type { TelegramWebhook } from './webhook-route.js';

export interface TelegramChannelConfig extends TelegramConfig {
  mode: 'webhook' | 'polling';
  webhookSecret: string | null;
}

export interface TelegramChannel {
  sender: ChannelSender;
  /** Webhook mode: what the web app's POST /telegram/webhook runs updates through. Null in polling mode. */
  webhook: TelegramWebhook | null;
  /** Runs an update the ingest stored (polling mode) through the dialogue; called from the updates queue. */
  handleStoredUpdate(payload: unknown): Promise<void>;
  /** Polling mode: poll while this process holds the bot's lock (null in webhook mode). */
  startPolling(opts: { databaseUrl: string; lockRetryMs?: number }): TelegramPolling | null;
  /**
   * Webhook mode: tells Telegram where to deliver updates. Idempotent, so every
   * start may do it; a failure is logged, not fatal - the web chat works anyway.
   */
  registerWebhook(publicUrl: string): Promise<void>;
}

/**
 * The Telegram channel of one process, around one grammY Bot: its API sends
 * the outbox, and its middleware either runs the dialogue in the webhook
 * request (webhook mode: Telegram keeps an update until it hears 200, so a
 * failure answers 500 and Telegram delivers it again, de-duplicated on the
 * message id) or stores each polled update first (polling mode: grammY moves
 * past an update whose handler failed, so the updates queue runs the stored
 * one through the same dialogue and retries it when it fails).
 */
export function createTelegramChannel(
  cfg: TelegramChannelConfig,
  deps: { dialogue: InboundHandler; database: Database; queues: Queues; logger: Logger },
): TelegramChannel {
  const bot = createTelegramBot(cfg);
  const dialogue = telegramDialogue(deps.dialogue);
  if (cfg.mode === 'webhook') bot.use(dialogue);
  else installIngest(bot, deps);

  return {
    sender: createTelegramSender({ api: bot.api }),
    webhook: cfg.mode === 'webhook' && cfg.webhookSecret ? { bot, secretToken: cfg.webhookSecret } : null,
    async handleStoredUpdate(payload) {
      await dialogue.middleware()(new Context(payload as Update, bot.api, bot.botInfo), async () => {});
    },
    startPolling(opts) {
      if (cfg.mode !== 'polling') return null;
      // One poller per bot in the whole deployment; the other workers wait for its lock.
      return startTelegramPolling({ bot, logger: deps.logger, ...opts });
    },
    async registerWebhook(publicUrl) {
      if (cfg.mode !== 'webhook' || !cfg.webhookSecret) return;
      try {
        await bot.api.setWebhook(`${publicUrl}/telegram/webhook`, {
          secret_token: cfg.webhookSecret,
          allowed_updates: [...ALLOWED_UPDATES],
        });
        deps.logger.info('telegram webhook registered');
      } catch (err) {
        deps.logger.error({ err }, 'telegram webhook registration failed');
      }
    },
  };
}
