import { InputError, NotFoundError } from '../../core/errors.js';
import type { OfficeHours, WeekdayKey } from '../../core/office-hours.js';
import type { Database } from '../../db/client.js';
import { recordEvent } from '../../db/queries/events.js';
import type { StaffPrincipal } from '../../db/queries/staff.js';
import { findTeamSettings, listServedMunicipalities, saveTeamSettings } from '../../db/queries/team-settings.js';
import { st, type StaffTextKey } from '../../templates/staff/index.js';

/**
 * A team's own settings, managed by an admin of that team: office hours
 * (Europe/Amsterdam, per ISO weekday, at most two ranges a day; an empty day is
 * closed) and the escalation limit in office hours. The youngster is told when
 * their coach reads a message from these hours, and escalation counts office
 * minutes: so nothing is stored unless all of it is valid.
 * The municipalities a team serves are shown here; handing one to another
 * team of the region is municipality-handover.ts.
 */

export const WEEKDAYS: readonly WeekdayKey[] = ['1', '2', '3', '4', '5', '6', '7'];
export const MAX_RANGES_PER_DAY = 2;
export const MIN_ESCALATION_HOURS = 1;
export const MAX_ESCALATION_HOURS = 40;

/** Every weekday present ('7': [] is a closed Sunday), ranges sorted by start. */
export type WeekHours = Record<WeekdayKey, [string, string][]>;

export interface TeamSettings {
  teamName: string;
  municipalities: string[];
  /** The same municipalities with their ids (for the handover links). */
  served: { id: string; name: string }[];
  officeHours: WeekHours;
  escalationOfficeMinutes: number;
  /** The same limit in hours (what the form shows): 480 -> 8. */
  escalationHours: number;
}

/**
 * What an admin posts: either JSON `{ officeHours: { "1": [["09:00","17:00"]], ... }, escalationHours: 8 }`
 * or the plain form's flat fields `d1_1_from`, `d1_1_to`, `d1_2_from`, ... (day, range 1-2) and `escalationHours`.
 */
export type TeamSettingsInput = Record<string, unknown>;

