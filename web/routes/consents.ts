import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError } from '../../core/errors.js';
import type { Database } from '../../db/client.js';
import type { ConsentInput, Consents, WithdrawInput } from '../domain/consents.js';
import { loadYoungsterPanel } from '../domain/youngster-panel.js';
import { requireStaff } from '../plugins/auth.js';
import { staffLanguageOf } from '../plugins/views.js';
import { postedJson, staffOf, uuidParam } from './route-helpers.js';

export interface ConsentRoutesDeps {
  database: Database;
  consents: Consents;
}

/**
 * Loose on purpose, as the panel's other forms: only the shape is checked here;
 * the values are checked by the domain after the scope check (so a foreign
 * conversation is a 404 whatever was sent), with a Dutch message a coach understands.
 */
const FIELD = { type: 'string', maxLength: 64 } as const;
const consentBody = {
  type: 'object',
  properties: {
    _csrf: { type: 'string' },
    kind: FIELD,
    partnerId: FIELD,
    category: FIELD,
    givenOn: FIELD,
    givenVia: FIELD,
    guardianConsentOn: FIELD,
    guardianRelation: FIELD,
  },
} as const;
const withdrawBody = { type: 'object', properties: { _csrf: { type: 'string' }, via: FIELD } } as const;
const withdrawParams = {
  type: 'object',
  required: ['id', 'consentId'],
  properties: { id: { type: 'string', format: 'uuid' }, consentId: { type: 'string', format: 'uuid' } },
} as const;

/**
 * The consent ledger's two form targets in the youngster panel. Casemanagers
 * and coordinators of the conversation's team only (scope first: 404; then the
 * role: 403). A form post returns to the panel's consent section; a JSON post
 * gets the updated panel back.
 */
export const consentRoutes: FastifyPluginAsync<ConsentRoutesDeps> = async (app, deps) => {
  const { db } = deps.database;
  const { consents } = deps;

  async function answer(req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, status: number) {
    const id = req.params.id;
    if (!postedJson(req)) return reply.redirect(`/inbox/c/${id}#consent`, 303);
    const panel = await loadYoungsterPanel(db, id, staffOf(req).municipalityIds, { lang: staffLanguageOf(req) });
    if (!panel) throw new NotFoundError('conversation');
    reply.header('cache-control', 'no-store');
    return reply.code(status).send({ panel });
  }

  app.post<{ Params: { id: string }; Body: ConsentInput }>(
    '/inbox/c/:id/consents',
    {
      onRequest: requireStaff,
      preHandler: app.csrfProtection,
      bodyLimit: 8 * 1024,
      schema: { params: uuidParam, body: consentBody },
      config: { audit: { action: 'consent.record', object: 'conversation' } },
    },
    async (req, reply) => {
      await consents.record(staffOf(req), req.params.id, req.body ?? {});
      return answer(req, reply, 201);
    },
  );

  app.post<{ Params: { id: string; consentId: string }; Body: WithdrawInput }>(
    '/inbox/c/:id/consents/:consentId/withdraw',
    {
      onRequest: requireStaff,
      preHandler: app.csrfProtection,
      bodyLimit: 4 * 1024,
      schema: { params: withdrawParams, body: withdrawBody },
      config: { audit: { action: 'consent.withdraw', object: 'conversation' } },
    },
    async (req, reply) => {
      await consents.withdraw(staffOf(req), req.params.id, req.params.consentId, req.body ?? {});
      return answer(req, reply, 200);
    },
  );
};
