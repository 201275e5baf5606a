import type { Bot } from 'grammy';
import { createDialogueService } from '../bot/dialogue/service.js';
import { createTelegramBot } from '../bot/channels/telegram/bot.js';
import { installTelegramDialogue } from '../bot/channels/telegram/dialogue-adapter.js';
import { ALLOWED_UPDATES, installIngest } from '../bot/channels/telegram/ingest.js';
import { startTelegramPolling, type TelegramPolling } from '../bot/channels/telegram/polling.js';
import { createTelegramSender } from '../bot/channels/telegram/sender.js';
import { createWebSender } from '../bot/channels/web-sender.js';
import { createPairingStore, type PairingStore } from '../bot/channels/whatsapp/pairing-store.js';
import { startWhatsAppRuntime } from '../bot/channels/whatsapp/runtime.js';
import { baileysSocketFactory, type MakeSocket } from '../bot/channels/whatsapp/socket.js';
import type { UpdateHandlers } from '../worker/update-processor.js';
import { startWorkers, type Senders, type Workers } from '../worker/workers.js';
import type { Context } from './context.js';

/**
 * Which channels this deployment has, built from config: the web chat always;
 * Telegram with TELEGRAM_BOT_TOKEN; WhatsApp with WHATSAPP_NUMBER. Entry points
 * and tests wire channels through this one function.
 */
export function buildChannels(ctx: Context, opts: { makeWhatsAppSocket?: MakeSocket; pollLockRetryMs?: number } = {}) {
  const { env } = ctx;
  const dialogue = createDialogueService({ ...ctx, publicUrl: env.publicUrl });
  const senders: Senders = { web: createWebSender({ liveBus: ctx.liveBus }) };
  const updateHandlers: UpdateHandlers = {};
  let telegramIngest: Bot | null = null;
  let telegramWebhookBot: Bot | null = null;

  if (env.telegram) {
    senders.telegram = createTelegramSender({ api: createTelegramBot(env.telegram).api });
    const processing = createTelegramBot(env.telegram);
    installTelegramDialogue(processing, dialogue);
    updateHandlers.telegram = (payload) => processing.handleUpdate(payload as Parameters<Bot['handleUpdate']>[0]);
    if (env.telegram.mode === 'webhook') {
      // Webhook: handled in the request. Telegram keeps an update until we answer 200, so a
      // failure answers 500 and Telegram delivers it again (de-duplicated on the message id).
      telegramWebhookBot = processing;
    } else {
      // Polling: grammY moves past an update whose handler failed, so each one is stored
      // first and handled from the updates queue, where a failure is retried.
      telegramIngest = createTelegramBot(env.telegram);
      installIngest(telegramIngest, ctx);
    }
  }
  const pairing: PairingStore | null = env.whatsapp ? createPairingStore(ctx.redis, env.queuePrefix, env.whatsapp.session) : null;

  return {
    dialogue,
    pairing,
    /** For the web app: the webhook route (webhook mode only). */
    telegramWebhook: telegramWebhookBot && env.telegram?.webhookSecret ? { bot: telegramWebhookBot, secretToken: env.telegram.webhookSecret } : null,

    /** Starts the workers plus what belongs with them: Telegram polling, the WhatsApp socket. */
    startWorkers(): { workers: Workers; telegramPolling: TelegramPolling | null; stop(): Promise<void> } {
      const workers = startWorkers({
        ...ctx,
        senders,
        updateHandlers,
        outbox: env.outbox,
        workerLockMs: env.workerLockMs,
        telegramPerSecond: env.telegramPerSecond,
        connection: ctx.workerConnection(),
        prefix: env.queuePrefix,
      });
      const stops: (() => Promise<void>)[] = [];
      let telegramPolling: TelegramPolling | null = null;
      if (telegramIngest) {
        // One poller per bot in the whole deployment; the other workers wait for its lock.
        telegramPolling = startTelegramPolling({ bot: telegramIngest, databaseUrl: env.databaseUrl, logger: ctx.logger, lockRetryMs: opts.pollLockRetryMs });
        const polling = telegramPolling;
        stops.push(() => polling.stop());
      }
      if (env.whatsapp && pairing) {
        const runtime = startWhatsAppRuntime({
          database: ctx.database,
          databaseUrl: env.databaseUrl,
          session: env.whatsapp.session,
          dialogue,
          pairing,
          makeSocket: opts.makeWhatsAppSocket ?? baileysSocketFactory,
          logger: ctx.logger,
          onSocketOwner: (sender) => workers.addDelivery('whatsapp', sender),
        });
        stops.push(() => runtime.stop());
      }
      return {
        workers,
        /** Telegram polling mode: whether this process is the one polling (null in webhook mode or without Telegram). */
        telegramPolling,
        async stop() {
          for (const s of stops) await s();
          await workers.close();
        },
      };
    },
  };
}
export type Channels = ReturnType<typeof buildChannels>;

/**
 * Tells Telegram where to deliver updates (webhook mode). Idempotent, so every
 * start may do it; a failure is logged, not fatal - the web chat works anyway.
 */
export async function registerTelegramWebhook(env: Context['env'], logger: Context['logger']) {
  if (!env.telegram?.webhookSecret) return;
  try {
    await createTelegramBot(env.telegram).api.setWebhook(`${env.publicUrl}/telegram/webhook`, {
      secret_token: env.telegram.webhookSecret,
      allowed_updates: [...ALLOWED_UPDATES],
    });
    logger.info('telegram webhook registered');
  } catch (err) {
    logger.error({ err: { message: (err as Error).message } }, 'telegram webhook registration failed');
  }
}
