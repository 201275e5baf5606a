import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Gauge, Registry } from 'prom-client';
import { safeEqual } from '../../core/hash.js';
import type { Queues } from '../../core/queues.js';
import type { Database } from '../../db/client.js';

/**
 * Prometheus metrics. Read at scrape time from PostgreSQL and BullMQ, so one
 * web instance reports the whole deployment (workers run in other processes),
 * and the counters survive restarts (they count the append-only event log).
 * Nothing personal: queue names, states, channels and numbers only.
 * Protected by METRICS_TOKEN (Bearer) when set. Without it, production has no
 * /metrics at all: behind a reverse proxy on the same host every request comes
 * from loopback, so the loopback-only fallback is for demo and test installs.
 */
export const metricsRoutes: FastifyPluginAsync<{ database: Database; queues: Queues; token: string | null; production: boolean }> = async (app, deps) => {
  if (deps.production && !deps.token) {
    app.log.info('/metrics is off: set METRICS_TOKEN to turn it on (APP_ENV=production needs a token)');
    return;
  }
  const registry = new Registry();
  const { sql } = deps.database;

  new Gauge({
    name: 'lijntje_queue_jobs',
    help: 'BullMQ jobs per queue and state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const q of deps.queues.all()) {
        const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
        for (const [state, n] of Object.entries(counts)) this.set({ queue: q.name, state }, n);
      }
    },
  });
  new Gauge({
    name: 'lijntje_outbox_messages',
    help: 'Outbound messages not yet delivered, by channel and status',
    labelNames: ['channel', 'status'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await sql<{ channel: string; status: string; n: number }[]>`
        select channel, status, count(*)::int as n from messages
        where direction = 'out' and status in ('queued', 'sending', 'failed', 'in_doubt') group by 1, 2`;
      for (const r of rows) this.set({ channel: r.channel, status: r.status }, r.n);
    },
  });
  new Gauge({
    name: 'lijntje_delivery_latency_seconds',
    help: 'Time from outbox row to sent, messages sent in the last 15 minutes',
    labelNames: ['channel', 'quantile'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await sql<{ channel: string; p50: number; p95: number; p99: number }[]>`
        select channel,
          percentile_cont(0.5) within group (order by extract(epoch from sent_at - created_at)) as p50,
          percentile_cont(0.95) within group (order by extract(epoch from sent_at - created_at)) as p95,
          percentile_cont(0.99) within group (order by extract(epoch from sent_at - created_at)) as p99
        from messages where direction = 'out' and status = 'sent' and sent_at > now() - interval '15 minutes'
        group by channel`;
      for (const r of rows) {
        for (const q of ['p50', 'p95', 'p99'] as const) this.set({ channel: r.channel, quantile: q.replace('p', '0.') }, Number(r[q]));
      }
    },
  });
  new Gauge({
    name: 'lijntje_messages_total',
    help: 'Messages by outcome and channel since the start (from the event log)',
    labelNames: ['outcome', 'channel'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await sql<{ type: string; channel: string | null; n: number }[]>`
        select type, data->>'channel' as channel, count(*)::int as n from events
        where type in ('message.received', 'message.sent', 'message.failed', 'message.cancelled', 'message.in_doubt') group by 1, 2`;
      for (const r of rows) this.set({ outcome: r.type.replace('message.', ''), channel: r.channel ?? 'unknown' }, r.n);
    },
  });

  function allowed(req: FastifyRequest): boolean {
    if (!deps.token) return req.ip === '127.0.0.1' || req.ip === '::1' || req.ip === '::ffff:127.0.0.1';
    return safeEqual(req.headers.authorization, `Bearer ${deps.token}`);
  }

  app.get('/metrics', { config: { public: true }, logLevel: 'warn' }, async (req, reply) => {
    if (!allowed(req)) return reply.code(401).send({ error: 'unauthorized' });
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
};
