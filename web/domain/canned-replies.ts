import { CANNED_REPLIES, type CannedReply } from '../../templates/replies/index.js';

export type ReplyLanguage = 'nl' | 'en';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Today's date in Amsterdam plus `days`, as YYYY-MM-DD (what <input type=date> speaks). */
export function isoDateInAmsterdam(now: Date, days = 0): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d + days));
  return date.toISOString().slice(0, 10);
}

/** A valid YYYY-MM-DD from the coach, or tomorrow. */
export function pickDate(raw: unknown, now = new Date()): string {
  if (typeof raw === 'string' && ISO_DATE.test(raw)) {
    const d = new Date(`${raw}T12:00:00Z`);
    if (!Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === raw) return raw;
  }
  return isoDateInAmsterdam(now, 1);
}

/** "dinsdag 24 november" / "Tuesday 24 November": how the date reads in the youngster's message. */
export function formatDate(iso: string, lang: ReplyLanguage): string {
  const d = new Date(`${iso}T12:00:00Z`);
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'nl-NL', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long' }).format(d);
}

export function cannedReplies(lang: ReplyLanguage): CannedReply[] {
  return CANNED_REPLIES[lang];
}

/**
 * A canned reply with its variables filled in, or null for an unknown id.
 * The result is plain text: it goes into a textarea (escaped by the view or set with .value), never into markup.
 */
export function fillCannedReply(
  id: string,
  lang: ReplyLanguage,
  vars: { voornaam: string | null; coach: string; datum: string },
): string | null {
  const reply = CANNED_REPLIES[lang].find((r) => r.id === id);
  if (!reply) return null;
  const values: Record<string, string> = {
    voornaam: vars.voornaam ?? '',
    coach: vars.coach,
    datum: formatDate(vars.datum, lang),
  };
  return reply.text
    .replace(/\{(voornaam|coach|datum)\}/g, (_, k: string) => values[k] ?? '')
    .replace(/ {2,}/g, ' ')
    .replace(/ ,/g, ',');
}
