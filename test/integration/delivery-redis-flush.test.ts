import { eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findHeads } from '../../db/queries/outbox.js';
import { messages } from '../../db/schema/index.js';
import { until } from '../helpers/http.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { seedTelegramOutbox } from '../helpers/outbox-seed.js';
import { TEST_REDIS_URL } from '../helpers/test-env.js';

// This file flushes Redis, so it uses its own logical database (7) that no other test touches.
const REDIS_URL = Object.assign(new URL(TEST_REDIS_URL), { pathname: '/7' }).toString();
let t: TestStack;
let fake: NonNullable<TestStack['fake']>;
let iso: TestStack['iso'];

beforeAll(async () => {
  t = await startTestStack({ telegram: true, env: { REDIS_URL, TELEGRAM_PER_SECOND: '200', OUTBOX_SWEEP_INTERVAL_MS: '500', WORKER_LOCK_MS: '3000' } });
  fake = t.fake!;
  iso = t.iso;
});
afterAll(async () => t?.close());

describe('Redis loses everything in the middle of a burst', () => {
  it('the sweeper puts every waiting message back; each is delivered exactly once', async () => {
    const db = iso.ctx.database.db;
    const { org } = t;
    const { messages: out, contactIds } = await seedTelegramOutbox(db, { municipalityId: org.oost.municipalities.Roermond!, chats: 500, perChat: 2 });
    await iso.ctx.queues.enqueueHeads(await findHeads(db, contactIds));

    await until(async () => fake.sent().length >= 300, 30_000);
    const flusher = new Redis(REDIS_URL);
    await flusher.flushdb();
    flusher.disconnect();
    const atFlush = fake.sent().length;
    expect(atFlush).toBeLessThan(out.length); // the flush really hit mid-burst

    await until(async () => {
      const rows = await db.select({ status: messages.status }).from(messages).where(eq(messages.direction, 'out'));
      return rows.every((r) => r.status === 'sent');
    }, 60_000);

    const counts = new Map<string, number>();
    for (const c of fake.sent()) counts.set(String(c.payload.text), (counts.get(String(c.payload.text)) ?? 0) + 1);
    expect(counts.size).toBe(out.length);
    expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
  }, 120000);
});
