import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';
import { createContext, type Context } from '../../bin/context.js';
import { buildServices, buildWebApp } from '../../bin/services.js';
import type { MakeSocket } from '../../bot/channels/whatsapp/socket.js';
import type { Env } from '../../core/env.js';
import { createLogger } from '../../core/logger.js';
import type { Workers } from '../../worker/workers.js';
import { TEST_PG_BASE, dbUrl, testEnv } from './test-env.js';

export interface Isolated {
  env: Env;
  ctx: Context;
  dbName: string;
  destroy(): Promise<void>;
}

/** A fresh database (cloned from the migrated template) and a random queue prefix for one test file. */
export async function isolated(overrides: Record<string, string> = {}): Promise<Isolated> {
  const suffix = randomBytes(5).toString('hex');
  const dbName = `lijntje_t_${inject('runId')}_${suffix}`;
  const admin = postgres(TEST_PG_BASE, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${dbName} template ${inject('templateDb')}`);
  } finally {
    await admin.end();
  }
  const env = testEnv({ DATABASE_URL: dbUrl(dbName), QUEUE_PREFIX: `t-${suffix}`, ...overrides });
  const ctx = await createContext(env, createLogger({ level: env.logLevel }));
  return {
    env,
    ctx,
    dbName,
    async destroy() {
      for (const q of ctx.queues.all()) await q.obliterate({ force: true }).catch(() => {});
      await ctx.close();
      const a = postgres(TEST_PG_BASE, { max: 1, onnotice: () => {} });
      try {
        await a.unsafe(`drop database if exists ${dbName} with (force)`);
      } finally {
        await a.end();
      }
    },
  };
}

/** The HTTP app on a random loopback port, with the real workers running against the same Redis prefix. */
export async function runningStack(iso: Isolated, opts: { workers?: boolean; makeWhatsAppSocket?: MakeSocket } = {}) {
  const services = buildServices(iso.ctx, { makeWhatsAppSocket: opts.makeWhatsAppSocket });
  const { channels } = services;
  const app = await buildWebApp(iso.ctx, services);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  let running: { workers: Workers; stop(): Promise<void> } | undefined;
  if (opts.workers !== false) running = channels.startWorkers();
  const workers = running?.workers;
  return {
    app,
    baseUrl: `http://127.0.0.1:${address.port}`,
    channels,
    workers,
    async close() {
      await app.close();
      await running?.stop();
    },
  };
}
