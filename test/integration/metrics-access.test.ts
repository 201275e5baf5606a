import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../core/logger.js';
import { buildWebApp } from '../../bin/services.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

/**
 * Behind a reverse proxy on the same host every request comes from 127.0.0.1,
 * so "loopback only" protects nothing there. In production /metrics needs
 * METRICS_TOKEN (without it, it is off); and a proxy in front of an app that
 * does not trust it is reported once in the log.
 */
let iso: Isolated;
const apps: FastifyInstance[] = [];
const TOKEN = 'metrics-token-0123456789';

beforeAll(async () => {
  iso = await isolated();
});
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close();
});
afterAll(async () => {
  await iso?.destroy();
});

/** A logger whose lines the test can read. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream) as unknown as Logger, lines };
}

async function appWith(env: Partial<Isolated['env']>, logger?: Logger) {
  const a = await buildWebApp({ ...iso.ctx, ...(logger ? { logger } : {}), env: { ...iso.ctx.env, ...env } });
  apps.push(a);
  return a;
}

const scrape = (a: FastifyInstance, headers: Record<string, string> = {}, remoteAddress = '127.0.0.1') =>
  a.inject({ method: 'GET', url: '/metrics', headers, remoteAddress });

describe('/metrics', () => {
  it('is off in production without METRICS_TOKEN - also from loopback, where a local proxy would come from - and says so at start', async () => {
    const { logger, lines } = capturingLogger();
    const prod = await appWith({ appEnv: 'production', metricsToken: null }, logger);
    await prod.ready();
    for (const headers of [{}, { 'x-forwarded-for': '203.0.113.9' }] as Record<string, string>[]) {
      const res = await scrape(prod, headers);
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain('lijntje_');
    }
    expect(lines.some((l) => String(l.msg).includes('METRICS_TOKEN'))).toBe(true);
  });

  it('answers in production only with the token', async () => {
    const prod = await appWith({ appEnv: 'production', metricsToken: TOKEN });
    expect((await scrape(prod)).statusCode).toBe(401);
    expect((await scrape(prod, { authorization: 'Bearer wrong-token-0123456789' })).statusCode).toBe(401);
    const ok = await scrape(prod, { authorization: `Bearer ${TOKEN}` }, '198.51.100.7');
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('lijntje_queue_jobs');
  });

  it('keeps loopback-only access for demo and test installs without a token', async () => {
    const demo = await appWith({ appEnv: 'demo', metricsToken: null });
    expect((await scrape(demo)).statusCode).toBe(200);
    expect((await scrape(demo, {}, '198.51.100.7')).statusCode).toBe(401);
  });
});

describe('X-Forwarded-For while TRUST_PROXY is off', () => {
  const warnings = (lines: Record<string, unknown>[]) => lines.filter((l) => l.level === 40 && String(l.msg).includes('TRUST_PROXY'));

  it('is warned about once, without the forwarded address', async () => {
    const { logger, lines } = capturingLogger();
    const a = await appWith({ trustProxy: false }, logger);
    expect((await a.inject({ method: 'GET', url: '/healthz' })).statusCode).toBeLessThan(500);
    expect(warnings(lines)).toHaveLength(0);
    for (let i = 0; i < 3; i++) await a.inject({ method: 'GET', url: '/healthz', headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(warnings(lines)).toHaveLength(1);
    expect(JSON.stringify(lines)).not.toContain('203.0.113.9');
  });

  it('is not warned about when TRUST_PROXY is on', async () => {
    const { logger, lines } = capturingLogger();
    const a = await appWith({ trustProxy: true }, logger);
    await a.inject({ method: 'GET', url: '/healthz', headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(warnings(lines)).toHaveLength(0);
  });
});
