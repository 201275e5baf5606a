/**
 * Reading a municipality's monthly list of young people (CSV) into checked
 * rows, without a database. The import service (db/, web/) stores the rows;
 * the texts for every code are in templates/staff/list-import.ts.
 */
export { isBsnShaped, looksLikeBsn, passesElevenTest } from './bsn.js';
export {
  LIST_FILE_CODES,
  LIST_FILE_REFUSAL_CODES,
  LIST_ROW_ERROR_CODES,
  ListFileRefused,
  type ListFileCode,
  type ListFileRefusalCode,
  type ListRowErrorCode,
} from './codes.js';
export { HEADER_SYNONYMS, headerKey } from './columns.js';
export { DEFAULT_MAX_BYTES, MAX_LIST_BYTES } from './decode.js';
export { matchKeyOf, normaliseName } from './names.js';
export { DEFAULT_MAX_ROWS, readListFile } from './read-list-file.js';
export { neutraliseCell, rejectedRowsCsv } from './rejected-csv.js';
export { MAX_AGE, MAX_TEXT_LENGTH, MIN_AGE } from './rows.js';
export { LIST_FIELDS, type ColumnMapping, type ListField, type ListFile, type ParsedRow, type ReadListFileOptions, type RowError } from './types.js';
export { normalisePostcode, parseListDate, parseYesNo } from './values.js';
