import { en } from './en.js';
import { nl, type TextKey } from './nl.js';

export type Language = 'nl' | 'en';
export const LANGUAGES: readonly Language[] = ['nl', 'en'];
export type { TextKey };

const catalogues: Record<Language, Record<TextKey, string>> = { nl, en };

export function isLanguage(v: unknown): v is Language {
  return v === 'nl' || v === 'en';
}

/**
 * Looks up a text and fills {placeholders}. Overrides (per municipality, later
 * from the database) win over the built-in catalogue. Unknown placeholders are
 * left visible rather than silently dropped, so a missing variable shows in review.
 */
export function t(
  lang: Language,
  key: TextKey,
  vars: Record<string, string> = {},
  overrides: Partial<Record<TextKey, string>> = {},
): string {
  const template = overrides[key] ?? catalogues[lang][key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole);
}

/** A bound translator for one page render. */
export function translator(lang: Language, vars: Record<string, string> = {}) {
  return (key: TextKey, extra: Record<string, string> = {}) => t(lang, key, { ...vars, ...extra });
}
