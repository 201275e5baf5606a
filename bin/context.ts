import type { Env } from '../core/env.js';
import { createLiveBus } from '../core/live-bus.js';
import type { Logger } from '../core/logger.js';
import { createQueues } from '../core/queues.js';
import { createRedis } from '../core/redis.js';
import { createDatabase } from '../db/client.js';
import { ensureDatabase, runMigrations } from '../db/migrate.js';
import { buildErasureRegistry } from './erasure-steps.js';

/**
 * The process-wide singletons, built once by an entry point (or a test) from
 * one parsed Env and passed down explicitly. Migrations run first, under the
 * advisory lock; a failure throws and the entry point exits non-zero.
 */
export async function createContext(env: Env, logger: Logger, opts: { createDb?: boolean } = {}) {
  if (opts.createDb) await ensureDatabase(env.databaseUrl);
  await runMigrations(env.databaseUrl);
  const database = createDatabase(env.databaseUrl, { max: env.databasePoolSize });
  const redis = createRedis(env.redisUrl, 'producer');
  const subscriber = createRedis(env.redisUrl, 'subscriber');
  const queueConnection = createRedis(env.redisUrl, 'producer');
  for (const client of [redis, subscriber, queueConnection]) {
    client.on('error', (err: Error) => logger.warn({ err }, 'redis connection error'));
  }
  const queues = createQueues({
    connection: queueConnection,
    prefix: env.queuePrefix,
    onError: (err) => logger.warn({ err }, 'queue error'),
  });
  const liveBus = createLiveBus({ publisher: redis, subscriber, prefix: env.queuePrefix });
  const workerClients: ReturnType<typeof createRedis>[] = [];

  return {
    env,
    logger,
    database,
    redis,
    queues,
    liveBus,
    /** What an opt-out cancels and an erasure removes; capabilities register their step here. */
    erasure: buildErasureRegistry({ pdfDir: env.cards.pdfDir, queues }),
    /** Workers wait for Redis forever instead of failing fast (BullMQ requires maxRetriesPerRequest: null). */
    workerConnection() {
      const client = createRedis(env.redisUrl, 'worker');
      workerClients.push(client);
      return client;
    },
    async close() {
      await queues.close();
      await liveBus.close();
      subscriber.disconnect();
      queueConnection.disconnect();
      redis.disconnect();
      for (const c of workerClients) c.disconnect();
      await database.close();
    },
  };
}
export type Context = Awaited<ReturnType<typeof createContext>>;
