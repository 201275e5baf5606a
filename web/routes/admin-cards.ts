import multipart from '@fastify/multipart';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { InputError } from '../../core/errors.js';
import { MAX_CARD_IMAGE_BYTES, type CardBranding } from '../domain/card-branding.js';
import { requireRole, requireStaff } from '../plugins/auth.js';
import { uiOf } from '../plugins/views.js';
import { staffOf, uuidParam } from './route-helpers.js';

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const file = (v: unknown) => (Buffer.isBuffer(v) ? v : undefined);

/** Admins: what the team's cards print (colours, logo, default casemanager; each coach's phone and photo). */
export const adminCardRoutes: FastifyPluginAsync<{ branding: CardBranding }> = async (app, deps) => {
  app.addHook('onRequest', requireStaff);
  app.addHook('onRequest', requireRole('admin'));
  await app.register(multipart, { attachFieldsToBody: 'keyValues', limits: { fileSize: MAX_CARD_IMAGE_BYTES + 1, files: 1, fields: 10, parts: 12 } });

  async function render(req: FastifyRequest, reply: FastifyReply, view: { error: string | null; notice: string | null }) {
    const admin = staffOf(req);
    const { served, coaches } = await deps.branding.load(admin);
    reply.header('cache-control', 'no-store');
    return reply.view('staff/admin-cards.eta', { staff: admin, csrf: reply.csrfToken(), served, coaches, ...view });
  }

  app.get<{ Querystring: { saved?: string } }>('/admin/cards', async (req, reply) =>
    render(req, reply, { error: null, notice: req.query.saved === '1' ? uiOf(req).t('cards.saved') : null }),
  );

  async function refusedOr(req: FastifyRequest, reply: FastifyReply, work: () => Promise<void>) {
    try {
      await work();
      return reply.redirect('/admin/cards?saved=1', 303);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      return render(req, reply.code(400), { error: uiOf(req).refusal(err.code, err.vars), notice: null });
    }
  }

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/admin/cards/municipalities/:id',
    { preHandler: app.csrfProtection, schema: { params: uuidParam }, config: { audit: { action: 'card_design.change', object: 'municipality' } } },
    async (req, reply) => {
      const b = req.body ?? {};
      return refusedOr(req, reply, () =>
        deps.branding.saveMunicipality(staffOf(req), req.params.id, {
          primary: str(b.primary),
          accent: str(b.accent),
          defaultCasemanagerId: str(b.defaultCasemanagerId),
          removeLogo: str(b.removeLogo),
          logo: file(b.logo),
        }),
      );
    },
  );

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/admin/cards/staff/:id',
    { preHandler: app.csrfProtection, schema: { params: uuidParam }, config: { audit: { action: 'coach_card.change', object: 'staff' } } },
    async (req, reply) => {
      const b = req.body ?? {};
      return refusedOr(req, reply, () => deps.branding.saveCoach(staffOf(req), req.params.id, { phone: str(b.phone), removePhoto: str(b.removePhoto), photo: file(b.photo) }));
    },
  );
};
