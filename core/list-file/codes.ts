import { InputError, type RefusalVars } from '../errors.js';

/**
 * Every reason a list file or one of its rows is refused. The texts a person
 * reads are in templates/staff/list-import.ts under the same codes (a unit
 * test keeps the two lists equal; core may not import templates).
 */
export const LIST_FILE_REFUSAL_CODES = [
  'file_too_large',
  'file_unreadable',
  'csv_malformed',
  'file_empty',
  'too_many_rows',
  'bsn_column',
  'bsn_values',
  'no_name_columns',
  'no_birth_date_column',
  'no_municipality_column',
  'no_postcode_column',
  'mapping_unknown_header',
] as const;

export const LIST_ROW_ERROR_CODES = [
  'missing_first_name',
  'missing_last_name',
  'missing_birth_date',
  'invalid_date',
  'impossible_date',
  'age_out_of_range',
  'missing_postcode',
  'invalid_postcode',
  'missing_municipality',
  'invalid_yes_no',
  'value_too_long',
  'wrong_column_count',
  // Decided by the import service (it knows the team), not by the file reader.
  'municipality_not_served',
] as const;

export type ListFileRefusalCode = (typeof LIST_FILE_REFUSAL_CODES)[number];
export type ListRowErrorCode = (typeof LIST_ROW_ERROR_CODES)[number];
export type ListFileCode = ListFileRefusalCode | ListRowErrorCode;

export const LIST_FILE_CODES: readonly ListFileCode[] = [...LIST_FILE_REFUSAL_CODES, ...LIST_ROW_ERROR_CODES];

/**
 * The whole file is refused: nothing of it may be imported. 422 because the
 * upload itself arrived fine; its content is what we cannot take. The message
 * and vars name columns at most, never a cell's value (a refused file may hold
 * BSNs, and errors reach the logs).
 */
export class ListFileRefused extends InputError {
  override name = 'ListFileRefused';
  declare readonly code: ListFileRefusalCode;
  /**
   * For a refusal a column mapping can mend (a name, birth-date, municipality or postcode column
   * not recognised, a mapped header not in the file): the file's headers, so the preview can
   * offer the mapping instead of sending the coordinator back. Header texts only, no cell.
   * (`mapping` is a ColumnMapping; spelled out because types.ts imports this file.)
   */
  columns?: { encoding: 'utf-8' | 'windows-1252'; delimiter: ';' | ','; headers: string[]; mapping: Partial<Record<string, string>> };
  constructor(code: ListFileRefusalCode, vars: RefusalVars = {}, message = `List file refused: ${code}`) {
    super(message, code, 422, vars);
  }
}
