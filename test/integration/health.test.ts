import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLiveBus } from '../../core/live-bus.js';
import { createQueues } from '../../core/queues.js';
import { createRedis } from '../../core/redis.js';
import { createDatabase } from '../../db/client.js';
import { buildWebApp } from '../../bin/services.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

let iso: Isolated;
beforeAll(async () => {
  iso = await isolated();
});
afterAll(async () => iso?.destroy());

describe('GET /healthz', () => {
  it('answers 200 naming db and redis when both are up', async () => {
    const app = await buildWebApp(iso.ctx);
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', db: 'up', redis: 'up' });
    await app.close();
  });

  it('answers 503 and names what is down', async () => {
    // Nothing listens on these ports.
    const deadRedis = createRedis('redis://127.0.0.1:1', 'producer');
    deadRedis.on('error', () => {});
    const deadDb = createDatabase('postgres://postgres@127.0.0.1:1/none', { max: 1 });
    const app = await buildWebApp({
      ...iso.ctx,
      redis: deadRedis,
      database: deadDb,
      queues: createQueues({ connection: deadRedis, prefix: 'dead' }),
      liveBus: createLiveBus({ publisher: deadRedis, prefix: 'dead' }),
    });
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'degraded', db: 'down', redis: 'down' });
    await app.close();
    deadRedis.disconnect();
    await deadDb.close();
  });
});
