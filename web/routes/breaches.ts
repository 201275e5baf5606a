import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ConflictError, InputError } from '../../core/errors.js';
import { formatLocalInput } from '../../core/local-time.js';
import type { Database } from '../../db/client.js';
import type { BreachListRow } from '../../db/queries/breaches.js';
import { listServedMunicipalities } from '../../db/queries/team-settings.js';
import type { StaffTexts } from '../../templates/staff/index.js';
import { BREACH_CATEGORIES, BREACH_PARTIES, deadlineOf, deadlineState, MAX_NOTE, MAX_TEXT, MAX_TITLE, type BreachForm, type Breaches } from '../domain/breaches.js';
import { noteAudit } from '../plugins/audit.js';
import { requireRole, requireStaff } from '../plugins/auth.js';
import { uiOf } from '../plugins/views.js';
import { staffOf, uuidParam } from './route-helpers.js';

export interface BreachRoutesDeps {
  database: Database;
  breaches: Breaches;
}

const view = (action: 'breach.view' | 'breach.change', object?: 'breach') => ({ audit: object ? { action, object } : { action } });
const FORM_LIMIT = 32 * 1024;

/** "te laat" / "nog 5 u 12 min" / "ja, op tijd (...)": what the list and the detail page show for the 24 hours. */
export function deadlineText(ui: StaffTexts, b: { discoveredAt: Date; controllerToldAt: Date | null }, now: Date) {
  const s = deadlineState(b, now);
  if (s.kind === 'told') return { tone: s.late ? 'late' : 'ok', text: ui.t(s.late ? 'breach.toldLate' : 'breach.toldInTime', { when: ui.auditWhen(s.at) }), told: true };
  if (s.kind === 'late') return { tone: 'late', text: ui.t('breach.late'), told: false };
  const minutes = Math.floor(s.msLeft / 60_000);
  return { tone: minutes < 6 * 60 ? 'soon' : 'ok', text: ui.t('breach.timeLeft', { hours: Math.floor(minutes / 60), minutes: minutes % 60 }), told: false };
}

/**
 * The data breach register (/breaches): privacy officers keep it, admins may
 * read it; everyone else gets 403. Read through the team: another team's
 * breach is a 404. Every view and change leaves an audit entry.
 */
