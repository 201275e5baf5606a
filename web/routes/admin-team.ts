import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import {
  MAX_ESCALATION_HOURS,
  MAX_RANGES_PER_DAY,
  MIN_ESCALATION_HOURS,
  TeamSettingsInputError,
  WEEKDAYS,
  type TeamSettings,
  type TeamSettingsInput,
  type TeamSettingsService,
  type WeekHours,
} from '../domain/team-settings.js';
import { requireRole, requireStaff } from '../plugins/auth.js';
import { uiOf } from '../plugins/views.js';
import { postedJson, staffOf } from './route-helpers.js';

export interface AdminTeamDeps {
  settings: TeamSettingsService;
}

const TIME_FIELD = { type: 'string', maxLength: 8 } as const;

/**
 * The shape only (sizes, types); every rule about the content (times, order,
 * overlap, the limit) is the domain's, with a clear message in the UI language.
 * Either the JSON shape or the plain form's flat fields (d1_1_from ...).
 */
const teamSettingsBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    _csrf: { type: 'string' },
    escalationHours: { anyOf: [{ type: 'string', maxLength: 10 }, { type: 'number' }] },
    // Unknown weekday keys are not stripped silently: the domain refuses them.
    officeHours: {
      type: 'object',
      patternProperties: {
        '^[1-7]$': { type: 'array', maxItems: 10, items: { type: 'array', maxItems: 2, items: TIME_FIELD } },
      },
    },
  },
  patternProperties: { '^d[1-7]_[0-9]_(from|to)$': TIME_FIELD },
} as const;

interface FormRange {
  from: string;
  to: string;
}

/** Hours as the form shows them: each day at least two (possibly empty) ranges. */
function rangesOf(hours: WeekHours): Record<string, FormRange[]> {
  return Object.fromEntries(WEEKDAYS.map((d) => [d, hours[d].map(([from, to]) => ({ from, to }))]));
}

/** What a refused plain form contained, so the admin sees what they typed. */
function rangesFromForm(form: TeamSettingsInput): Record<string, FormRange[]> {
  const out: Record<string, FormRange[]> = Object.fromEntries(WEEKDAYS.map((d) => [d, []]));
  for (const [name, value] of Object.entries(form)) {
    const m = /^d([1-7])_([1-9])_(from|to)$/.exec(name);
    if (!m) continue;
    const day = out[m[1]!]!;
    const i = Number(m[2]) - 1;
    while (day.length <= i) day.push({ from: '', to: '' });
    day[i]![m[3] as 'from' | 'to'] = typeof value === 'string' ? value.slice(0, 8) : '';
  }
  return out;
}

function publicSettings(s: TeamSettings) {
  return {
    teamName: s.teamName,
    municipalities: s.municipalities,
    officeHours: s.officeHours,
    escalationOfficeMinutes: s.escalationOfficeMinutes,
    escalationHours: s.escalationHours,
  };
}

/** Admins manage their own team's office hours and escalation limit; the team comes from the session only. */
export const adminTeamRoutes: FastifyPluginAsync<AdminTeamDeps> = async (app, deps) => {
  const { settings } = deps;
  app.addHook('onRequest', requireStaff);
  app.addHook('onRequest', requireRole('admin'));

  async function render(
    req: FastifyRequest,
    reply: FastifyReply,
    view: { ranges: Record<string, FormRange[]> | null; escalationHours: string | null; error: string | null; notice: string | null },
  ) {
    const admin = staffOf(req);
    const ui = uiOf(req);
    const current = await settings.load(admin);
    const ranges = view.ranges ?? rangesOf(current.officeHours);
    const capital = (s: string) => s.charAt(0).toLocaleUpperCase(ui.locale) + s.slice(1);
    reply.header('cache-control', 'no-store');
    return reply.view('staff/admin-team.eta', {
      staff: admin,
      csrf: reply.csrfToken(),
      error: view.error,
      notice: view.notice,
      teamName: current.teamName,
      municipalities: current.served,
      days: WEEKDAYS.map((d) => {
        const list = [...(ranges[d] ?? [])];
        while (list.length < MAX_RANGES_PER_DAY) list.push({ from: '', to: '' });
        return { key: d, name: capital(ui.t(`team.day.${d}`)), ranges: list };
      }),
      escalationHours: view.escalationHours ?? String(current.escalationHours),
      min: MIN_ESCALATION_HOURS,
      max: MAX_ESCALATION_HOURS,
    });
  }

  app.get<{ Querystring: { saved?: string; handedOver?: string } }>('/admin/team', async (req, reply) => {
    const ui = uiOf(req);
    const notice = req.query.saved === '1' ? ui.t('team.saved') : req.query.handedOver === '1' ? ui.t('team.handedOver') : null;
    return render(req, reply, { ranges: null, escalationHours: null, error: null, notice });
  });

  app.post<{ Body: TeamSettingsInput }>(
    '/admin/team',
    { preHandler: app.csrfProtection, bodyLimit: 16 * 1024, schema: { body: teamSettingsBody } },
    async (req, reply) => {
      const input: TeamSettingsInput = req.body ?? {};
      try {
        const saved = await settings.save(staffOf(req), input);
        if (postedJson(req)) return reply.header('cache-control', 'no-store').send({ settings: publicSettings(saved) });
        return reply.redirect('/admin/team?saved=1', 303);
      } catch (err) {
        if (!(err instanceof TeamSettingsInputError)) throw err;
        const ui = uiOf(req);
        const message = ui.t(err.textKey, { day: err.weekday ? ui.t(`team.day.${err.weekday}`) : '' });
        reply.code(400);
        if (postedJson(req)) return reply.send({ error: err.code, message });
        const typed = typeof input.escalationHours === 'string' ? input.escalationHours.slice(0, 10) : null;
        return render(req, reply, { ranges: rangesFromForm(input), escalationHours: typed, error: message, notice: null });
      }
    },
  );
};
