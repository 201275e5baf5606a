import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { InputError } from '../../core/errors.js';
import { MAX_RETENTION_MONTHS, MIN_RETENTION_MONTHS, type RetentionInput, type RetentionSettingsService } from '../domain/retention-settings.js';
import { requireRole, requireStaff } from '../plugins/auth.js';
import { uiOf } from '../plugins/views.js';
import { postedJson, staffOf, uuidParam } from './route-helpers.js';

export interface AdminRetentionDeps {
  retention: RetentionSettingsService;
}

/** How a run's counts read (jsonb keeps its own key order). */
const COUNT_ORDER = ['noReaction', 'closed', 'cardless', 'messages', 'people', 'youngsters', 'dossiers'] as const;

const MONTHS_FIELD = { anyOf: [{ type: 'string', maxLength: 10 }, { type: 'number' }] } as const;
const retentionBody = {
  type: 'object',
  additionalProperties: false,
  properties: { _csrf: { type: 'string' }, noReactionMonths: MONTHS_FIELD, closedMonths: MONTHS_FIELD, messageMonths: MONTHS_FIELD },
} as const;

/**
 * Retention per municipality of the admin's team: the months (one form per
 * municipality) and, on the same page, the dry run of the next night and the
 * last runs from the deletion log - counts only, never a name.
 */
export const adminRetentionRoutes: FastifyPluginAsync<AdminRetentionDeps> = async (app, deps) => {
  const { retention } = deps;
  app.addHook('onRequest', requireStaff);
  app.addHook('onRequest', requireRole('admin'));

  async function render(
    req: FastifyRequest,
    reply: FastifyReply,
    view: { notice: string | null; error: { municipalityId: string; message: string; typed: Record<string, string> } | null },
  ) {
    const ui = uiOf(req);
    const { municipalities, runs } = await retention.overview(staffOf(req));
    reply.header('cache-control', 'no-store');
    return reply.view('staff/admin-retention.eta', {
      staff: staffOf(req),
      csrf: reply.csrfToken(),
      notice: view.notice,
      error: view.error,
      min: MIN_RETENTION_MONTHS,
      max: MAX_RETENTION_MONTHS,
      municipalities: municipalities.map((m) => ({ ...m, exited: m.exitedAt ? ui.t('retention.exited', { date: ui.dateTime(m.exitedAt) }) : null })),
      runs: runs.map((r) => ({
        at: ui.auditWhen(r.at),
        municipality: r.municipality,
        reason: r.reason,
        counts: COUNT_ORDER.filter((k) => k in r.counts).map((k) => `${r.counts[k]} ${ui.t(`retention.count.${k}`)}`).join(', '),
      })),
    });
  }

  app.get<{ Querystring: { saved?: string } }>('/admin/team/retention', async (req, reply) =>
    render(req, reply, { notice: req.query.saved === '1' ? uiOf(req).t('retention.saved') : null, error: null }),
  );

  app.post<{ Params: { id: string }; Body: RetentionInput }>(
    '/admin/team/municipalities/:id/retention',
    // How long personal data is kept is a change a privacy officer wants to find in the log.
    { preHandler: app.csrfProtection, bodyLimit: 4 * 1024, schema: { params: uuidParam, body: retentionBody }, config: { audit: { action: 'retention.change', object: 'municipality' } } },
    async (req, reply) => {
      try {
        const saved = await retention.save(staffOf(req), req.params.id, req.body ?? {});
        if (postedJson(req)) return reply.header('cache-control', 'no-store').send({ settings: saved });
        return reply.redirect('/admin/team/retention?saved=1', 303);
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        const message = uiOf(req).refusal(err.code, err.vars);
        reply.code(400);
        if (postedJson(req)) return reply.send({ error: err.code, message });
        const typed = Object.fromEntries(['noReactionMonths', 'closedMonths', 'messageMonths'].map((k) => [k, String(req.body?.[k] ?? '').slice(0, 10)]));
        return render(req, reply, { notice: null, error: { municipalityId: req.params.id, message, typed } });
      }
    },
  );
};
