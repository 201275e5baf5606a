/** Reading single cells: text, dates, ages, yes/no and postcodes. */

// C0/C1 controls. Tab and line breaks (possible inside a quoted cell) become a space, the rest goes.
const LINE_CONTROLS = /[\t\n\r\u2028\u2029]/g;
const CONTROLS = /[\u0000-\u001F\u007F-\u009F]/g;
// Zero-width characters, the soft hyphen and bidi controls: invisible in a name, yet they make two
// equal-looking names differ, and bidi controls can reorder what staff see around them.
const INVISIBLE = /[\u00AD\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\u061C\uFEFF]/g;

// Nearly every cell is plain printable ASCII, which has nothing to clean; this test is cheap.
const PLAIN = /^[\x20-\x7E]*$/;

/**
 * A cell as we store it: the text as written (HTML and all - it is escaped
 * where it is shown), only made well-formed, NFC, without invisible
 * characters and trimmed.
 */
export function cleanText(raw: string): string {
  if (PLAIN.test(raw)) return raw.trim();
  return raw.toWellFormed().normalize('NFC').replace(LINE_CONTROLS, ' ').replace(CONTROLS, '').replace(INVISIBLE, '').trim();
}

export type DateResult = { ok: true; iso: string } | { ok: false; code: 'invalid_date' | 'impossible_date' };

// Excel sometimes adds a midnight time when a column was formatted as date-time.
const MIDNIGHT = /\s+0?0:00(:00)?$/;
const DAY_FIRST = /^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})$/;
const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const COMPACT = /^(\d{2})(\d{2})(\d{4})$/;

function isoOf(year: number, month: number, day: number): DateResult {
  const d = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || month > 12 || day < 1 || d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) {
    return { ok: false, code: 'impossible_date' };
  }
  return { ok: true, iso: `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` };
}

/**
 * A date as Dutch lists write it: dd-mm-yyyy (also d-m-yyyy, with / or .),
 * ddmmyyyy, or ISO yyyy-mm-dd. Two-digit years are refused: 01-10-03 could
 * be 1903 or 2003.
 */
export function parseListDate(cell: string): DateResult {
  const s = cell.trim().replace(MIDNIGHT, '');
  let m = DAY_FIRST.exec(s);
  if (m) return isoOf(Number(m[4]), Number(m[3]), Number(m[1]));
  m = COMPACT.exec(s);
  if (m) return isoOf(Number(m[3]), Number(m[2]), Number(m[1]));
  m = ISO.exec(s);
  if (m) return isoOf(Number(m[1]), Number(m[2]), Number(m[3]));
  return { ok: false, code: 'invalid_date' };
}

/** ddmmyyyy that is a real date in a plausible year. */
export function isCompactDate(cell: string): boolean {
  const m = COMPACT.exec(cell.trim());
  if (!m) return false;
  const year = Number(m[3]);
  return year >= 1900 && year <= 2100 && isoOf(year, Number(m[2]), Number(m[1])).ok;
}

/** Whole years between two ISO dates: the age on `on` of someone born on `born`. */
export function ageOn(born: string, on: string): number {
  const [by, bm, bd] = born.split('-').map(Number) as [number, number, number];
  const [oy, om, od] = on.split('-').map(Number) as [number, number, number];
  let age = oy - by;
  if (om < bm || (om === bm && od < bd)) age--;
  return age;
}

// WAAR/ONWAAR is what Dutch Excel writes for TRUE/FALSE.
const YES = new Set(['ja', 'j', '1', 'yes', 'y', 'true', 'waar']);
const NO = new Set(['nee', 'n', '0', 'no', 'false', 'onwaar', '']);

/** ja/nee and friends, any case; an empty cell is no. Undefined when it is neither. */
export function parseYesNo(cell: string): boolean | undefined {
  const s = cell.trim().toLowerCase();
  if (YES.has(s)) return true;
  if (NO.has(s)) return false;
  return undefined;
}

const DUTCH_POSTCODE = /^([1-9]\d{3})\s*([a-zA-Z]{2})$/;

/** A Dutch postcode as '1234 AB', or undefined for anything else. */
export function normalisePostcode(cell: string): string | undefined {
  const m = DUTCH_POSTCODE.exec(cell.trim());
  return m ? `${m[1]} ${m[2]!.toUpperCase()}` : undefined;
}
