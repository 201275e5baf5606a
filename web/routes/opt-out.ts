import type { FastifyPluginAsync } from 'fastify';
import type { StaffOptOut } from '../domain/staff-opt-out.js';
import { requireRole, requireStaff } from '../plugins/auth.js';
import { postedJson, staffOf, uuidParam } from './route-helpers.js';

/**
 * "Zei nee aan de deur / telefoon / per brief": the casemanager records an opt-out the
 * youngster gave outside the chat (web/domain/staff-opt-out.ts). Scope first (404),
 * then the role: casemanagers and coordinators of the team.
 */
export const optOutRoutes: FastifyPluginAsync<{ optOut: StaffOptOut }> = async (app, deps) => {
  app.post<{ Params: { id: string }; Body: { how?: unknown } }>(
    '/inbox/c/:id/opt-out',
    {
      config: { audit: { action: 'youngster.opt_out', object: 'conversation' } },
      onRequest: [requireStaff, requireRole('casemanager', 'coordinator')],
      preHandler: app.csrfProtection,
      bodyLimit: 4 * 1024,
      schema: { params: uuidParam, body: { type: 'object', properties: { _csrf: { type: 'string' }, how: { type: 'string', maxLength: 16 } } } },
    },
    async (req, reply) => {
      const { erasureId } = await deps.optOut.record(staffOf(req), req.params.id, { how: req.body?.how });
      // The conversation is about to be erased: back to the inbox, which says so.
      if (postedJson(req)) return reply.code(202).send({ erasureId });
      return reply.redirect('/inbox?optedOut=1', 303);
    },
  );
};
