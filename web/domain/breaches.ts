import { z } from 'zod';
import { ConflictError, InputError, NotFoundError } from '../../core/errors.js';
import { parseLocalDateTime } from '../../core/local-time.js';
import type { Database } from '../../db/client.js';
import {
  closeOpenBreach,
  findTeamBreach,
  insertBreach,
  insertBreachNotification,
  listBreachNotifications,
  listTeamBreaches,
  updateOpenBreach,
  type TeamBreach,
} from '../../db/queries/breaches.js';
import type { StaffPrincipal } from '../../db/queries/staff.js';

/** The kinds of data a breach can concern (labels: templates/staff `breach.cat.*`). */
export const BREACH_CATEGORIES = ['name_address', 'birth_date', 'contact_details', 'messages', 'messenger_ids', 'notes', 'consents', 'other'] as const;
export type BreachCategory = (typeof BREACH_CATEGORIES)[number];
/** Who can be told: a municipality of the team as controller (`municipality:<id>`), the AP, the people concerned, someone else. */
export const BREACH_PARTIES = ['ap', 'people', 'other'] as const;

/** The processor agreement: the controller hears of a breach within 24 hours of its discovery. */
export const NOTIFY_WITHIN_MS = 24 * 3600_000;
export const MAX_TITLE = 200;
export const MAX_TEXT = 4000;
export const MAX_NOTE = 500;
/** A clock a few minutes ahead of the server's is not "the future". */
const CLOCK_SLACK_MS = 5 * 60_000;

export function deadlineOf(discoveredAt: Date): Date {
  return new Date(discoveredAt.getTime() + NOTIFY_WITHIN_MS);
}

/** Where a breach stands against its 24 hours: told (in time or late), still open (time left) or overdue. */
export type DeadlineState = { kind: 'told'; late: boolean; at: Date } | { kind: 'running'; msLeft: number } | { kind: 'late' };

export function deadlineState(b: { discoveredAt: Date; controllerToldAt: Date | null }, now: Date): DeadlineState {
  const deadline = deadlineOf(b.discoveredAt).getTime();
  if (b.controllerToldAt) return { kind: 'told', late: b.controllerToldAt.getTime() > deadline, at: b.controllerToldAt };
  const left = deadline - now.getTime();
  return left > 0 ? { kind: 'running', msLeft: left } : { kind: 'late' };
}

/** What a form posts: strings, or arrays of them for repeated checkboxes. */
export type BreachForm = Record<string, unknown>;

const list = z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(z.string()));
const text = (max: number) => z.preprocess((v) => (v === undefined ? '' : v), z.string().trim().max(max));
const count = z.preprocess(
  (v) => (v === undefined || (typeof v === 'string' && v.trim() === '') ? null : typeof v === 'string' ? Number(v.trim()) : v),
  z.number().int().min(0).max(10_000_000).nullable(),
);

/** Parses one field; a refusal names what is wrong in the form's own words (templates/staff refusals). */
function field<T>(schema: z.ZodType<T>, value: unknown, code: string, vars: Record<string, string | number> = {}): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new InputError(`breach field refused: ${code}`, code, 400, vars);
  return r.data;
}

function moment(form: BreachForm, now: Date, codes: { invalid: string; future: string }): Date {
  const at = parseLocalDateTime(form.date, form.time);
  if (!at) throw new InputError('breach moment is not a date and time', codes.invalid);
  if (at.getTime() > now.getTime() + CLOCK_SLACK_MS) throw new InputError('breach moment lies in the future', codes.future);
  return at;
}

/**
 * The privacy officer's register. Everything is checked before anything is
 * stored; the breach is looked up in the caller's team before its input is
 * read, so another team's breach is a 404 whatever was posted.
 */