export const breachRoutes: FastifyPluginAsync<BreachRoutesDeps> = async (app, deps) => {
  const { db } = deps.database;
  const { breaches } = deps;
  app.addHook('onRequest', requireStaff);
  app.addHook('onRequest', requireRole('privacy_officer', 'admin'));
  const writes = { onRequest: requireRole('privacy_officer'), preHandler: app.csrfProtection, bodyLimit: FORM_LIMIT };

  const categoryChoices = (ui: StaffTexts) => BREACH_CATEGORIES.map((c) => ({ code: c, label: ui.t(`breach.cat.${c}`) }));

  app.get('/breaches', { config: view('breach.view') }, async (req, reply) => {
    const staff = staffOf(req);
    const ui = uiOf(req);
    const now = breaches.now();
    const rows = await breaches.list(staff);
    reply.header('cache-control', 'no-store');
    return reply.view('staff/breaches.eta', {
      staff,
      csrf: reply.csrfToken(),
      canWrite: staff.role === 'privacy_officer',
      breaches: rows.map((b: BreachListRow) => ({
        ...b,
        discovered: ui.auditWhen(b.discoveredAt),
        deadline: ui.auditWhen(deadlineOf(b.discoveredAt)),
        state: b.closedAt && !b.controllerToldAt ? { tone: 'closed', text: ui.t('breach.toldNo'), told: false } : deadlineText(ui, b, now),
      })),
    });
  });

  async function newForm(req: FastifyRequest, reply: FastifyReply, form: BreachForm, error: string | null) {
    const staff = staffOf(req);
    const ui = uiOf(req);
    const now = formatLocalInput(breaches.now());
    const asList = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);
    reply.header('cache-control', 'no-store');
    return reply.view('staff/breach-new.eta', {
      staff,
      csrf: reply.csrfToken(),
      error,
      categories: categoryChoices(ui),
      municipalities: await listServedMunicipalities(db, staff.teamId),
      max: { title: MAX_TITLE, text: MAX_TEXT },
      form: {
        title: typeof form.title === 'string' ? form.title : '',
        description: typeof form.description === 'string' ? form.description : '',
        measures: typeof form.measures === 'string' ? form.measures : '',
        peopleCount: typeof form.peopleCount === 'string' ? form.peopleCount : '',
        date: typeof form.date === 'string' ? form.date : now.date,
        time: typeof form.time === 'string' ? form.time : now.time,
        categories: asList(form.categories),
        municipalities: asList(form.municipalities),
      },
    });
  }

  app.get('/breaches/new', { onRequest: requireRole('privacy_officer') }, async (req, reply) => newForm(req, reply, {}, null));

  app.post<{ Body: BreachForm }>('/breaches', { ...writes, config: view('breach.change') }, async (req, reply) => {
    const form = req.body ?? {};
    try {
      const id = await breaches.create(staffOf(req), form);
      noteAudit(req, { objectId: id, detail: { step: 'create' } });
      return reply.redirect(`/breaches/${id}`, 303);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      return newForm(req, reply.code(400), form, uiOf(req).refusal(err.code, err.vars));
    }
  });

  async function detail(req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, error: string | null, notice: string | null = null) {
    const staff = staffOf(req);
    const ui = uiOf(req);
    const [{ breach, notifications }, served] = await Promise.all([breaches.get(staff, req.params.id), listServedMunicipalities(db, staff.teamId)]);
    const names = new Map(served.map((m) => [m.id, m.name]));
    const partyLabel = (party: string) => {
      const m = /^municipality:(.+)$/.exec(party)?.[1];
      if (m) return ui.t('breach.party.controller', { name: names.get(m) ?? m });
      return (BREACH_PARTIES as readonly string[]).includes(party) ? ui.t(`breach.party.${party as (typeof BREACH_PARTIES)[number]}`) : party;
    };
    const now = formatLocalInput(breaches.now());
    reply.header('cache-control', 'no-store');
    return reply.view('staff/breach.eta', {
      staff,
      csrf: reply.csrfToken(),
      error,
      notice,
      canWrite: staff.role === 'privacy_officer' && !breach.closedAt,
      breach: {
        ...breach,
        discovered: ui.auditWhen(breach.discoveredAt),
        deadline: ui.auditWhen(deadlineOf(breach.discoveredAt)),
        created: ui.t('breach.createdBy', { name: breach.createdByName ?? ui.t('audit.unknownActor'), when: ui.auditWhen(breach.createdAt) }),
        closed: breach.closedAt ? ui.t('breach.closedAt', { when: ui.auditWhen(breach.closedAt) }) : null,
        categoryLabels: breach.dataCategories.map((c) => ((BREACH_CATEGORIES as readonly string[]).includes(c) ? ui.t(`breach.cat.${c as (typeof BREACH_CATEGORIES)[number]}`) : c)),
        municipalityNames: breach.municipalityIds.map((id) => names.get(id) ?? id),
        state: deadlineText(ui, breach, breaches.now()),
      },
      notifications: notifications.map((n) => ({ ...n, party: partyLabel(n.party), at: ui.auditWhen(n.toldAt), by: n.toldByName ?? ui.t('audit.unknownActor') })),
      parties: [...served.map((m) => ({ value: `municipality:${m.id}`, label: partyLabel(`municipality:${m.id}`) })), ...BREACH_PARTIES.map((p) => ({ value: p, label: partyLabel(p) }))],
      now,
      maxNote: MAX_NOTE,
      maxText: MAX_TEXT,
    });
  }

  app.get<{ Params: { id: string } }>('/breaches/:id', { schema: { params: uuidParam }, config: view('breach.view', 'breach') }, async (req, reply) =>
    detail(req, reply, null, (req.query as { saved?: string }).saved === '1' ? uiOf(req).t('breach.saved') : null),
  );

  /** A change, then back to the page; a refusal shows the page again with the reason (400/409) and nothing stored. */
  async function change(req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, step: string, work: () => Promise<void>) {
    noteAudit(req, { detail: { step } });
    try {
      await work();
    } catch (err) {
      if (!(err instanceof InputError) && !(err instanceof ConflictError)) throw err;
      return detail(req, reply.code(err instanceof ConflictError ? 409 : 400), uiOf(req).refusal(err.code, err.vars));
    }
    return reply.redirect(`/breaches/${req.params.id}?saved=1`, 303);
  }

  const post = { ...writes, schema: { params: uuidParam }, config: view('breach.change', 'breach') };
  app.post<{ Params: { id: string }; Body: BreachForm }>('/breaches/:id', post, async (req, reply) =>
    change(req, reply, 'update', () => breaches.update(staffOf(req), req.params.id, req.body ?? {})),
  );
  app.post<{ Params: { id: string }; Body: BreachForm }>('/breaches/:id/notifications', post, async (req, reply) =>
    change(req, reply, 'told', () => breaches.tell(staffOf(req), req.params.id, req.body ?? {})),
  );
  app.post<{ Params: { id: string } }>('/breaches/:id/close', post, async (req, reply) => change(req, reply, 'close', () => breaches.close(staffOf(req), req.params.id)));
};
