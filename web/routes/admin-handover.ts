import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { HandoverInputError, type MunicipalityHandover } from '../domain/municipality-handover.js';
import { requireRole, requireStaff } from '../plugins/auth.js';
import { uiOf } from '../plugins/views.js';
import { postedJson, staffOf, uuidParam } from './route-helpers.js';

export interface AdminHandoverDeps {
  handover: MunicipalityHandover;
}

const PATH = '/admin/team/municipalities/:id/handover';
const targetQuery = { type: 'object', properties: { to: { type: 'string', format: 'uuid' } } } as const;
const targetBody = {
  type: 'object',
  required: ['to'],
  additionalProperties: false,
  properties: { to: { type: 'string', format: 'uuid' }, _csrf: { type: 'string' } },
} as const;

/**
 * An admin hands a municipality of their team to another team of the region:
 * GET shows the choice of team and, once chosen, what will happen; POST does
 * it. The municipality must be one the admin's own team serves (else 404).
 */
export const adminHandoverRoutes: FastifyPluginAsync<AdminHandoverDeps> = async (app, deps) => {
  const { handover } = deps;
  app.addHook('onRequest', requireStaff);
  app.addHook('onRequest', requireRole('admin'));

  async function page(req: FastifyRequest, reply: FastifyReply, municipalityId: string, to: string | null, error: string | null) {
    const preview = await handover.preview(staffOf(req), municipalityId, error ? null : to);
    reply.header('cache-control', 'no-store');
    return reply.view('staff/admin-handover.eta', { staff: staffOf(req), csrf: reply.csrfToken(), ...preview, error });
  }

  /** A refused target: the page again without a preview, the reason in the user's language (JSON: code and reason). */
  async function refused(req: FastifyRequest, reply: FastifyReply, municipalityId: string, err: HandoverInputError) {
    const message = uiOf(req).t(err.textKey);
    reply.code(400);
    if (postedJson(req)) return reply.send({ error: err.code, message });
    return page(req, reply, municipalityId, null, message);
  }

  app.get<{ Params: { id: string }; Querystring: { to?: string } }>(
    PATH,
    { schema: { params: uuidParam, querystring: targetQuery } },
    async (req, reply) => {
      try {
        return await page(req, reply, req.params.id, req.query.to ?? null, null);
      } catch (err) {
        if (err instanceof HandoverInputError) return refused(req, reply, req.params.id, err);
        throw err;
      }
    },
  );

  app.post<{ Params: { id: string }; Body: { to: string } }>(
    PATH,
    { preHandler: app.csrfProtection, bodyLimit: 4 * 1024, schema: { params: uuidParam, body: targetBody }, config: { audit: { action: 'municipality.handover', object: 'municipality' } } },
    async (req, reply) => {
      try {
        const result = await handover.confirm(staffOf(req), req.params.id, req.body.to);
        if (postedJson(req)) return reply.header('cache-control', 'no-store').send({ result });
        return reply.redirect('/admin/team?handedOver=1', 303);
      } catch (err) {
        if (err instanceof HandoverInputError) return refused(req, reply, req.params.id, err);
        throw err;
      }
    },
  );
};
