import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findHeads } from '../../db/queries/outbox.js';
import { messages } from '../../db/schema/index.js';
import { until } from '../helpers/http.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { seedTelegramOutbox } from '../helpers/outbox-seed.js';

let t: TestStack;
let fake: NonNullable<TestStack['fake']>;
let iso: TestStack['iso'];

beforeAll(async () => {
  t = await startTestStack({ telegram: true, env: { TELEGRAM_PER_SECOND: '100' } });
  fake = t.fake!;
  iso = t.iso;
});
afterAll(async () => t?.close());

describe('Telegram answers 429 to half of all calls', () => {
  it('delivers everything once, keeps the order per chat and about one message a second per chat', async () => {
    const db = iso.ctx.database.db;
    const { org } = t;
    const { messages: out, chatIds, contactIds } = await seedTelegramOutbox(db, { municipalityId: org.oost.municipalities.Roermond!, chats: 6, perChat: 4 });
    fake.tooManyRequestsHalf(true, 1);
    await iso.ctx.queues.enqueueHeads(await findHeads(db, contactIds));

    await until(async () => {
      const rows = await db.select({ status: messages.status }).from(messages).where(eq(messages.direction, 'out'));
      return rows.every((r) => r.status === 'sent');
    }, 90_000);
    fake.tooManyRequestsHalf(false);

    expect(fake.sent()).toHaveLength(out.length);
    for (const chat of chatIds) {
      const calls = fake.sent(chat);
      expect(calls.map((c) => c.payload.text)).toEqual([0, 1, 2, 3].map((n) => `c${chat} #${n}`));
      for (let i = 1; i < calls.length; i++) expect(calls[i]!.at - calls[i - 1]!.at).toBeGreaterThanOrEqual(900);
    }
  }, 120000);
});
