import type { Redis } from 'ioredis';

/**
 * Spaces a bot's sends evenly across all worker processes: each send reserves
 * the next free slot (at least 1/rate after the previous one) in Redis and
 * waits for it. It paces the platform call itself, not the job start, so a
 * job that was slow in the database cannot bunch up with the next one and
 * break Telegram's sliding second (BullMQ's limiter only spaces job starts).
 * Redis's clock decides, so processes on different machines agree.
 */
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, last + tonumber(ARGV[1]))
redis.call('SET', KEYS[1], string.format('%d', slot), 'PX', 60000)
return slot - now`;

/** Pushes the next free slot to at least `now + ARGV[1]` (a 429's retry_after holds for every process). */
const PAUSE = `
local t = redis.call('TIME')
local until_us = tonumber(t[1]) * 1000000 + tonumber(t[2]) + tonumber(ARGV[1])
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_us > last then redis.call('SET', KEYS[1], string.format('%d', until_us), 'PX', 60000) end
return 0`;

export function createSendSpacer(redis: Redis, key: string, perSecond: number) {
  const intervalUs = Math.round(1_000_000 / perSecond);
  return {
    /** Resolves when this send's slot has come. */
    async wait(): Promise<void> {
      const waitUs = Number(await redis.eval(RESERVE, 1, key, intervalUs));
      if (waitUs > 0) await new Promise((r) => setTimeout(r, waitUs / 1000));
    },
    async pause(ms: number): Promise<void> {
      await redis.eval(PAUSE, 1, key, Math.round(ms * 1000));
    },
  };
}
export type SendSpacer = ReturnType<typeof createSendSpacer>;
