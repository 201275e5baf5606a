import type { ListFileCode } from './codes.js';

/** What a municipality's list can tell us about one young person. */
export type ListField =
  | 'lastName'
  | 'namePrefix'
  | 'firstName'
  | 'birthDate'
  | 'street'
  | 'houseNumber'
  | 'postcode'
  | 'city'
  | 'municipality'
  | 'inflowDate'
  | 'newInflow'
  | 'kvk'
  | 'knownToMunicipality';

export const LIST_FIELDS: readonly ListField[] = [
  'lastName',
  'namePrefix',
  'firstName',
  'birthDate',
  'street',
  'houseNumber',
  'postcode',
  'city',
  'municipality',
  'inflowDate',
  'newInflow',
  'kvk',
  'knownToMunicipality',
];

/**
 * Field -> header text as in the file. In a caller's mapping an empty string
 * means "this file has no such column" (so a wrongly detected optional column
 * can be switched off); a field left out is detected.
 */
export type ColumnMapping = Partial<Record<ListField, string>>;

export interface ParsedRow {
  /** The row number as the coordinator sees it in Excel: header is row 1, first data row is 2. */
  row: number;
  firstName: string;
  namePrefix: string | null;
  lastName: string;
  /** 'YYYY-MM-DD' */
  birthDate: string;
  /** Whole years on the list date. */
  age: number;
  street: string | null;
  houseNumber: string | null;
  /** Normalised '1234 AB'. */
  postcode: string;
  city: string | null;
  /** As written (trimmed); the service checks it against the team's. */
  municipality: string;
  /** 'YYYY-MM-DD' */
  inflowDate: string | null;
  newInflow: boolean;
  kvk: boolean;
  knownToMunicipality: boolean;
  /** Normalised first|prefix|last|birthDate|postcode: the same person on next month's list gets the same key. */
  matchKey: string;
  /** The row's cells as in the file: a row the import service refuses (another team's municipality) is downloadable as it came. */
  cells: string[];
}

export interface RowError {
  row: number;
  field: ListField | 'row';
  code: ListFileCode;
  vars?: Record<string, string | number>;
}

export interface ListFile {
  encoding: 'utf-8' | 'windows-1252';
  delimiter: ';' | ',';
  /** As in the file, trimmed (trailing empty header cells left out). */
  headers: string[];
  /** What was used: detected, with the caller's overrides applied. */
  mapping: ColumnMapping;
  unmappedHeaders: string[];
  /** Valid rows, first occurrence of each person. */
  rows: ParsedRow[];
  /** Row numbers skipped as a repeat of an earlier row in the same file (same matchKey) - not errors. */
  duplicates: number[];
  /** Rejected rows (a row may have several errors; each rejected row's number appears at least once). */
  errors: RowError[];
  /** Data rows read (not counting empty rows). */
  totalRows: number;
  /** The raw cells of rejected rows, for the downloadable CSV. */
  rejectedRows: { row: number; cells: string[] }[];
}

export interface ReadListFileOptions {
  /** 'YYYY-MM-DD', first day of the list month; ages are taken on it. */
  listDate: string;
  mapping?: ColumnMapping;
  /** Default 5 MiB. */
  maxBytes?: number;
  /** Default 50 000. */
  maxRows?: number;
}
