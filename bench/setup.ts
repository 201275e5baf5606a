import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { createContext, type Context } from '../bin/context.js';
import { loadEnv } from '../core/env.js';
import { createLogger } from '../core/logger.js';
import { newCardToken } from '../core/tokens.js';
import { cards, youngsters, type OfficeHours } from '../db/schema/index.js';
import { createOrganisation } from '../db/seed/organisation.js';

/**
 * A throw-away world for one benchmark run: its own database (created here,
 * migrated by createContext, dropped at the end) and its own Redis key prefix,
 * so a run never touches the dev database or another run's queues.
 * Honours DATABASE_URL / REDIS_URL for where the servers are; only the
 * database name and the prefix are replaced.
 */
export const BOT_TOKEN = '123456:BENCH-token-abcdefghijklmnopqrstu';
export const WEBHOOK_SECRET = `bench-secret-${randomBytes(8).toString('hex')}`;

const PG_BASE = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const redisUrl = REDIS_URL;

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(withDatabase(PG_BASE, 'postgres'), { max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export interface BenchWorld {
  ctx: Context;
  /** The settings as environment variables, for the worker process (bin/worker.ts). */
  env: Record<string, string>;
  dbName: string;
  prefix: string;
  destroy(): Promise<void>;
}

export async function createWorld(telegramApiRoot: string): Promise<BenchWorld> {
  const suffix = randomBytes(4).toString('hex');
  const dbName = `lijntje_bench_${suffix}`;
  const prefix = `bench-${suffix}`;
  await admin((sql) => sql.unsafe(`create database ${dbName}`));

  let ctx: Context | undefined;
  let rawEnv: Record<string, string> = {};
  const destroy = async () => {
    if (ctx) {
      await removePrefixedKeys(ctx, prefix).catch(() => {});
      await ctx.close().catch(() => {});
    }
    await admin((sql) => sql.unsafe(`drop database if exists ${dbName} with (force)`));
  };
  try {
    // An explicit object, not process.env: a stray WHATSAPP_NUMBER or SECRET_KEY in the shell must not change the run.
    rawEnv = {
      APP_ENV: 'test',
      DATABASE_URL: withDatabase(PG_BASE, dbName),
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      LOG_LEVEL: 'silent',
      HOST: '127.0.0.1',
      PORT: '0',
      PUBLIC_URL: 'http://lijntje.bench',
      TELEGRAM_BOT_TOKEN: BOT_TOKEN,
      TELEGRAM_BOT_USERNAME: 'lijntje_bench_bot',
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
      TELEGRAM_API_ROOT: telegramApiRoot,
    };
    const env = loadEnv(rawEnv);
    ctx = await createContext(env, createLogger({ level: env.logLevel }));
  } catch (err) {
    await destroy().catch(() => {});
    throw err;
  }
  return { ctx, env: rawEnv, dbName, prefix, destroy };
}

/** Queues (BullMQ keys) and anything else the run left under its prefix; other prefixes are never touched. */
async function removePrefixedKeys(ctx: Context, prefix: string) {
  for (const q of ctx.queues.all()) await q.obliterate({ force: true }).catch(() => {});
  let cursor = '0';
  do {
    const [next, keys] = await ctx.redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length) await ctx.redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

export interface Org {
  municipalityId: string;
  casemanagerId: string;
  /** One card token per youngster; each Telegram chat of the inbound run is a different youngster. */
  cardTokens: string[];
}

/**
 * The minimal organisation (db/seed/organisation.ts, as the tests and the demo build theirs). One
 * youngster per chat, because 200 chats are 200 people: linking them all to
 * one youngster would put every message into one conversation and serialise
 * the run on that conversation's row lock, which no real install sees.
 * The team is open around the clock so the bot's replies (and so the load)
 * do not depend on the hour the benchmark happens to run.
 */
export async function seedOrg(ctx: Context, youngsterCount: number): Promise<Org> {
  const { db } = ctx.database;
  const allDay = Object.fromEntries(['1', '2', '3', '4', '5', '6', '7'].map((d) => [d, [['00:00', '23:59']]])) as OfficeHours;
  // No password hash: nobody logs in during a benchmark, and argon2 would only slow the setup.
  const org = await createOrganisation(
    db,
    {
      region: 'Regio Bench',
      teams: [
        {
          name: 'Team Bench',
          municipalities: ['Benchdam'],
          officeHours: allDay,
          staff: [{ email: 'coach@bench.test', name: 'Michelle Bench', firstName: 'Michelle', role: 'casemanager' }],
        },
      ],
    },
    { passwordHash: null },
  );
  const municipality = { id: org.municipalities.Benchdam! };
  const casemanager = org.staff['coach@bench.test']!;

  const people = await db
    .insert(youngsters)
    .values(Array.from({ length: youngsterCount }, (_, i) => ({ municipalityId: municipality.id, firstName: `Jongere${i}`, lastName: 'Bench' })))
    .returning({ id: youngsters.id });
  const cardTokens = people.map(() => newCardToken());
  await db.insert(cards).values(people.map((p, i) => ({ youngsterId: p.id, token: cardTokens[i]!, casemanagerId: casemanager.id })));
  return { municipalityId: municipality.id, casemanagerId: casemanager.id, cardTokens };
}
