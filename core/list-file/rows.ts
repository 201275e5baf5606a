import type { ColumnIndexes } from './columns.js';
import { matchKeyOf } from './names.js';
import type { ListField, ParsedRow, RowError } from './types.js';
import { ageOn, cleanText, normalisePostcode, parseListDate, parseYesNo } from './values.js';

export const MIN_AGE = 16;
export const MAX_AGE = 27;
/** Longer than any real name, street or place; keeps a pasted text blob out of the database. */
export const MAX_TEXT_LENGTH = 200;

export type RowResult = { ok: true; row: ParsedRow } | { ok: false; errors: RowError[] };

/**
 * Checks one data row whose cell count already fits the header. Every
 * problem of the row is reported (the coordinator fixes them in one go).
 */
export function readRow(cells: readonly string[], row: number, columns: ColumnIndexes, listDate: string): RowResult {
  const errors: RowError[] = [];
  const fail = (field: ListField, code: RowError['code'], vars?: RowError['vars']) =>
    errors.push(vars ? { row, field, code, vars } : { row, field, code });

  const text = (field: ListField): string => {
    const i = columns[field];
    const value = i === undefined ? '' : cleanText(cells[i] ?? '');
    if (value.length > MAX_TEXT_LENGTH) fail(field, 'value_too_long', { max: MAX_TEXT_LENGTH });
    return value;
  };
  const optional = (field: ListField): string | null => text(field) || null;
  const required = (field: ListField, missing: RowError['code']): string => {
    const value = text(field);
    if (value === '') fail(field, missing);
    return value;
  };
  const date = (field: ListField, value: string): string | null => {
    if (value === '') return null;
    const parsed = parseListDate(value);
    if (parsed.ok) return parsed.iso;
    fail(field, parsed.code);
    return null;
  };
  const flag = (field: ListField): boolean => {
    const value = parseYesNo(text(field));
    if (value === undefined) fail(field, 'invalid_yes_no');
    return value ?? false;
  };

  const firstName = required('firstName', 'missing_first_name');
  const namePrefix = optional('namePrefix');
  const lastName = required('lastName', 'missing_last_name');
  const birthDate = date('birthDate', required('birthDate', 'missing_birth_date'));
  let age = 0;
  if (birthDate) {
    age = ageOn(birthDate, listDate);
    if (age < MIN_AGE || age > MAX_AGE) fail('birthDate', 'age_out_of_range', { age, min: MIN_AGE, max: MAX_AGE });
  }
  const street = optional('street');
  const houseNumber = optional('houseNumber');
  const rawPostcode = required('postcode', 'missing_postcode');
  const postcode = rawPostcode === '' ? undefined : normalisePostcode(rawPostcode);
  if (rawPostcode !== '' && postcode === undefined) fail('postcode', 'invalid_postcode');
  const city = optional('city');
  const municipality = required('municipality', 'missing_municipality');
  const inflowDate = date('inflowDate', text('inflowDate'));
  const newInflow = flag('newInflow');
  const kvk = flag('kvk');
  const knownToMunicipality = flag('knownToMunicipality');

  if (errors.length > 0 || !birthDate || !postcode) return { ok: false, errors };
  const parsed: Omit<ParsedRow, 'matchKey' | 'cells'> = {
    row,
    firstName,
    namePrefix,
    lastName,
    birthDate,
    age,
    street,
    houseNumber,
    postcode,
    city,
    municipality,
    inflowDate,
    newInflow,
    kvk,
    knownToMunicipality,
  };
  return { ok: true, row: { ...parsed, matchKey: matchKeyOf(parsed), cells: [...cells] } };
}
