import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { InputError } from '../../core/errors.js';
import { DURATION_RANGE, type VisitTypeAdmin, type VisitTypesForm } from '../domain/visit-types.js';
import { requireRole, requireStaff } from '../plugins/auth.js';
import { uiOf } from '../plugins/views.js';
import { postedJson, staffOf, uuidParam } from './route-helpers.js';

export interface AdminVisitTypesDeps {
  visitTypes: VisitTypeAdmin;
}

const PATH = '/admin/team/municipalities/:id/visit-types';
const savedQuery = { type: 'object', properties: { saved: { type: 'string', maxLength: 4 } } } as const;

function formOf(body: unknown): VisitTypesForm {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as VisitTypesForm) : {};
}

/** Admins: which visit types each municipality of their team offers (another municipality is a 404). */
export const adminVisitTypesRoutes: FastifyPluginAsync<AdminVisitTypesDeps> = async (app, deps) => {
  const { visitTypes } = deps;
  app.addHook('onRequest', requireStaff);
  app.addHook('onRequest', requireRole('admin'));

  async function page(req: FastifyRequest, reply: FastifyReply, id: string, view: { error: string | null; saved: boolean; form: VisitTypesForm | null }) {
    const admin = staffOf(req);
    const { municipality, types, calendarFirstName } = await visitTypes.load(admin, id);
    const text = (v: unknown) => (typeof v === 'string' ? v.slice(0, 6) : typeof v === 'number' ? String(v) : '');
    const f = view.form;
    reply.header('cache-control', 'no-store');
    return reply.view('staff/admin-visit-types.eta', {
      staff: admin,
      csrf: reply.csrfToken(),
      municipality,
      error: view.error,
      saved: view.saved,
      range: DURATION_RANGE,
      calendarFirstName: f ? f.calendar_first_name !== undefined : calendarFirstName,
      // After a refusal: what was posted (an unticked box is absent), else the stored or default settings.
      types: types.map((t) =>
        f
          ? { type: t.type, enabled: f[`${t.type}_enabled`] !== undefined, durationMinutes: text(f[`${t.type}_duration`]), twoStaff: f[`${t.type}_twoStaff`] !== undefined, configured: t.configured }
          : { ...t, durationMinutes: String(t.durationMinutes) },
      ),
    });
  }

  app.get<{ Params: { id: string }; Querystring: { saved?: string } }>(PATH, { schema: { params: uuidParam, querystring: savedQuery } }, async (req, reply) =>
    page(req, reply, req.params.id, { error: null, saved: req.query.saved === '1', form: null }),
  );

  app.post<{ Params: { id: string } }>(
    PATH,
    {
      preHandler: app.csrfProtection,
      bodyLimit: 4 * 1024,
      schema: { params: uuidParam },
      config: { audit: { action: 'visit_types.change', object: 'municipality' } },
    },
    async (req, reply) => {
      const form = formOf(req.body);
      try {
        const saved = await visitTypes.save(staffOf(req), req.params.id, form);
        if (postedJson(req)) return reply.header('cache-control', 'no-store').send(saved);
        return reply.redirect(`/admin/team/municipalities/${req.params.id}/visit-types?saved=1`, 303);
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        const message = uiOf(req).refusal(err.code, err.vars);
        reply.code(400);
        if (postedJson(req)) return reply.send({ error: err.code, message });
        return page(req, reply, req.params.id, { error: message, saved: false, form });
      }
    },
  );
};
