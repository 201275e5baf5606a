import { z } from 'zod';
import { InputError, NotFoundError } from '../../core/errors.js';
import { parseLocalDateTime } from '../../core/local-time.js';
import { minutesOf } from '../../core/slots.js';
import type { Database } from '../../db/client.js';
import { addException, countOwnExceptions, removeOwnException, replaceBlocks, setVisitSettings } from '../../db/queries/availability.js';
import type { StaffPrincipal } from '../../db/queries/staff.js';

/*
 * A staff member's own visiting hours: weekly blocks, exceptions and the travel
 * buffer / minimum notice. Everything is checked before anything is stored; a
 * refusal is an InputError whose code templates/staff says in the user's
 * language. Only the kind of an exception is kept ('off' covers holiday, sick
 * and anything else - the reason is nobody's business, so it is not stored).
 */

export const MAX_BLOCKS_PER_DAY = 6;
export const MAX_OPEN_EXCEPTIONS = 60;
export const BUFFER_RANGE = { min: 0, max: 120 } as const;
export const NOTICE_RANGE = { min: 0, max: 168 } as const;
/** Further ahead than this is more likely a typo in the year than a plan. */
const MAX_AHEAD_MS = 366 * 24 * 3600_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The plain form's fields: b<weekday>_<row>_from / _to, every value a string. */
export type BlocksForm = Record<string, unknown>;
export interface BlockInput {
  weekday: number;
  startsAt: string;
  endsAt: string;
}

const refuse = (code: string, vars: Record<string, string | number> = {}) => new InputError(`availability refused (${code})`, code, 400, vars);

/** Reads and checks the week: 'HH:MM' times, end after start, no overlap within a day. */
export function parseBlocks(form: BlocksForm): BlockInput[] {
  const rows = new Map<string, { weekday: number; from: string; to: string }>();
  for (const [name, value] of Object.entries(form)) {
    const m = /^b([1-7])_(\d{1,2})_(from|to)$/.exec(name);
    if (!m) continue;
    if (typeof value !== 'string') throw refuse('availability_time_invalid', { day: m[1]! });
    const key = `${m[1]}_${m[2]}`;
    const row = rows.get(key) ?? { weekday: Number(m[1]), from: '', to: '' };
    row[m[3] as 'from' | 'to'] = value.trim();
    rows.set(key, row);
  }
  const byDay = new Map<number, BlockInput[]>();
  for (const r of rows.values()) {
    if (r.from === '' && r.to === '') continue; // an emptied row is a removed row
    const s = minutesOf(r.from);
    const e = minutesOf(r.to);
    if (s === null || s === 1440 || e === null) throw refuse('availability_time_invalid', { day: r.weekday });
    if (e <= s) throw refuse('availability_end_before_start', { day: r.weekday });
    const list = byDay.get(r.weekday) ?? [];
    list.push({ weekday: r.weekday, startsAt: r.from, endsAt: r.to });
    byDay.set(r.weekday, list);
  }
  const out: BlockInput[] = [];
  for (const [weekday, list] of [...byDay.entries()].sort((a, b) => a[0] - b[0])) {
    if (list.length > MAX_BLOCKS_PER_DAY) throw refuse('availability_too_many', { day: weekday, max: MAX_BLOCKS_PER_DAY });
    list.sort((a, b) => minutesOf(a.startsAt)! - minutesOf(b.startsAt)!);
    for (let i = 1; i < list.length; i++) {
      if (minutesOf(list[i]!.startsAt)! < minutesOf(list[i - 1]!.endsAt)!) throw refuse('availability_overlap', { day: weekday });
    }
    out.push(...list);
  }
  return out;
}

const wholeNumber = (min: number, max: number, code: string) =>
  z.preprocess((v) => (typeof v === 'string' && /^\s*\d{1,4}\s*$/.test(v) ? Number(v) : v), z.number({ error: code }).int(code).min(min, code).max(max, code));

const settingsSchema = z.object({
  bufferMinutes: wholeNumber(BUFFER_RANGE.min, BUFFER_RANGE.max, 'availability_buffer_invalid'),
  minNoticeHours: wholeNumber(NOTICE_RANGE.min, NOTICE_RANGE.max, 'availability_notice_invalid'),
});

/** 'off_holiday', 'off_sick', 'off_other' are all stored as 'off'; only the form knows the difference. */
export const EXCEPTION_REASONS = ['off_holiday', 'off_sick', 'off_other', 'extra'] as const;

export interface ExceptionForm {
  reason?: unknown;
  fromDate?: unknown;
  fromTime?: unknown;
  toDate?: unknown;
  toTime?: unknown;
}

export function createAvailability(deps: { database: Database; now?: () => Date }) {
  const { db } = deps.database;
  const now = () => deps.now?.() ?? new Date();

  async function saveBlocks(staff: StaffPrincipal, form: BlocksForm): Promise<BlockInput[]> {
    const blocks = parseBlocks(form);
    await db.transaction(async (tx) => replaceBlocks(tx, staff.id, blocks));
    return blocks;
  }

  async function saveSettings(staff: StaffPrincipal, form: Record<string, unknown>) {
    const r = settingsSchema.safeParse(form);
    if (!r.success) {
      const code = r.error.issues[0]?.message ?? 'availability_buffer_invalid';
      throw refuse(code, code === 'availability_notice_invalid' ? NOTICE_RANGE : BUFFER_RANGE);
    }
    await setVisitSettings(db, staff.id, r.data);
    return r.data;
  }

  async function addOwnException(staff: StaffPrincipal, form: ExceptionForm) {
    const reason = EXCEPTION_REASONS.find((k) => k === form.reason);
    if (!reason) throw refuse('availability_exception_kind');
    const startsAt = parseLocalDateTime(form.fromDate, form.fromTime);
    const endsAt = parseLocalDateTime(form.toDate, form.toTime);
    if (!startsAt || !endsAt) throw refuse('availability_exception_date_invalid');
    if (endsAt.getTime() <= startsAt.getTime()) throw refuse('availability_exception_end_before_start');
    const at = now();
    if (endsAt.getTime() <= at.getTime()) throw refuse('availability_exception_past');
    if (startsAt.getTime() - at.getTime() > MAX_AHEAD_MS) throw refuse('availability_exception_too_far');
    return db.transaction(async (tx) => {
      if ((await countOwnExceptions(tx, staff.id, at)) >= MAX_OPEN_EXCEPTIONS) throw refuse('availability_exceptions_too_many', { max: MAX_OPEN_EXCEPTIONS });
      return addException(tx, staff.id, { kind: reason === 'extra' ? 'extra' : 'off', startsAt, endsAt });
    });
  }

  /** Someone else's exception, or none, is "not found": nobody learns another's ids exist. */
  async function removeOwn(staff: StaffPrincipal, exceptionId: string) {
    if (!UUID.test(exceptionId) || !(await removeOwnException(db, staff.id, exceptionId.toLowerCase()))) throw new NotFoundError('exception');
  }

  return { saveBlocks, saveSettings, addOwnException, removeOwn };
}
export type AvailabilityService = ReturnType<typeof createAvailability>;
