import { Redis, type RedisOptions } from 'ioredis';

/**
 * Producers (web, bot) fail fast so a request never hangs on a dead Redis;
 * workers and subscribers wait and retry forever (BullMQ requires
 * maxRetriesPerRequest: null for workers).
 */
export function createRedis(url: string, kind: 'producer' | 'worker' | 'subscriber'): Redis {
  const opts: RedisOptions =
    kind === 'producer'
      ? { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 }
      : { maxRetriesPerRequest: null };
  return new Redis(url, { ...opts, lazyConnect: false });
}
