import type { FastifyPluginAsync } from 'fastify';
import type { Redis } from 'ioredis';
import type { Database } from '../../db/client.js';
import { pingDatabase } from '../../db/queries/health.js';

const CHECK_TIMEOUT_MS = 1500;

async function probe(check: () => Promise<unknown>): Promise<'up' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'up';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

/** For load balancers and compose health checks: 200 when db and redis answer, else 503. */
export const healthRoutes: FastifyPluginAsync<{ database: Database; redis: Redis }> = async (app, deps) => {
  app.get('/healthz', { logLevel: 'warn', config: { public: true } }, async (_req, reply) => {
    const [db, redis] = await Promise.all([
      probe(() => pingDatabase(deps.database.db)),
      probe(() => deps.redis.ping()),
    ]);
    const ok = db === 'up' && redis === 'up';
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', db, redis });
  });
};
