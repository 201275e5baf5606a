import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyPluginAsync } from 'fastify';
import type { Queues } from '../../core/queues.js';
import { requireRole, requireStaff } from '../plugins/auth.js';

export const QUEUES_PATH = '/admin/queues';

/**
 * Queue health for admins (bull-board): depths, failed jobs, retry. Jobs hold
 * ids only, so nothing personal shows here. Scoped plugin: the admin check runs
 * before every bull-board route, and its relaxed CSP stays inside this scope.
 */
export const adminQueuesRoutes: FastifyPluginAsync<{ queues: Queues }> = async (app, deps) => {
  app.addHook('onRequest', requireStaff);
  app.addHook('onRequest', requireRole('admin'));
  // bull-board's UI needs inline scripts and styles; allowed here only (admins, ids-only data), nowhere else.
  app.addHook('onSend', async (_req, reply) => {
    reply.header(
      'content-security-policy',
      "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'",
    );
  });
  const adapter = new FastifyAdapter();
  adapter.setBasePath(QUEUES_PATH);
  createBullBoard({ queues: deps.queues.all().map((q) => new BullMQAdapter(q)), serverAdapter: adapter });
  await app.register(adapter.registerPlugin(), { prefix: QUEUES_PATH });
};
