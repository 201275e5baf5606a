import { createDialogueService } from '../bot/dialogue/service.js';
import { createTelegramChannel } from '../bot/channels/telegram/channel.js';
import type { TelegramPolling } from '../bot/channels/telegram/polling.js';
import { createWebSender } from '../bot/channels/web-sender.js';
import { createPairingStore, type PairingStore } from '../bot/channels/whatsapp/pairing-store.js';
import { startWhatsAppRuntime } from '../bot/channels/whatsapp/runtime.js';
import { baileysSocketFactory, type MakeSocket } from '../bot/channels/whatsapp/socket.js';
import type { UpdateHandlers } from '../worker/update-processor.js';
import { runRetention } from '../worker/retention-run.js';
import { startWorkers, type Senders, type Workers } from '../worker/workers.js';
import type { Context } from './context.js';

export interface ChannelOptions {
  makeWhatsAppSocket?: MakeSocket;
  pollLockRetryMs?: number;
}

/**
 * Which channels this deployment has, built from config: the web chat always;
 * Telegram with TELEGRAM_BOT_TOKEN (one grammY Bot for the process:
 * bot/channels/telegram/channel.ts); WhatsApp with WHATSAPP_NUMBER. Built once
 * per process by buildServices (./services.ts).
 */
export function buildChannels(ctx: Context, opts: ChannelOptions = {}) {
  const { env } = ctx;
  const dialogue = createDialogueService({ ...ctx, publicUrl: env.publicUrl, suppressionKeys: env.suppressionKeys });
  const senders: Senders = { web: createWebSender({ liveBus: ctx.liveBus }) };
  const updateHandlers: UpdateHandlers = {};
  const telegram = env.telegram ? createTelegramChannel(env.telegram, { ...ctx, dialogue }) : null;
  if (telegram) {
    senders.telegram = telegram.sender;
    updateHandlers.telegram = (payload) => telegram.handleStoredUpdate(payload);
  }
  const pairing: PairingStore | null = env.whatsapp ? createPairingStore(ctx.redis, env.queuePrefix, env.whatsapp.session) : null;

  return {
    dialogue,
    pairing,
    /** For the web app: the webhook route (webhook mode only). */
    telegramWebhook: telegram?.webhook ?? null,
    /** Webhook mode: tells Telegram where to deliver updates (the web role does it at every start). */
    async registerTelegramWebhook() {
      await telegram?.registerWebhook(env.publicUrl);
    },

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
        cards: { pdfDir: env.cards.pdfDir, publicUrl: env.publicUrl },
        suppressionKeys: env.suppressionKeys,
        privacy: env.privacy,
        retention: () => runRetention({ ...ctx }),
      });
      const stops: (() => Promise<void>)[] = [];
      const telegramPolling = telegram?.startPolling({ databaseUrl: env.databaseUrl, lockRetryMs: opts.pollLockRetryMs }) ?? null;
      if (telegramPolling) stops.push(() => telegramPolling.stop());
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
