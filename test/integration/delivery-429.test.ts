import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueHeads } from '../../db/queries/outbox.js';
import { messages } from '../../db/schema/index.js';
import { startFakeTelegram, telegramEnv, TEST_BOT_TOKEN } from '../helpers/fake-telegram.js';
import { twoTeams } from '../helpers/fixtures.js';
import { until } from '../helpers/http.js';
import { isolated, runningStack, type Isolated } from '../helpers/isolated.js';
import { seedTelegramOutbox } from '../helpers/outbox-seed.js';

let fake: Awaited<ReturnType<typeof startFakeTelegram>>;
let iso: Isolated;
let stack: Awaited<ReturnType<typeof runningStack>>;

beforeAll(async () => {
  fake = await startFakeTelegram(TEST_BOT_TOKEN);
  iso = await isolated({
    ...telegramEnv(fake.apiRoot),
    TELEGRAM_PER_SECOND: '100',
  });
  stack = await runningStack(iso);
});
afterAll(async () => {
  await stack?.close();
  await iso?.destroy();
  await fake?.close();
});

describe('Telegram answers 429 to half of all calls', () => {
  it('delivers everything once, keeps the order per chat and about one message a second per chat', async () => {
    const db = iso.ctx.database.db;
    const org = await twoTeams(db);
    const { messages: out, chatIds, contactIds } = await seedTelegramOutbox(db, { municipalityId: org.oost.municipalities.Roermond!, chats: 6, perChat: 4 });
    fake.tooManyRequestsHalf(true, 1);
    await enqueueHeads(db, iso.ctx.queues, contactIds);

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
