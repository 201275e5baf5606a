import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Context } from '../../bin/context.js';
import { buildServices, buildWebApp } from '../../bin/services.js';
import { createLogger } from '../../core/logger.js';
import { startFakeTelegram } from '../../testing/fake-telegram.js';
import { telegramEnv, tg, TEST_BOT_TOKEN, TEST_WEBHOOK_SECRET } from '../helpers/telegram-updates.js';
import { createYoungsterWithCard, twoTeams } from '../helpers/fixtures.js';
import { openChat, postChat, until } from '../helpers/http.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

/**
 * A database error carries what was being stored - drizzle's message ends in
 * "params: <the values>", PostgreSQL's detail in "Failing row contains (...)" -
 * and a grammY error the whole update. Here PostgreSQL refuses every message
 * row holding a marker word, through the web chat, a Telegram webhook update
 * and a polled Telegram update (handled by a worker), and the whole log,
 * captured from the logger's own destination, is searched for what was sent.
 */
const MARKER = 'Zwanenburg';
const WORDS = `Ik woon aan de ${MARKER}straat 12, bel me op 0612345678`;
const CHAT_ID = 918273645;
const FIRST_NAME = 'Fenneke';

let fake: Awaited<ReturnType<typeof startFakeTelegram>>;
let iso: Isolated;
let ctx: Context;
let app: FastifyInstance;
let org: Awaited<ReturnType<typeof twoTeams>>;
const lines: string[] = [];

beforeAll(async () => {
  fake = await startFakeTelegram(TEST_BOT_TOKEN);
  iso = await isolated(telegramEnv(fake.apiRoot));
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });
  ctx = { ...iso.ctx, logger };
  app = await buildWebApp(ctx);
  org = await twoTeams(iso.ctx.database.db);
  await iso.ctx.database.db.execute(
    sql.raw(`alter table messages add constraint refuse_marker check (position('${MARKER}' in body) = 0)`),
  );
});
afterAll(async () => {
  await app?.close();
  await iso?.destroy();
  await fake?.close();
});

const logged = () => lines.join('');
const entries = () => lines.map((l) => JSON.parse(l) as Record<string, unknown> & { err?: Record<string, unknown> });
/** The innermost cause of a logged error: the PostgreSQL error under drizzle's (and grammY's) wrapper. */
function rootCause(err: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  let e = err;
  while (e?.cause) e = e.cause as Record<string, unknown>;
  return e;
}

function expectNothingSent() {
  const all = logged();
  expect(all).not.toContain(MARKER);
  expect(all).not.toContain('0612345678');
  expect(all).not.toContain(FIRST_NAME);
  expect(all).not.toContain(String(CHAT_ID));
  expect(all).not.toContain('Failing row');
}

function expectSaysWhatFailed(e: { err?: Record<string, unknown> } | undefined) {
  // drizzle wraps what its builders run; the inbound path's pipelined statements (db/pipelined-transaction.ts) fail bare.
  expect(['DrizzleQueryError', 'PostgresError']).toContain(e?.err?.type);
  const pg = rootCause(e?.err);
  expect(pg?.type).toBe('PostgresError');
  // The dialogue pipelines its statements in one transaction: the one that surfaces is either the
  // refused insert itself (check_violation, with its table and constraint) or a statement after it
  // (in_failed_sql_transaction).
  if (pg?.code === '25P02') expect(pg.message).toContain('current transaction is aborted');
  else expect(pg).toMatchObject({ code: '23514', table_name: 'messages', constraint_name: 'refuse_marker' });
  expect(String(e?.err?.stack)).toMatch(/^\s+at /);
}

describe('a database error in the log', () => {
  it('through the web chat: the route and the PostgreSQL code, none of the words', async () => {
    const { token } = await createYoungsterWithCard(iso.ctx.database.db, org.oost.municipalities.Roermond!, org.michelle.id);
    const chat = await openChat(app, token);
    const res = await postChat(app, token, chat.cookie, { text: WORDS, clientId: 'redaction-1' });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain(MARKER);

    const failed = entries().find((e) => e.msg === 'request failed' && e.route === '/k/:token/messages');
    expect(failed?.level).toBe(50);
    expect(failed?.method).toBe('POST');
    expectNothingSent();
    expectSaysWhatFailed(failed);
  });

  it('through a Telegram webhook update: the same, and nothing of the update grammY keeps', async () => {
    const { token } = await createYoungsterWithCard(iso.ctx.database.db, org.oost.municipalities.Roermond!, org.michelle.id);
    const webhook = (update: ReturnType<typeof tg.text>) => {
      update.message.from.first_name = FIRST_NAME;
      update.message.chat.first_name = FIRST_NAME;
      return app.inject({
        method: 'POST',
        url: '/telegram/webhook',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TEST_WEBHOOK_SECRET },
        payload: JSON.stringify(update),
      });
    };
    expect((await webhook(tg.start(CHAT_ID, token))).statusCode).toBe(200);
    expect((await webhook(tg.text(CHAT_ID, WORDS))).statusCode).toBe(500);

    const failed = entries().find((e) => e.msg === 'request failed' && e.route === '/telegram/webhook');
    expectNothingSent();
    // grammY wraps the middleware's error in a BotError that also holds the update.
    expect(failed?.err?.type).toBe('BotError');
    expectSaysWhatFailed(failed?.err?.cause ? { err: failed.err.cause as Record<string, unknown> } : undefined);
  });

  it('through a polled Telegram update, in the worker that handles it', async () => {
    const polling = { ...ctx, env: { ...ctx.env, telegram: { ...ctx.env.telegram!, mode: 'polling' as const } } };
    const running = buildServices(polling).channels.startWorkers();
    try {
      const update = tg.text(CHAT_ID + 1, WORDS);
      update.message.from.first_name = FIRST_NAME;
      fake.pushUpdate(update);
      const failed = await until(async () => entries().find((e) => e.msg === 'job failed' && e.queue === 'updates'), 20_000);
      expect(failed.level).toBe(40);
      expectNothingSent();
      expectSaysWhatFailed(failed);
    } finally {
      await running.stop();
    }
  });
});
