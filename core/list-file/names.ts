/** Comparing names across lists: the same person written a little differently is still the same person. */

const COMBINING_MARKS = /\p{M}/gu;

// Letters that carry their mark in the letter itself, so stripping combining marks leaves them as they are.
const FOLDS: Record<string, string> = {
  ı: 'i',
  ł: 'l',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  ħ: 'h',
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  þ: 'th',
};
const FOLDABLE = new RegExp(`[${Object.keys(FOLDS).join('')}]`, 'g');

// Typographic apostrophes (Word and Excel autocorrect) against the plain one: d'Hondt = d’Hondt.
const APOSTROPHES = /[\u2018\u2019\u201B\u02BC\u0060\u00B4]/g;
// Hyphens and dashes of every kind, and whitespace: Jan-Willem = Jan Willem = "jan  willem".
const SEPARATORS = /[\s\-\u2010-\u2015\u2212_]+/g;

/**
 * For matching only (never for display): NFKC, diacritics stripped, lower
 * case, spaces and hyphens collapsed to one space. Also folds letters with a
 * built-in mark (ı, ø, ł): a Windows-1252 export writes Yılmaz as Yilmaz.
 */
export function normaliseName(s: string): string {
  return s
    .toWellFormed()
    .normalize('NFKC')
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .toLowerCase()
    .replace(FOLDABLE, (c) => FOLDS[c] ?? c)
    .replace(APOSTROPHES, "'")
    .replace(SEPARATORS, ' ')
    .trim();
}

/** The same person on next month's list gets the same key. '|' in a name cannot shift the parts. */
export function matchKeyOf(p: { firstName: string; namePrefix: string | null; lastName: string; birthDate: string; postcode: string }): string {
  const part = (s: string) => normaliseName(s).replaceAll('|', '/');
  return [part(p.firstName), part(p.namePrefix ?? ''), part(p.lastName), p.birthDate, p.postcode].join('|');
}
