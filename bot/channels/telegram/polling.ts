import type { Bot } from 'grammy';
import type { Logger } from '../../../core/logger.js';
import { acquireProcessLock, type ProcessLock } from '../../../db/process-lock.js';
import { ALLOWED_UPDATES } from './ingest.js';

/**
 * Long polling for small installs, by exactly one worker process per bot.
 * Telegram answers a second getUpdates for the same bot with 409 Conflict and
 * the two pollers keep knocking each other out (grammY then gives up), so the
 * poller holds a PostgreSQL advisory lock (db/process-lock.ts) for as long as
 * it polls. Every other worker tries again every `lockRetryMs` and takes over
 * when the holder stops or dies (its lock connection closes with it); a
 * holder that loses its lock connection stops polling at once and queues up
 * again. Telegram keeps undelivered updates for a day, so a few seconds
 * without a poller lose nothing. Updates are handled from the queue by any
 * worker (installIngest); only fetching them is exclusive.
 */
export interface TelegramPolling {
  /** Whether this process polls the bot right now. */
  isPolling(): boolean;
  stop(): Promise<void>;
}

export function startTelegramPolling(deps: {
  bot: Bot;
  databaseUrl: string;
  logger: Logger;
  /** How often a process without the lock tries again (default 5 s). */
  lockRetryMs?: number;
  /** Pause before polling again after Telegram could not be reached (default 30 s). */
  restartMs?: number;
}): TelegramPolling {
  const { bot, logger } = deps;
  // The bot id is the public part of the token; the secret part stays out of lock names and logs.
  const key = `tg:${bot.botInfo.id}`;
  const lockRetryMs = deps.lockRetryMs ?? 5_000;
  const restartMs = deps.restartMs ?? 30_000;
  let stopped = false;
  let lock: ProcessLock | null = null;
  let timer: NodeJS.Timeout | undefined;
  let polling = false;
  let waitingLogged = false;
  bot.catch((err) => logger.warn({ err }, 'telegram update failed while polling'));

  const later = (fn: () => void, ms: number) => {
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(fn, ms);
  };

  async function stopPolling() {
    polling = false;
    // stop() aborts the running long poll and confirms the last update with a short one, so nothing is fetched twice.
    if (bot.isRunning()) await bot.stop().catch(() => {});
  }

  function poll(owner: ProcessLock) {
    if (stopped || lock !== owner) return;
    polling = true;
    bot.start({ allowed_updates: [...ALLOWED_UPDATES] }).catch((err: unknown) => {
      polling = false;
      if (stopped || lock !== owner) return;
      // 409 while we hold the lock: a poller that just lost it is still finishing its last request.
      const wait = (err as { error_code?: unknown }).error_code === 409 ? Math.min(lockRetryMs, restartMs) : restartMs;
      logger.warn({ err }, `telegram polling stopped; retrying in ${wait / 1000} s`);
      later(() => poll(owner), wait);
    });
  }

  async function lost(owner: ProcessLock) {
    if (lock !== owner) return;
    lock = null;
    logger.warn('telegram polling lock lost (database connection closed); polling stops and waits for the lock again');
    await stopPolling();
    later(() => void tryLock(), lockRetryMs);
  }

  async function tryLock() {
    if (stopped || lock) return;
    let candidate: ProcessLock | undefined;
    try {
      candidate = await acquireProcessLock(deps.databaseUrl, key, {
        applicationName: 'lijntje-tg-lock',
        onLost: () => {
          if (candidate) void lost(candidate);
        },
      });
    } catch (err) {
      logger.warn({ err }, 'telegram polling lock: database not reachable; retrying');
      later(() => void tryLock(), lockRetryMs);
      return;
    }
    if (!candidate.acquired) {
      if (!waitingLogged) logger.info('another worker polls this Telegram bot; this one takes over when it stops');
      waitingLogged = true;
      later(() => void tryLock(), lockRetryMs);
      return;
    }
    if (stopped) {
      await candidate.release();
      return;
    }
    lock = candidate;
    waitingLogged = false;
    logger.info('telegram polling owned by this worker');
    poll(candidate);
  }
  void tryLock();

  return {
    isPolling: () => polling && bot.isRunning(),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      const held = lock;
      lock = null;
      // Polling ends before the lock is released: the next poller never overlaps with this one.
      await stopPolling();
      await held?.release();
    },
  };
}
