import { instantAt, isoWeekday, localParts, nextDay, type LocalDate } from './local-time.js';

/**
 * Office hours of a team, always in Europe/Amsterdam (the youngster and the
 * coach live there, whatever the server's clock zone). Hours per ISO weekday
 * ('1' = Monday) as [["09:00", "17:00"], ...].
 */
export type WeekdayKey = '1' | '2' | '3' | '4' | '5' | '6' | '7';
export type OfficeHours = Partial<Record<WeekdayKey, [string, string][]>>;

interface LocalTime {
  weekday: WeekdayKey;
  minutes: number; // since local midnight
}

export function localTime(at: Date): LocalTime {
  const p = localParts(at);
  return { weekday: String(p.weekday) as WeekdayKey, minutes: p.minutes };
}

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

export function isOpen(hours: OfficeHours, at: Date): boolean {
  const { weekday, minutes } = localTime(at);
  return (hours[weekday] ?? []).some(([from, to]) => minutes >= toMinutes(from) && minutes < toMinutes(to));
}

export interface Opening {
  /** ISO weekday of the next opening. */
  weekday: WeekdayKey;
  /** "09:00" */
  time: string;
  /** 0 = later today, 1 = tomorrow, ... */
  daysAhead: number;
}

/** The next moment the team opens, looking at most a week ahead; null when the team has no hours at all. */
export function nextOpening(hours: OfficeHours, at: Date): Opening | null {
  const now = localTime(at);
  for (let ahead = 0; ahead <= 7; ahead++) {
    const weekday = String(((Number(now.weekday) - 1 + ahead) % 7) + 1) as WeekdayKey;
    const slots = [...(hours[weekday] ?? [])].sort((a, b) => toMinutes(a[0]) - toMinutes(b[0]));
    for (const [from] of slots) {
      if (ahead > 0 || toMinutes(from) > now.minutes) return { weekday, time: from, daysAhead: ahead };
    }
  }
  return null;
}

/**
 * How many minutes of [from, to) fall inside office hours - the clock that
 * escalation runs on, so a message sent on Friday evening has not "waited"
 * over the weekend. Walks the local calendar days of the interval and
 * intersects each day's slots, each slot turned into real instants: on the
 * days the clocks change a slot is as long as it really is.
 */
export function officeMinutesBetween(hours: OfficeHours, from: Date, to: Date): number {
  if (to.getTime() <= from.getTime()) return 0;
  const start = localParts(from);
  const end = localParts(to);
  const last = dayNumber(end);
  let total = 0;
  for (let day: LocalDate = start; dayNumber(day) <= last; day = nextDay(day)) {
    for (const [open, close] of hours[String(isoWeekday(day)) as WeekdayKey] ?? []) {
      const a = Math.max(instantAt(day, toMinutes(open)).getTime(), from.getTime());
      const b = Math.min(instantAt(day, toMinutes(close)).getTime(), to.getTime());
      if (b > a) total += b - a;
    }
  }
  return total / 60_000;
}

function dayNumber(d: LocalDate): number {
  return Date.UTC(d.year, d.month - 1, d.day) / 86_400_000;
}
