import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError } from '../../core/errors.js';
import type { Database } from '../../db/client.js';
import { loadYoungsterPanel } from '../domain/youngster-panel.js';
import type { AttemptInput, ProfileInput, YoungsterRecords } from '../domain/youngster-records.js';
import { requireStaff } from '../plugins/auth.js';
import { staffLanguageOf } from '../plugins/views.js';
import { postedJson, staffOf, uuidParam } from './route-helpers.js';

export interface YoungsterRoutesDeps {
  database: Database;
  records: YoungsterRecords;
}

/**
 * Loose on purpose: only the shape is checked here. The values are checked by the
 * domain after the scope check (so a foreign conversation is a 404 whatever was
 * sent) and refused with a Dutch message a coach understands. No field is
 * required: each form sends only what it saves.
 */
const attemptBody = {
  type: 'object',
  properties: {
    _csrf: { type: 'string' },
    kind: { type: 'string', maxLength: 64 },
    occurredOn: { type: 'string', maxLength: 32 },
    minutes: {},
    note: { type: 'string', maxLength: 8000 },
  },
} as const;

const profileBody = {
  type: 'object',
  properties: {
    _csrf: { type: 'string' },
    supportQuestion: {},
    outcome: {},
    outcomeOn: {},
    processStep: {},
    declineReason: {},
    selfEmployed: {},
  },
} as const;

/**
 * The youngster panel's two form targets next to a conversation. Casemanagers
 * and coordinators of the conversation's team only (scope first: 404; then the
 * role: 403 for admins and privacy officers). A form post returns to the panel;
 * a JSON post gets the updated panel back.
 */
export const youngsterRoutes: FastifyPluginAsync<YoungsterRoutesDeps> = async (app, deps) => {
  const { db } = deps.database;
  const { records } = deps;

  async function answer(req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, status: number) {
    const id = req.params.id;
    if (!postedJson(req)) return reply.redirect(`/inbox/c/${id}#panel`, 303);
    const panel = await loadYoungsterPanel(db, id, staffOf(req).municipalityIds, { lang: staffLanguageOf(req) });
    if (!panel) throw new NotFoundError('conversation');
    reply.header('cache-control', 'no-store');
    return reply.code(status).send({ panel });
  }

  app.post<{ Params: { id: string }; Body: AttemptInput }>(
    '/inbox/c/:id/attempts',
    {
      config: { audit: { action: 'attempt.record', object: 'conversation' } },
      onRequest: requireStaff,
      preHandler: app.csrfProtection,
      bodyLimit: 32 * 1024,
      schema: { params: uuidParam, body: attemptBody },
    },
    async (req, reply) => {
      await records.recordAttempt(staffOf(req), req.params.id, req.body ?? {});
      return answer(req, reply, 201);
    },
  );

  app.post<{ Params: { id: string }; Body: ProfileInput }>(
    '/inbox/c/:id/profile',
    {
      config: { audit: { action: 'profile.change', object: 'conversation' } },
      onRequest: requireStaff,
      preHandler: app.csrfProtection,
      bodyLimit: 16 * 1024,
      schema: { params: uuidParam, body: profileBody },
    },
    async (req, reply) => {
      await records.setProfile(staffOf(req), req.params.id, req.body ?? {});
      return answer(req, reply, 200);
    },
  );
};
