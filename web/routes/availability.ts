import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { InputError } from '../../core/errors.js';
import { formatLocalInput } from '../../core/local-time.js';
import type { Database } from '../../db/client.js';
import { getVisitSettings, listOwnBlocks, listOwnExceptions } from '../../db/queries/availability.js';
import { BUFFER_RANGE, EXCEPTION_REASONS, MAX_BLOCKS_PER_DAY, NOTICE_RANGE, type AvailabilityService } from '../domain/availability.js';
import { requireStaff } from '../plugins/auth.js';
import { uiOf } from '../plugins/views.js';
import { staffOf, uuidParam } from './route-helpers.js';

export interface AvailabilityDeps {
  database: Database;
  availability: AvailabilityService;
}

const PATH = '/account/availability';
const AUDIT = { audit: { action: 'availability.change' } } as const;
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
type Section = 'blocks' | 'settings' | 'exception';
const savedQuery = { type: 'object', properties: { saved: { type: 'string', maxLength: 20 } } } as const;

/** A form body as whatever arrived: a JSON string or array is an empty form. */
function formOf(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}
const typed = (v: unknown) => (typeof v === 'string' ? v.slice(0, 20) : '');

/**
 * Every staff member's own visiting hours (any role, own account only): the
 * weekly blocks, exceptions and buffer/notice. After a refused post the page
 * shows the reason at the section it belongs to, with what was typed.
 */
export const availabilityRoutes: FastifyPluginAsync<AvailabilityDeps> = async (app, deps) => {
  const { db } = deps.database;
  const { availability } = deps;
  app.addHook('onRequest', requireStaff);

  async function render(req: FastifyRequest, reply: FastifyReply, view: { section: Section | null; error: InputError | null; form: Record<string, unknown>; saved: string | null }) {
    const staff = staffOf(req);
    const ui = uiOf(req);
    const now = new Date();
    const [blocks, exceptions, settings] = await Promise.all([listOwnBlocks(db, staff.id), listOwnExceptions(db, staff.id, now), getVisitSettings(db, staff.id)]);
    const refusedBlocks = view.section === 'blocks';
    const capital = (s: string) => s.charAt(0).toLocaleUpperCase(ui.locale) + s.slice(1);
    const days = WEEKDAYS.map((d) => {
      const rows: { from: string; to: string }[] = [];
      if (refusedBlocks) {
        for (let i = 1; i <= MAX_BLOCKS_PER_DAY + 1; i++) {
          const from = typed(view.form[`b${d}_${i}_from`]);
          const to = typed(view.form[`b${d}_${i}_to`]);
          if (from || to) rows.push({ from, to });
        }
      } else {
        for (const b of blocks) if (b.weekday === d) rows.push({ from: b.startsAt, to: b.endsAt });
      }
      // One empty row to add a block (a second one on an empty day, for a split day).
      const spare = rows.length < MAX_BLOCKS_PER_DAY ? (rows.length === 0 ? 2 : 1) : 0;
      for (let i = 0; i < spare; i++) rows.push({ from: '', to: '' });
      return { key: d, name: capital(ui.t(`team.day.${d}`)), rows };
    });
    const when = (d: Date) => `${ui.longWhen(d)}`;
    const tomorrow = formatLocalInput(new Date(now.getTime() + 24 * 3600_000)).date;
    const f = view.section === 'exception' ? view.form : {};
    const s = view.section === 'settings' ? view.form : {};
    reply.header('cache-control', 'no-store');
    return reply.view('staff/availability.eta', {
      staff,
      csrf: reply.csrfToken(),
      section: view.section,
      error: view.error === null ? null : ui.refusal(view.error.code, view.error.vars),
      saved: view.saved,
      days,
      exceptions: exceptions.map((e) => ({ id: e.id, kind: e.kind, from: when(e.startsAt), to: when(e.endsAt) })),
      reasons: EXCEPTION_REASONS,
      exceptionForm: {
        reason: typed(f.reason) || 'off_holiday',
        fromDate: typed(f.fromDate) || tomorrow,
        fromTime: typed(f.fromTime) || '09:00',
        toDate: typed(f.toDate) || tomorrow,
        toTime: typed(f.toTime) || '17:00',
      },
      settings: {
        bufferMinutes: view.section === 'settings' ? typed(s.bufferMinutes) : String(settings.bufferMinutes),
        minNoticeHours: view.section === 'settings' ? typed(s.minNoticeHours) : String(settings.minNoticeHours),
      },
      buffer: BUFFER_RANGE,
      notice: NOTICE_RANGE,
    });
  }

  app.get<{ Querystring: { saved?: string } }>(PATH, { schema: { querystring: savedQuery } }, async (req, reply) => {
    const saved = ['blocks', 'settings', 'exception', 'removed'].includes(req.query.saved ?? '') ? req.query.saved! : null;
    return render(req, reply, { section: null, error: null, form: {}, saved });
  });

  /** Runs a change; a refusal re-renders the page (400) with its reason at that section. */
  function post(url: string, section: Section, change: (req: FastifyRequest, form: Record<string, unknown>) => Promise<unknown>) {
    app.post(url, { preHandler: app.csrfProtection, bodyLimit: 16 * 1024, config: AUDIT }, async (req, reply) => {
      const form = formOf(req.body);
      try {
        await change(req, form);
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        reply.code(400);
        return render(req, reply, { section, error: err, form, saved: null });
      }
      return reply.redirect(`${PATH}?saved=${section}`, 303);
    });
  }
  post(PATH, 'blocks', (req, form) => availability.saveBlocks(staffOf(req), form));
  post(`${PATH}/settings`, 'settings', (req, form) => availability.saveSettings(staffOf(req), form));
  post(`${PATH}/exceptions`, 'exception', (req, form) => availability.addOwnException(staffOf(req), form));

  app.post<{ Params: { id: string } }>(
    `${PATH}/exceptions/:id/remove`,
    { preHandler: app.csrfProtection, bodyLimit: 1024, schema: { params: uuidParam }, config: AUDIT },
    async (req, reply) => {
      await availability.removeOwn(staffOf(req), req.params.id);
      return reply.redirect(`${PATH}?saved=removed`, 303);
    },
  );
};