export function createBreaches(deps: { database: Database; now?: () => Date }) {
  const { db } = deps.database;
  const clock = deps.now ?? (() => new Date());

  async function inTeam(staff: StaffPrincipal, id: string): Promise<TeamBreach> {
    const breach = await findTeamBreach(db, staff.teamId, id);
    if (!breach) throw new NotFoundError('breach');
    return breach;
  }

  function openOnly(breach: TeamBreach) {
    if (breach.closedAt) throw new ConflictError('breach is closed', 'breach_closed');
  }

  async function create(staff: StaffPrincipal, form: BreachForm): Promise<string> {
    const now = clock();
    const title = field(text(MAX_TITLE), form.title, 'breach_title_missing');
    if (!title) throw new InputError('breach title missing', 'breach_title_missing');
    const description = field(text(MAX_TEXT), form.description, 'breach_text_too_long', { max: MAX_TEXT });
    const measures = field(text(MAX_TEXT), form.measures, 'breach_text_too_long', { max: MAX_TEXT });
    const discoveredAt = moment(form, now, { invalid: 'breach_discovered_invalid', future: 'breach_discovered_future' });
    const categories = field(list.pipe(z.array(z.enum(BREACH_CATEGORIES))), form.categories, 'breach_category_invalid');
    if (categories.length === 0) throw new InputError('no data category', 'breach_category_missing');
    const peopleCount = field(count, form.peopleCount, 'breach_people_invalid');
    const municipalityIds = field(list, form.municipalities, 'breach_municipality_invalid');
    if (municipalityIds.length === 0) throw new InputError('no municipality', 'breach_municipality_missing');
    if (!municipalityIds.every((m) => staff.municipalityIds.includes(m))) throw new InputError('municipality not served', 'breach_municipality_invalid');
    return insertBreach(db, {
      teamId: staff.teamId,
      title,
      description,
      discoveredAt,
      dataCategories: [...new Set(categories)],
      peopleCount,
      measures,
      municipalityIds: [...new Set(municipalityIds)],
      createdBy: staff.id,
    });
  }

  async function update(staff: StaffPrincipal, id: string, form: BreachForm): Promise<void> {
    const breach = await inTeam(staff, id);
    openOnly(breach);
    const measures = field(text(MAX_TEXT), form.measures, 'breach_text_too_long', { max: MAX_TEXT });
    const peopleCount = field(count, form.peopleCount, 'breach_people_invalid');
    if (!(await updateOpenBreach(db, staff.teamId, id, { measures, peopleCount }))) throw new ConflictError('breach is closed', 'breach_closed');
  }

  async function tell(staff: StaffPrincipal, id: string, form: BreachForm): Promise<void> {
    const breach = await inTeam(staff, id);
    openOnly(breach);
    const party = typeof form.party === 'string' ? form.party : '';
    const controller = /^municipality:(.+)$/.exec(party)?.[1];
    const known = controller ? staff.municipalityIds.includes(controller) : (BREACH_PARTIES as readonly string[]).includes(party);
    if (!known) throw new InputError('unknown party', 'breach_party_invalid');
    const toldAt = moment(form, clock(), { invalid: 'breach_told_invalid', future: 'breach_told_future' });
    if (toldAt.getTime() < breach.discoveredAt.getTime() - 60_000) throw new InputError('told before discovery', 'breach_told_before_discovery');
    const note = field(text(MAX_NOTE), form.note, 'breach_text_too_long', { max: MAX_NOTE });
    await insertBreachNotification(db, { breachId: breach.id, party, toldAt, toldBy: staff.id, note });
  }

  async function close(staff: StaffPrincipal, id: string): Promise<void> {
    const breach = await inTeam(staff, id);
    openOnly(breach);
    await closeOpenBreach(db, staff.teamId, id, clock());
  }

  async function list_(staff: StaffPrincipal) {
    return listTeamBreaches(db, staff.teamId);
  }

  async function get(staff: StaffPrincipal, id: string) {
    const breach = await inTeam(staff, id);
    return { breach, notifications: await listBreachNotifications(db, breach.id) };
  }

  return { create, update, tell, close, list: list_, get, now: clock };
}
export type Breaches = ReturnType<typeof createBreaches>;
