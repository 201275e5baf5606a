import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelUpdates, conversations, messages } from '../../db/schema/index.js';
import { startFakeTelegram } from '../../testing/fake-telegram.js';
import { telegramEnv, tg, TEST_BOT_TOKEN } from '../helpers/telegram-updates.js';
import { createYoungsterWithCard, twoTeams } from '../helpers/fixtures.js';
import { until } from '../helpers/http.js';
import { isolated, runningStack, type Isolated } from '../helpers/isolated.js';

/**
 * Polling mode (small installs): grammY skips an update whose handler failed,
 * so each update is stored first and handled from the updates queue. Here the
 * whole path runs against the fake Bot API's getUpdates.
 */
let fake: Awaited<ReturnType<typeof startFakeTelegram>>;
let iso: Isolated;
let stack: Awaited<ReturnType<typeof runningStack>>;
let org: Awaited<ReturnType<typeof twoTeams>>;

beforeAll(async () => {
  fake = await startFakeTelegram(TEST_BOT_TOKEN);
  iso = await isolated(telegramEnv(fake.apiRoot, { TELEGRAM_MODE: 'polling' }));
  stack = await runningStack(iso);
  org = await twoTeams(iso.ctx.database.db);
});
afterAll(async () => {
  await stack?.close();
  await iso?.destroy();
  await fake?.close();
});

const db = () => iso.ctx.database.db;

describe('Telegram in polling mode', () => {
  it('offers no webhook, stores each polled update first, answers it and clears its text', async () => {
    expect((await fetch(`${stack.baseUrl}/telegram/webhook`, { method: 'POST', body: '{}' })).status).toBe(404);

    const chat = 7101;
    const { token } = await createYoungsterWithCard(db(), org.oost.municipalities.Roermond!, org.michelle.id);
    const start = tg.start(chat, token);
    fake.pushUpdate(start);
    await until(async () => fake.sent(chat).length >= 2, 15_000);
    expect(String(fake.sent(chat)[0]!.payload.text)).toContain('Hoi Sigfrid');

    const text = tg.text(chat, 'Via polling: ik wil graag praten');
    fake.pushUpdate(text);
    const routed = await until(async () => {
      const [m] = await db().select().from(messages).where(eq(messages.body, 'Via polling: ik wil graag praten'));
      return m?.status === 'routed' ? m : null;
    }, 15_000);
    const [conv] = await db().select().from(conversations).where(eq(conversations.id, routed.conversationId));
    expect(conv!.assignedTo).toBe(org.michelle.id);

    // Both raw updates were stored under their update_id, handled, and emptied: the text lives on only as the message.
    const stored = await until(async () => {
      const rows = await db().select().from(channelUpdates).where(eq(channelUpdates.channel, 'telegram'));
      const raw = rows.filter((r) => r.updateKey === String(start.update_id) || r.updateKey === String(text.update_id));
      return raw.length === 2 && raw.every((r) => r.processedAt !== null) ? raw : null;
    });
    expect(stored.every((r) => r.payload === null)).toBe(true);
  });
});
