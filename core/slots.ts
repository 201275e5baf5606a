import { instantAt, isoWeekday, localParts, nextDay, type LocalDate } from './local-time.js';

/**
 * The slot engine: which moments a youngster may book, from the casemanagers'
 * weekly blocks, exceptions and existing visits. Pure (no database), so the
 * chat, the booking and the benchmark all ask the same rules; db/queries/
 * slot-search.ts loads the input. Times of day are Europe/Amsterdam wall clock
 * (core/local-time.ts, Intl-based), so a 09:00 block stays 09:00 across DST.
 *
 * Rules, per staff member of a slot:
 * - the visit [start, start + duration) lies inside one of their weekly blocks
 *   or an 'extra' exception (adjacent or overlapping windows count as one);
 * - the visit's busy range [start, end + buffer) - buffer only for visits that
 *   need travel (home, walk) - overlaps no 'off' exception and no busy range
 *   of an existing visit (those already include the buffer after them);
 * - start >= now + their minimum notice.
 * Starts lie on the step grid of LOCAL time (every 30 minutes from local
 * midnight): a local time the spring change skips (02:30) is no start, and the
 * repeated autumn hour gives each wall-clock time once (its second occurrence,
 * as instantAt resolves it) - never two slots with the same label.
 *
 * One slot per moment, not one per free colleague: the youngster picks a time;
 * who goes is chosen here (the preferred staff member when free, else the
 * least booked colleague in the window, then by id - deterministic).
 *
 * Preferred staff (the youngster's own casemanager): when they have at least one
 * slot in the window (from the paging bound `after` on), ONLY their slots are
 * returned - continuity of the one person the youngster knows matters more than
 * an earlier moment with a stranger. Otherwise the whole team's slots. For a
 * two-person visit the preferred one is then always one of the pair.
 */

export interface WeeklyBlock {
  /** ISO weekday, 1 = Monday. */
  weekday: number;
  /** 'HH:MM', Amsterdam wall clock; endsAt after startsAt ('24:00' allowed as the end of the day). */
  startsAt: string;
  endsAt: string;
}

export interface AvailabilityException {
  kind: 'off' | 'extra';
  startsAt: Date;
  endsAt: Date;
}

/** Half-open [start, end). */
export interface TimeRange {
  start: Date;
  end: Date;
}

export interface SlotCandidate {
  id: string;
  blocks: WeeklyBlock[];
  exceptions: AvailabilityException[];
  /** Active visit_staff ranges (visit + the buffer after it). */
  busy: TimeRange[];
  bufferMinutes: number;
  minNoticeHours: number;
}

export interface SlotInput {
  staff: SlotCandidate[];
  durationMinutes: number;
  /** Home and walk visits: each staff member's buffer follows the visit. Office, phone, video: none. */
  needsTravel: boolean;
  /** 2 = the two-person rule: both free for the whole visit + buffer; the slot names the pair. */
  staffPerVisit: 1 | 2;
  now: Date;
  /** Window for start times: from (default now) inclusive, until exclusive. */
  from?: Date;
  until: Date;
  /** Paging ("een ander moment"): only starts strictly after this moment. */
  after?: Date;
  /** Grid in minutes from local midnight; must divide 1440. Default 30. */
  stepMinutes?: number;
  limit: number;
  preferredStaffId: string | null;
}

export interface Slot {
  startsAt: Date;
  endsAt: Date;
  staffIds: string[];
}

const MINUTE = 60_000;

/** The busy range a booking of this slot inserts into visit_staff (per staff member: their own buffer). */
export function busyRangeOf(slot: Pick<Slot, 'startsAt' | 'endsAt'>, bufferMinutes: number, needsTravel: boolean): TimeRange {
  return { start: slot.startsAt, end: new Date(slot.endsAt.getTime() + (needsTravel ? bufferMinutes : 0) * MINUTE) };
}

/** Whether a visit type needs travel (so the buffer after it applies). */
export function needsTravelFor(type: string): boolean {
  return type === 'home' || type === 'walk';
}

/** 'HH:MM' -> minutes since midnight; null when not a time ('24:00' is the end of the day). */
export function minutesOf(hhmm: string): number | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (m) return Number(m[1]) * 60 + Number(m[2]);
  return hhmm === '24:00' ? 1440 : null;
}

type Interval = [number, number]; // epoch ms, half-open

