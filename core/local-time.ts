/**
 * Wall-clock time in Europe/Amsterdam, whatever the server's own zone: office
 * hours, absence dates and the dates youngsters read all mean Dutch local time.
 * Only Intl is used (no zone database of our own), so DST follows the platform.
 */
export const ZONE = 'Europe/Amsterdam';

/** Only for the zone's offset (offsetMinutes); everything else is plain UTC arithmetic on the shifted instant. */
const partsFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** A calendar day, without a zone. */
export interface LocalDate {
  year: number;
  month: number; // 1-12
  day: number;
}

export interface LocalParts extends LocalDate {
  /** ISO weekday, 1 = Monday. */
  weekday: number;
  /** Minutes since local midnight. */
  minutes: number;
  second: number;
}

export function localParts(at: Date): LocalParts {
  // Shifting the instant by the zone's offset turns the UTC fields into the local ones.
  const local = new Date(at.getTime() + offsetMinutes(at) * 60_000);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    weekday: ((local.getUTCDay() + 6) % 7) + 1,
    minutes: local.getUTCHours() * 60 + local.getUTCMinutes(),
    second: local.getUTCSeconds(),
  };
}

/**
 * Local time minus UTC, in minutes, at this instant (60 in winter, 120 in summer).
 * Amsterdam's clocks change only on a whole UTC hour (01:00 UTC), so the offset is
 * asked of Intl once per UTC hour and kept: every youngster message reads the office
 * hours, and formatToParts was a measurable part of the inbound path's CPU (bench/).
 */
const offsetByHour = new Map<number, number>();
function offsetMinutes(at: Date): number {
  const hour = Math.floor(at.getTime() / 3_600_000);
  let offset = offsetByHour.get(hour);
  if (offset === undefined) {
    // Intl is the one zone database we trust; formatToParts is the costly call.
    const start = new Date(hour * 3_600_000);
    const p = Object.fromEntries(partsFormat.formatToParts(start).map((x) => [x.type, Number(x.value)]));
    offset = Math.round((Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - start.getTime()) / 60_000);
    if (offsetByHour.size > 1000) offsetByHour.clear(); // a long-running process reads mostly the current hour
    offsetByHour.set(hour, offset);
  }
  return offset;
}

/**
 * The instant at which Amsterdam clocks show this day and time. `minutes` may be
 * 1440 (the next midnight). A time skipped by the spring change (02:30 on the
 * last Sunday of March) lands an hour later; a time that occurs twice in
 * autumn resolves to its second occurrence - neither happens within office hours.
 */
export function instantAt(date: LocalDate, minutes: number): Date {
  const naive = Date.UTC(date.year, date.month - 1, date.day, 0, minutes);
  const first = naive - offsetMinutes(new Date(naive)) * 60_000;
  const second = naive - offsetMinutes(new Date(first)) * 60_000;
  return new Date(second);
}

/** The calendar day after this one (plain calendar arithmetic, no zone involved). */
export function nextDay(d: LocalDate): LocalDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + 1));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

export function isoWeekday(d: LocalDate): number {
  return ((new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay() + 6) % 7) + 1;
}

/**
 * "2026-11-27" + "17:00" as typed in a form, read as Amsterdam time. Null for
 * anything that is not a real date and time (31 February, 24:00, garbage).
 */
export function parseLocalDateTime(date: unknown, time: unknown): Date | null {
  if (typeof date !== 'string' || typeof time !== 'string') return null;
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim());
  const t = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time.trim());
  if (!d || !t) return null;
  const local = { year: Number(d[1]), month: Number(d[2]), day: Number(d[3]) };
  const check = new Date(Date.UTC(local.year, local.month - 1, local.day));
  if (check.getUTCFullYear() !== local.year || check.getUTCMonth() + 1 !== local.month || check.getUTCDate() !== local.day) {
    return null;
  }
  return instantAt(local, Number(t[1]) * 60 + Number(t[2]));
}

const dayFormats = {
  nl: new Intl.DateTimeFormat('nl-NL', { timeZone: ZONE, weekday: 'long', day: 'numeric', month: 'long' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, weekday: 'long', day: 'numeric', month: 'long' }),
};

/** "vrijdag 27 november" / "Friday 27 November". */
export function formatDay(lang: 'nl' | 'en', at: Date): string {
  return dayFormats[lang].format(at);
}

/** For form fields: the Amsterdam date ("2026-11-27") and time ("17:00") of an instant. */
export function formatLocalInput(at: Date): { date: string; time: string } {
  const p = localParts(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    date: `${p.year}-${pad(p.month)}-${pad(p.day)}`,
    time: `${pad(Math.floor(p.minutes / 60))}:${pad(p.minutes % 60)}`,
  };
}

/** "dinsdag 8 december, 14:00" / "Tuesday 8 December, 14:00": how a youngster reads a visit's moment. */
export function formatMoment(lang: 'nl' | 'en', at: Date): string {
  return `${formatDay(lang, at)}, ${formatLocalInput(at).time}`;
}
