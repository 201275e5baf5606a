import type { Redis } from 'ioredis';

/**
 * At most one send per contact per interval, across all worker processes: a
 * short-lived Redis key per contact is the reservation. Telegram allows about
 * one message a second in one chat; bursts beyond that get 429s.
 */
export function createPacer(redis: Redis, prefix: string, intervalMs: number) {
  return {
    /** 0 when this send may go now (and reserves the slot), else how long to wait. */
    async reserve(contactId: string): Promise<number> {
      const key = `${prefix}:pace:${contactId}`;
      const ok = await redis.set(key, '1', 'PX', intervalMs, 'NX');
      if (ok === 'OK') return 0;
      const ttl = await redis.pttl(key);
      return ttl > 0 ? ttl : 1;
    },
  };
}
export type Pacer = ReturnType<typeof createPacer>;
