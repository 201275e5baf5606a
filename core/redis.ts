import { Redis, type RedisOptions } from 'ioredis';

/**
 * Producers (web, bot) fail fast so a request never hangs on a dead Redis: a
 * command waits through at most one reconnect attempt, then errors (callers
 * have already stored their row; the sweeper enqueues it later). Workers and
 * subscribers wait and retry forever (BullMQ requires maxRetriesPerRequest: null).
 */
export function createRedis(url: string, kind: 'producer' | 'worker' | 'subscriber'): Redis {
  const opts: RedisOptions =
    kind === 'producer'
      ? { maxRetriesPerRequest: 1, connectTimeout: 2000 }
      : { maxRetriesPerRequest: null };
  return new Redis(url, { ...opts, lazyConnect: false });
}
