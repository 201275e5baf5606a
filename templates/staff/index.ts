import { domainMessagesEn, eventLabelsEn, staffEn } from './en.js';
import { eventLabelsNl, staffNl, type StaffTextKey } from './nl.js';

export type StaffLanguage = 'nl' | 'en';
export const STAFF_LANGUAGES: readonly StaffLanguage[] = ['nl', 'en'];
export type { StaffTextKey };
export type StaffEventType = keyof typeof eventLabelsNl;

const catalogues: Record<StaffLanguage, Record<StaffTextKey, string>> = { nl: staffNl, en: staffEn };
export const STAFF_CATALOGUES = catalogues;
export const EVENT_LABELS: Record<StaffLanguage, Record<StaffEventType, string>> = { nl: eventLabelsNl, en: eventLabelsEn };
export { domainMessagesEn };

export function isStaffLanguage(v: unknown): v is StaffLanguage {
  return v === 'nl' || v === 'en';
}

/** A staff text with its {placeholders} filled; an unknown placeholder stays visible. */
export function st(lang: StaffLanguage, key: StaffTextKey, vars: Record<string, string | number> = {}): string {
  return catalogues[lang][key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** A Dutch message from the domain layer in the user's language (unknown ones stay Dutch). */
export function domainMessage(lang: StaffLanguage, dutch: string): string {
  return lang === 'en' ? (domainMessagesEn[dutch] ?? dutch) : dutch;
}

/** The plain name of an anonymous event type (the code itself for a type we do not know). */
export function eventLabel(lang: StaffLanguage, type: string): string {
  return (EVENT_LABELS[lang] as Record<string, string>)[type] ?? type;
}

const LOCALES: Record<StaffLanguage, string> = { nl: 'nl-NL', en: 'en-GB' };
const ZONE = 'Europe/Amsterdam';

/** Everything a staff page needs for one render: the texts, the language and its date formats. */
export function staffTexts(lang: StaffLanguage) {
  const locale = LOCALES[lang];
  const short = new Intl.DateTimeFormat(locale, { timeZone: ZONE, dateStyle: 'short', timeStyle: 'short' });
  const long = new Intl.DateTimeFormat(locale, {
    timeZone: ZONE,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
  const medium = new Intl.DateTimeFormat(locale, { timeZone: ZONE, day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' });
  const audit = new Intl.DateTimeFormat(locale, { timeZone: ZONE, day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
  return {
    lang,
    locale,
    t: (key: StaffTextKey, vars: Record<string, string | number> = {}) => st(lang, key, vars),
    /** Short date and time ("23-11-2026 18:05" / "23/11/2026, 18:05"). */
    when: (d: Date) => short.format(d),
    /** Long: "maandag 23 november 2026 om 17:00" / "Monday 23 November 2026 at 17:00". */
    longWhen: (d: Date) => long.format(d),
    /** "23 november 2026 om 17:00" / "23 November 2026 at 17:00". */
    dateTime: (d: Date) => medium.format(d),
    auditWhen: (d: Date) => audit.format(d),
    event: (type: string) => eventLabel(lang, type),
    message: (dutch: string) => domainMessage(lang, dutch),
  };
}

export type StaffTexts = ReturnType<typeof staffTexts>;