/** Refused input: a staff text key (shown in the user's language) plus the weekday it is about, if any. */
export class TeamSettingsInputError extends InputError {
  override name = 'TeamSettingsInputError';
  constructor(
    readonly textKey: StaffTextKey,
    readonly weekday: WeekdayKey | null,
    code: string,
  ) {
    super(st('nl', textKey, { day: weekday ? st('nl', `team.day.${weekday}`) : '' }), code);
  }
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const FLAT_FIELD = /^d([1-7])_(\d)_(from|to)$/;

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** A day's ranges, checked: HH:MM, from < to, at most two, not overlapping; sorted by start. */
function checkDay(day: WeekdayKey, raw: [unknown, unknown][]): [string, string][] {
  if (raw.length > MAX_RANGES_PER_DAY) throw new TeamSettingsInputError('team.error.tooMany', day, 'too_many_ranges');
  const ranges: [string, string][] = [];
  for (const [from, to] of raw) {
    if (typeof from !== 'string' || typeof to !== 'string' || !TIME.test(from) || !TIME.test(to)) {
      throw new TeamSettingsInputError('team.error.time', day, 'invalid_time');
    }
    if (minutesOf(from) >= minutesOf(to)) throw new TeamSettingsInputError('team.error.order', day, 'from_not_before_to');
    ranges.push([from, to]);
  }
  ranges.sort((a, b) => minutesOf(a[0]) - minutesOf(b[0]));
  for (let i = 1; i < ranges.length; i++) {
    // Touching ranges (09:00-12:30 and 12:30-17:00) are fine; overlapping ones are not.
    if (minutesOf(ranges[i]![0]) < minutesOf(ranges[i - 1]![1])) throw new TeamSettingsInputError('team.error.overlap', day, 'overlapping_ranges');
  }
  return ranges;
}

const emptyWeek = (): Record<WeekdayKey, [unknown, unknown][]> => ({ '1': [], '2': [], '3': [], '4': [], '5': [], '6': [], '7': [] });

/** The JSON shape: weekday keys '1'-'7' (a missing day is closed), each a list of [from, to]. */
function rawFromJson(hours: unknown): Record<WeekdayKey, [unknown, unknown][]> {
  if (typeof hours !== 'object' || hours === null || Array.isArray(hours)) throw new TeamSettingsInputError('team.error.form', null, 'invalid_form');
  const week = emptyWeek();
  for (const [key, ranges] of Object.entries(hours)) {
    if (!(WEEKDAYS as readonly string[]).includes(key) || !Array.isArray(ranges)) throw new TeamSettingsInputError('team.error.form', null, 'invalid_form');
    const day = key as WeekdayKey;
    for (const r of ranges) {
      if (!Array.isArray(r) || r.length !== 2) throw new TeamSettingsInputError('team.error.time', day, 'invalid_time');
      week[day].push([r[0], r[1]]);
    }
  }
  return week;
}

/** The plain form: both fields of a range empty = not used; one of the two empty = incomplete. */
function rawFromForm(form: TeamSettingsInput): Record<WeekdayKey, [unknown, unknown][]> {
  const slots = new Map<string, { day: WeekdayKey; from: unknown; to: unknown }>();
  for (const [name, value] of Object.entries(form)) {
    const m = FLAT_FIELD.exec(name);
    if (!m) continue;
    const day = m[1] as WeekdayKey;
    const slot = slots.get(`${day}_${m[2]}`) ?? { day, from: '', to: '' };
    slot[m[3] as 'from' | 'to'] = typeof value === 'string' ? value.trim() : value;
    slots.set(`${day}_${m[2]}`, slot);
  }
  const week = emptyWeek();
  for (const [key, s] of [...slots].sort(([a], [b]) => a.localeCompare(b))) {
    if (s.from === '' && s.to === '') continue;
    if (s.from === '' || s.to === '') throw new TeamSettingsInputError('team.error.incomplete', s.day, 'incomplete_range');
    if (Number(key.split('_')[1]) < 1) throw new TeamSettingsInputError('team.error.form', null, 'invalid_form');
    week[s.day].push([s.from, s.to]);
  }
  return week;
}

/** Hours 1-40 in whole or half hours ("8", "4.5", "4,5" or a JSON number) -> minutes. */
function escalationMinutes(v: unknown): number {
  const hours =
    typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d{1,2}([.,]\d{1,2})?\s*$/.test(v) ? Number(v.trim().replace(',', '.')) : Number.NaN;
  if (!Number.isFinite(hours) || hours < MIN_ESCALATION_HOURS || hours > MAX_ESCALATION_HOURS || !Number.isInteger(hours * 2)) {
    throw new TeamSettingsInputError('team.error.limit', null, 'invalid_escalation_limit');
  }
  return Math.round(hours * 60);
}

/** The posted settings, fully checked (throws TeamSettingsInputError on the first problem; nothing is stored then). */
export function parseTeamSettings(input: TeamSettingsInput): { officeHours: WeekHours; escalationOfficeMinutes: number } {
  const hasFlat = Object.keys(input).some((k) => FLAT_FIELD.test(k));
  if (input.officeHours !== undefined && hasFlat) throw new TeamSettingsInputError('team.error.form', null, 'invalid_form');
  const raw = input.officeHours !== undefined ? rawFromJson(input.officeHours) : rawFromForm(input);
  const officeHours = Object.fromEntries(WEEKDAYS.map((d) => [d, checkDay(d, raw[d])])) as WeekHours;
  // A week without any hours would tell every youngster "we are closed" and never escalate.
  if (WEEKDAYS.every((d) => officeHours[d].length === 0)) throw new TeamSettingsInputError('team.error.noHours', null, 'no_office_hours');
  return { officeHours, escalationOfficeMinutes: escalationMinutes(input.escalationHours) };
}

/** Stored hours as a full week (a missing day is closed), ranges sorted; the stored shape is not re-validated. */
export function fullWeek(hours: OfficeHours | null | undefined): WeekHours {
  return Object.fromEntries(
    WEEKDAYS.map((d) => [d, [...(hours?.[d] ?? [])].map(([a, b]) => [String(a), String(b)] as [string, string]).sort((x, y) => x[0].localeCompare(y[0]))]),
  ) as WeekHours;
}

export function createTeamSettings(deps: { database: Database }) {
  const { db } = deps.database;

  /** The admin's own team; the team comes from the session, never from the request. */
  async function load(admin: StaffPrincipal): Promise<TeamSettings> {
    const team = await findTeamSettings(db, admin.teamId);
    if (!team) throw new NotFoundError('team');
    const served = await listServedMunicipalities(db, admin.teamId);
    return {
      teamName: team.name,
      municipalities: served.map((m) => m.name),
      served,
      officeHours: fullWeek(team.officeHours),
      escalationOfficeMinutes: team.escalationOfficeMinutes,
      escalationHours: team.escalationOfficeMinutes / 60,
    };
  }

  /** Checks everything first, then stores both settings of the admin's own team in one statement. */
  async function save(admin: StaffPrincipal, input: TeamSettingsInput): Promise<TeamSettings> {
    const parsed = parseTeamSettings(input);
    await db.transaction(async (tx) => {
      if (!(await saveTeamSettings(tx, admin.teamId, parsed))) throw new NotFoundError('team');
      await recordEvent(tx, {
        type: 'team.settings_changed',
        actorStaffId: admin.id,
        data: {
          teamId: admin.teamId,
          escalationOfficeMinutes: parsed.escalationOfficeMinutes,
          openDays: WEEKDAYS.filter((d) => parsed.officeHours[d].length > 0).length,
        },
      });
    });
    return load(admin);
  }

  return { load, save };
}
export type TeamSettingsService = ReturnType<typeof createTeamSettings>;
