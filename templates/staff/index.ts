import { eventLabelsEn, refusalFieldsEn, refusalsEn, staffEn } from './en.js';
import { eventLabelsNl, refusalFieldsNl, refusalsNl, staffNl, type StaffTextKey } from './nl.js';

export type StaffLanguage = 'nl' | 'en';
export const STAFF_LANGUAGES: readonly StaffLanguage[] = ['nl', 'en'];
export type { StaffTextKey };
export type StaffEventType = keyof typeof eventLabelsNl;
export type RefusalCode = keyof typeof refusalsNl;

const catalogues: Record<StaffLanguage, Record<StaffTextKey, string>> = { nl: staffNl, en: staffEn };
export const STAFF_CATALOGUES = catalogues;
export const EVENT_LABELS: Record<StaffLanguage, Record<StaffEventType, string>> = { nl: eventLabelsNl, en: eventLabelsEn };
export const REFUSALS: Record<StaffLanguage, Record<RefusalCode, string>> = { nl: refusalsNl, en: refusalsEn };
const REFUSAL_FIELDS: Record<StaffLanguage, Record<string, string>> = { nl: refusalFieldsNl, en: refusalFieldsEn };

export function isStaffLanguage(v: unknown): v is StaffLanguage {
  return v === 'nl' || v === 'en';
}

/** A staff text with its {placeholders} filled; an unknown placeholder stays visible. */
export function st(lang: StaffLanguage, key: StaffTextKey, vars: Record<string, string | number> = {}): string {
  return catalogues[lang][key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

export function isRefusalCode(code: string): code is RefusalCode {
  return Object.hasOwn(refusalsNl, code);
}

/**
 * Why a request was refused, in the user's language, from the code its error
 * carries (core/errors.ts) and its values: `{field}` is itself a name from the
 * catalogue, `{day}` a weekday key. A code without a text gets `fallback`'s.
 */
export function refusalText(
  lang: StaffLanguage,
  code: string,
  vars: Record<string, string | number> = {},
  fallback: RefusalCode = 'bad_request',
): string {
  const text = REFUSALS[lang][isRefusalCode(code) ? code : fallback];
  const fill = (name: string): string | undefined => {
    const v = vars[name];
    if (v === undefined) return undefined;
    if (name === 'field') return REFUSAL_FIELDS[lang][String(v)] ?? String(v);
    if (name === 'day') return (catalogues[lang] as Record<string, string>)[`team.day.${v}`] ?? String(v);
    return String(v);
  };
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => fill(name) ?? whole);
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
    refusal: (code: string, vars: Record<string, string | number> = {}) => refusalText(lang, code, vars),
  };
}

export type StaffTexts = ReturnType<typeof staffTexts>;
