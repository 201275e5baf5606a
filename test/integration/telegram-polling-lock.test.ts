import postgres from 'postgres';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type Context } from '../../bin/context.js';
import { buildServices } from '../../bin/services.js';
import { createLogger } from '../../core/logger.js';
import { messages } from '../../db/schema/index.js';
import { startFakeTelegram } from '../../testing/fake-telegram.js';
import { telegramEnv, tg, TEST_BOT_TOKEN } from '../helpers/telegram-updates.js';
import { createYoungsterWithCard, twoTeams } from '../helpers/fixtures.js';
import { until } from '../helpers/http.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

/**
 * Polling mode with two worker processes (two contexts: their own database
 * pools and Redis connections, one database and queue prefix): only one may
 * poll the bot - Telegram answers a second poller with 409 Conflict, which the
 * fake Bot API does too - and the other takes over when the first stops or
 * loses its lock.
 */
let fake: Awaited<ReturnType<typeof startFakeTelegram>>;
let iso: Isolated;
let second: Context;
let org: Awaited<ReturnType<typeof twoTeams>>;
type Running = ReturnType<ReturnType<typeof buildServices>['channels']['startWorkers']>;
const running: Running[] = [];

beforeAll(async () => {
  fake = await startFakeTelegram(TEST_BOT_TOKEN);
  iso = await isolated(telegramEnv(fake.apiRoot, { TELEGRAM_MODE: 'polling' }));
  second = await createContext(iso.env, createLogger({ level: iso.env.logLevel }));
  org = await twoTeams(iso.ctx.database.db);
});
afterAll(async () => {
  for (const r of running) await r.stop().catch(() => {});
  await second?.close();
  await iso?.destroy();
  await fake?.close();
});

const db = () => iso.ctx.database.db;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function worker(ctx: Context): Running {
  const r = buildServices(ctx, { pollLockRetryMs: 100 }).channels.startWorkers();
  running.push(r);
  return r;
}
const polls = (r: Running) => r.telegramPolling!.isPolling();
/** A poller that stops confirms the updates it fetched with one short getUpdates (timeout 0): one per stop. */
const stopsSeen = () => fake.calls.filter((c) => c.method === 'getUpdates' && !Number(c.payload.timeout ?? 0)).length;
const routed = (body: string) =>
  until(async () => {
    const [m] = await db().select().from(messages).where(eq(messages.body, body));
    return m?.status === 'routed' ? m : null;
  }, 15_000);

describe('Telegram polling with two workers', () => {
  it('polls from one worker only; the other takes over when it stops, and after a lost lock', async () => {
    const a = worker(iso.ctx);
    await until(async () => polls(a));
    const b = worker(second);
    await sleep(1500); // fifteen tries of b at the lock
    expect(polls(a)).toBe(true);
    expect(polls(b)).toBe(false);

    const chat = 7301;
    const { token } = await createYoungsterWithCard(db(), org.oost.municipalities.Roermond!, org.michelle.id);
    fake.pushUpdate(tg.start(chat, token));
    await until(async () => fake.sent(chat).length >= 2, 15_000);
    expect(fake.conflicts()).toBe(0);
    expect(fake.maxLongPolls()).toBe(1);

    // The first worker shuts down: the second polls within a few of its tries, never alongside it.
    await a.stop();
    expect(polls(a)).toBe(false);
    expect(stopsSeen()).toBe(1);
    await until(async () => polls(b), 5_000);
    fake.pushUpdate(tg.text(chat, 'Overgenomen door de tweede worker'));
    await routed('Overgenomen door de tweede worker');
    expect(fake.conflicts()).toBe(0);
    expect(fake.maxLongPolls()).toBe(1);

    // A third worker waits; the poller's lock connection dies (database restart, network): it stops
    // polling at once, and exactly one worker polls again shortly after.
    const c = worker(iso.ctx);
    await sleep(500);
    expect(polls(c)).toBe(false);
    const admin = postgres(iso.env.databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const killed = await admin`select pg_terminate_backend(pid) from pg_stat_activity
                                 where datname = ${iso.dbName} and application_name = 'lijntje-tg-lock'`;
      expect(killed).toHaveLength(1);
    } finally {
      await admin.end();
    }
    await until(async () => stopsSeen() === 2, 10_000);
    await until(async () => polls(b) || polls(c), 10_000);
    await sleep(1000);
    expect([polls(b), polls(c)].filter(Boolean)).toHaveLength(1);
    fake.pushUpdate(tg.text(chat, 'Na een verloren lock'));
    await routed('Na een verloren lock');
  });
});
