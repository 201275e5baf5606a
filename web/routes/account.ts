import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { InputError } from '../../core/errors.js';
import { formatLocalInput } from '../../core/local-time.js';
import type { Database } from '../../db/client.js';
import { getAbsence, listPossibleDelegates } from '../../db/queries/absence.js';
import { setUiLanguage } from '../../db/queries/staff.js';
import { isStaffLanguage } from '../../templates/staff/index.js';
import type { AbsenceForm, AbsenceService } from '../domain/absence.js';
import { requireStaff } from '../plugins/auth.js';
import { uiOf } from '../plugins/views.js';
import { staffOf } from './route-helpers.js';

export interface AccountDeps {
  database: Database;
  absence: AbsenceService;
}

/** A form body as whatever arrived: a JSON string or array is treated as an empty form. */
function formOf(body: unknown): AbsenceForm {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as AbsenceForm) : {};
}

/** The staff member's own settings: absence and the UI language. Any role, own account only. */
export const accountRoutes: FastifyPluginAsync<AccountDeps> = async (app, deps) => {
  const { db } = deps.database;
  const { absence } = deps;
  app.addHook('onRequest', requireStaff);

  async function render(req: FastifyRequest, reply: FastifyReply, form: AbsenceForm, error: InputError | null) {
    const staff = staffOf(req);
    const ui = uiOf(req);
    const now = new Date();
    const current = await getAbsence(db, staff.id);
    const away = current.absentUntil !== null && current.absentUntil.getTime() > now.getTime();
    const colleagues = await listPossibleDelegates(db, staff);
    // Suggest the end of tomorrow's working day; after a refused post, show what was typed.
    const suggestion = formatLocalInput(new Date(now.getTime() + 24 * 3600_000));
    const text = (v: unknown, fallback: string) => (typeof v === 'string' ? v.slice(0, 20) : fallback);
    reply.header('cache-control', 'no-store');
    return reply.view('staff/absence.eta', {
      staff,
      csrf: reply.csrfToken(),
      error: error === null ? null : ui.refusal(error.code, error.vars),
      current: away ? { until: ui.longWhen(current.absentUntil!), delegateName: current.delegateName } : null,
      colleagues: colleagues.map((c) => ({
        id: c.id,
        name: c.name,
        away: c.absentUntil !== null && c.absentUntil.getTime() > now.getTime(),
      })),
      form: {
        date: text(form.date, away ? formatLocalInput(current.absentUntil!).date : suggestion.date),
        time: text(form.time, away ? formatLocalInput(current.absentUntil!).time : '17:00'),
        delegateId: text(form.delegateId, away ? (current.delegateId ?? '') : ''),
      },
    });
  }

  app.get('/account/absence', async (req, reply) => render(req, reply, {}, null));

  app.post('/account/absence', { preHandler: app.csrfProtection }, async (req, reply) => {
    const form = formOf(req.body);
    try {
      await absence.set(staffOf(req), form);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      reply.code(400);
      return render(req, reply, form, err);
    }
    return reply.redirect('/account/absence', 303);
  });

  app.post('/account/absence/clear', { preHandler: app.csrfProtection }, async (req, reply) => {
    await absence.clear(staffOf(req));
    return reply.redirect('/account/absence', 303);
  });

  function renderLanguage(req: FastifyRequest, reply: FastifyReply, notice: string | null, error: string | null) {
    reply.header('cache-control', 'no-store');
    return reply.view('staff/account.eta', { staff: staffOf(req), csrf: reply.csrfToken(), notice, error });
  }

  app.get<{ Querystring: { saved?: string } }>('/account/language', async (req, reply) =>
    renderLanguage(req, reply, req.query.saved === '1' ? uiOf(req).t('language.saved') : null, null),
  );

  /** The staff app's language for this user ('nl' | 'en'); anything else is refused and nothing is stored. */
  app.post('/account/language', { preHandler: app.csrfProtection, bodyLimit: 4 * 1024 }, async (req, reply) => {
    const staff = staffOf(req);
    const lang = (formOf(req.body) as { lang?: unknown }).lang;
    if (!isStaffLanguage(lang)) return renderLanguage(req, reply.code(400), null, uiOf(req).t('language.invalid'));
    await setUiLanguage(db, staff.id, lang);
    return reply.redirect('/account/language?saved=1', 303);
  });
};
