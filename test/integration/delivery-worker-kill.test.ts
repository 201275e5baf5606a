import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findHeads } from '../../db/queries/outbox.js';
import { messages } from '../../db/schema/index.js';
import { startFakeTelegram } from '../../testing/fake-telegram.js';
import { telegramEnv, TEST_BOT_TOKEN } from '../helpers/telegram-updates.js';
import { twoTeams } from '../helpers/fixtures.js';
import { until } from '../helpers/http.js';
import { isolated, type Isolated } from '../helpers/isolated.js';
import { seedTelegramOutbox } from '../helpers/outbox-seed.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let fake: Awaited<ReturnType<typeof startFakeTelegram>>;
let iso: Isolated;
const children: ChildProcess[] = [];

function workerProcess(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/worker.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: 'ignore',
  });
  children.push(child);
  return child;
}

beforeAll(async () => {
  fake = await startFakeTelegram(TEST_BOT_TOKEN);
  iso = await isolated();
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await iso?.destroy();
  await fake?.close();
});

describe('a worker process is killed (SIGKILL) during a burst of 1,000 outbound messages', () => {
  it('nothing is sent twice; everything else arrives; what was mid-send is flagged for a person', async () => {
    const db = iso.ctx.database.db;
    const org = await twoTeams(db);
    const { messages: out, contactIds } = await seedTelegramOutbox(db, { municipalityId: org.oost.municipalities.Roermond!, chats: 500, perChat: 2 });
    const env = {
      APP_ENV: 'test',
      DATABASE_URL: iso.env.databaseUrl,
      REDIS_URL: iso.env.redisUrl,
      QUEUE_PREFIX: iso.env.queuePrefix,
      LOG_LEVEL: 'silent',
      ...telegramEnv(fake.apiRoot),
      TELEGRAM_PER_SECOND: '100',
      OUTBOX_SWEEP_INTERVAL_MS: '500',
      OUTBOX_STALE_SENDING_MS: '4000',
      WORKER_LOCK_MS: '2000',
      DATABASE_POOL_SIZE: '10',
    };
    const victim = workerProcess(env);
    const survivor = workerProcess(env);
    await iso.ctx.queues.enqueueHeads(await findHeads(db, contactIds));

    await until(async () => fake.sent().length >= 300, 60_000);
    victim.kill('SIGKILL');
    const atKill = fake.sent().length;
    expect(atKill).toBeLessThan(out.length);

    const ids = out.map((m) => m.id);
    await until(async () => {
      const rows = await db.select({ status: messages.status }).from(messages).where(inArray(messages.id, ids));
      return rows.every((r) => r.status === 'sent' || r.status === 'in_doubt');
    }, 90_000);

    const counts = new Map<string, number>();
    for (const c of fake.sent()) counts.set(String(c.payload.text), (counts.get(String(c.payload.text)) ?? 0) + 1);
    // Never twice.
    expect([...counts.values()].filter((n) => n > 1)).toEqual([]);

    const sent = await db.select({ body: messages.body }).from(messages).where(and(inArray(messages.id, ids), eq(messages.status, 'sent')));
    const flagged = await db
      .select({ body: messages.body, lastError: messages.lastError })
      .from(messages)
      .where(and(inArray(messages.id, ids), eq(messages.status, 'in_doubt')));
    // Every 'sent' row arrived exactly once.
    for (const r of sent) expect(counts.get(r.body), r.body).toBe(1);
    // Rows the killed process had claimed but not yet handed over were sent again by the survivor. Only a
    // send that was on the wire when it died waits for a person: sends are spaced, so that is at most one or two.
    expect(flagged.length).toBeLessThanOrEqual(2);
    expect(flagged.every((f) => f.lastError === 'interrupted')).toBe(true);
    expect(sent.length + flagged.length).toBe(out.length);
    console.info(
      `worker kill: killed after ${atKill} sends; ${sent.length} sent exactly once, ${flagged.length} in doubt ` +
        `(of which ${flagged.filter((f) => counts.has(f.body)).length} had in fact arrived), 0 duplicates`,
    );

    const code = await new Promise<number | null>((resolve) => {
      survivor.once('exit', resolve);
      survivor.kill('SIGTERM');
    });
    expect(code).toBe(0);
  }, 150000);
});
