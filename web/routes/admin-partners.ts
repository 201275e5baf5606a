import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ConflictError, InputError } from '../../core/errors.js';
import { PARTNER_NAME_MAX, type PartnerAdmin, type PartnerForm } from '../domain/partners.js';
import { requireRole, requireStaff } from '../plugins/auth.js';
import { uiOf } from '../plugins/views.js';
import { postedJson, staffOf, uuidParam } from './route-helpers.js';

export interface AdminPartnersDeps {
  partners: PartnerAdmin;
}

const PATH = '/admin/team/municipalities/:id/partners';
const addBody = {
  type: 'object',
  additionalProperties: false,
  properties: { _csrf: { type: 'string' }, name: { type: 'string', maxLength: 1000 } },
} as const;
const partnerParams = {
  type: 'object',
  required: ['id', 'partnerId'],
  properties: { id: { type: 'string', format: 'uuid' }, partnerId: { type: 'string', format: 'uuid' } },
} as const;
const NOTICES = { added: 'partners.added', reactivated: 'partners.reactivated', deactivated: 'partners.deactivated' } as const;
const noticeQuery = { type: 'object', properties: { done: { type: 'string', maxLength: 20 } } } as const;

/**
 * An admin keeps the partner list of each municipality their team serves
 * (a youngster consents to sharing per partner). Another municipality is a 404.
 * The list holds organisations, not people; changes are audited all the same.
 */
export const adminPartnersRoutes: FastifyPluginAsync<AdminPartnersDeps> = async (app, deps) => {
  const { partners } = deps;
  app.addHook('onRequest', requireStaff);
  app.addHook('onRequest', requireRole('admin'));

  async function page(req: FastifyRequest, reply: FastifyReply, municipalityId: string, view: { error: string | null; notice: string | null; name: string }) {
    const admin = staffOf(req);
    const { municipality, partners: list } = await partners.list(admin, municipalityId);
    reply.header('cache-control', 'no-store');
    return reply.view('staff/admin-partners.eta', { staff: admin, csrf: reply.csrfToken(), municipality, partners: list, max: PARTNER_NAME_MAX, ...view });
  }

  /** A refused add: the page again with the reason and what was typed (JSON: code and reason). */
  async function refused(req: FastifyRequest, reply: FastifyReply, municipalityId: string, err: InputError | ConflictError, typed: string) {
    const message = uiOf(req).refusal(err.code, err.vars);
    reply.code(err instanceof ConflictError ? 409 : err.statusCode);
    if (postedJson(req)) return reply.send({ error: err.code, message });
    return page(req, reply, municipalityId, { error: message, notice: null, name: typed });
  }

  app.get<{ Params: { id: string }; Querystring: { done?: string } }>(
    PATH,
    { schema: { params: uuidParam, querystring: noticeQuery } },
    async (req, reply) => {
      const key = NOTICES[req.query.done as keyof typeof NOTICES];
      return page(req, reply, req.params.id, { error: null, notice: key ? uiOf(req).t(key) : null, name: '' });
    },
  );

  app.post<{ Params: { id: string }; Body: PartnerForm }>(
    PATH,
    {
      preHandler: app.csrfProtection,
      bodyLimit: 4 * 1024,
      schema: { params: uuidParam, body: addBody },
      config: { audit: { action: 'partners.change', object: 'municipality' } },
    },
    async (req, reply) => {
      const form = req.body ?? {};
      try {
        const added = await partners.add(staffOf(req), req.params.id, form);
        if (postedJson(req)) return reply.code(201).header('cache-control', 'no-store').send(added);
        return reply.redirect(`/admin/team/municipalities/${req.params.id}/partners?done=${added.result}`, 303);
      } catch (err) {
        if (!(err instanceof InputError || err instanceof ConflictError) || (err instanceof InputError && err.statusCode !== 400)) throw err;
        return refused(req, reply, req.params.id, err, typeof form.name === 'string' ? form.name.slice(0, PARTNER_NAME_MAX) : '');
      }
    },
  );

  app.post<{ Params: { id: string; partnerId: string } }>(
    `${PATH}/:partnerId/deactivate`,
    {
      preHandler: app.csrfProtection,
      bodyLimit: 1024,
      schema: { params: partnerParams },
      config: { audit: { action: 'partners.change', object: 'municipality' } },
    },
    async (req, reply) => {
      await partners.deactivate(staffOf(req), req.params.id, req.params.partnerId);
      if (postedJson(req)) return reply.header('cache-control', 'no-store').send({ ok: true });
      return reply.redirect(`/admin/team/municipalities/${req.params.id}/partners?done=deactivated`, 303);
    },
  );
};