/** Sorted, disjoint union (touching intervals join). */
function union(list: Interval[]): Interval[] {
  const sorted = list.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: Interval[] = [];
  for (const [a, b] of sorted) {
    const last = out.at(-1);
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** Index of the last interval starting at or before t (-1 if none); `list` sorted by start. */
function lastStartingBy(list: Interval[], t: number): number {
  let lo = 0;
  let hi = list.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]![0] <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

interface Prepared {
  id: string;
  open: Interval[];
  blocked: Interval[];
  bufferMs: number;
  earliest: number;
  load: number;
}

function localDaysFrom(first: Date, until: number): LocalDate[] {
  const p = localParts(first);
  const days: LocalDate[] = [];
  for (let d: LocalDate = { year: p.year, month: p.month, day: p.day }; instantAt(d, 0).getTime() < until; d = nextDay(d)) days.push(d);
  return days;
}

function prepare(c: SlotCandidate, days: LocalDate[], input: SlotInput, lo: number, hi: number): Prepared {
  const open: Interval[] = [];
  for (const day of days) {
    const weekday = isoWeekday(day);
    for (const b of c.blocks) {
      if (b.weekday !== weekday) continue;
      const s = minutesOf(b.startsAt);
      const e = minutesOf(b.endsAt);
      if (s === null || e === null || e <= s) continue;
      open.push([instantAt(day, s).getTime(), instantAt(day, e).getTime()]);
    }
  }
  const blocked: Interval[] = c.busy.map((r) => [r.start.getTime(), r.end.getTime()]);
  for (const x of c.exceptions) {
    (x.kind === 'extra' ? open : blocked).push([x.startsAt.getTime(), x.endsAt.getTime()]);
  }
  const bufferMs = (input.needsTravel ? c.bufferMinutes : 0) * MINUTE;
  // Load = how many busy ranges fall in the window: the least booked colleague gets a shared moment.
  const load = c.busy.filter((r) => r.end.getTime() > lo && r.start.getTime() < hi).length;
  return { id: c.id, open: union(open), blocked: union(blocked), bufferMs, earliest: input.now.getTime() + c.minNoticeHours * 3_600_000, load };
}

function isFree(p: Prepared, start: number, end: number): boolean {
  if (start < p.earliest) return false;
  const w = lastStartingBy(p.open, start);
  if (w < 0 || p.open[w]![1] < end) return false;
  const busyEnd = end + p.bufferMs;
  const b = lastStartingBy(p.blocked, busyEnd - 1);
  return b < 0 || p.blocked[b]![1] <= start;
}

/** The candidate starts in order: the local step grid, skipping local times that do not exist. */
function* grid(days: LocalDate[], stepMinutes: number, lo: number, hi: number): Generator<number> {
  for (const day of days) {
    for (let m = 0; m < 1440; m += stepMinutes) {
      const at = instantAt(day, m);
      const t = at.getTime();
      if (t < lo) continue;
      if (t >= hi) return;
      const p = localParts(at);
      // 02:30 on the spring night resolves to 03:30: not a real local 02:30, so no slot.
      if (p.minutes !== m || p.day !== day.day) continue;
      yield t;
    }
  }
}

function search(staff: Prepared[], input: SlotInput, must: Prepared | null, days: LocalDate[], step: number, lo: number, hi: number): Slot[] {
  const durationMs = input.durationMinutes * MINUTE;
  const ordered = [...staff].sort((a, b) => a.load - b.load || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const out: Slot[] = [];
  for (const start of grid(days, step, lo, hi)) {
    const end = start + durationMs;
    if (must && !isFree(must, start, end)) continue;
    const team: string[] = must ? [must.id] : [];
    for (const p of ordered) {
      if (team.length >= input.staffPerVisit) break;
      if (p !== must && isFree(p, start, end)) team.push(p.id);
    }
    if (team.length < input.staffPerVisit) continue;
    out.push({ startsAt: new Date(start), endsAt: new Date(end), staffIds: team });
    if (out.length >= input.limit) break;
  }
  return out;
}

export function computeSlots(input: SlotInput): Slot[] {
  const step = input.stepMinutes ?? 30;
  if (step <= 0 || 1440 % step !== 0) throw new RangeError('stepMinutes must divide a day');
  if (input.limit <= 0 || input.durationMinutes <= 0 || input.staff.length < input.staffPerVisit) return [];
  const lo = Math.max(input.from?.getTime() ?? input.now.getTime(), input.now.getTime(), (input.after?.getTime() ?? -Infinity) + 1);
  const hi = input.until.getTime();
  if (hi <= lo) return [];
  // Extra-hour exceptions and blocks are materialised per local day in the window (plus the visit's length past it).
  const days = localDaysFrom(new Date(lo), hi + input.durationMinutes * MINUTE);
  const prepared = input.staff.map((c) => prepare(c, days, input, lo, hi));
  const preferred = prepared.find((p) => p.id === input.preferredStaffId) ?? null;
  if (preferred) {
    const own = search(prepared, input, preferred, days, step, lo, hi);
    if (own.length > 0) return own;
  }
  return search(prepared, input, null, days, step, lo, hi);
}
