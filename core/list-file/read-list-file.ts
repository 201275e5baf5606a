import { isBsnHeader, looksLikeBsn } from './bsn.js';
import { ListFileRefused } from './codes.js';
import { assertUsableColumns, headerKey, type ResolvedColumns, resolveColumns, unmappedHeaders } from './columns.js';
import { detectDelimiter, parseRecords, takeSepLine } from './csv.js';
import { decodeListBytes, DEFAULT_MAX_BYTES } from './decode.js';
import { readRow } from './rows.js';
import type { ListFile, ParsedRow, ReadListFileOptions, RowError } from './types.js';
import { cleanText, isCompactDate, parseListDate } from './values.js';

export const DEFAULT_MAX_ROWS = 50_000;

/** The column as Excel labels it (1 -> A, 27 -> AA), for columns without a usable header. */
export function columnLetter(position: number): string {
  let n = position;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

function headersOf(record: readonly string[] | undefined): string[] {
  const headers = (record ?? []).map(cleanText);
  // Excel's trailing delimiter gives the header an empty last cell (or a few); they are no columns.
  while (headers.length > 0 && headers[headers.length - 1] === '') headers.pop();
  return headers;
}

function refuseBsnHeaders(headers: readonly string[]): void {
  const i = headers.findIndex((h) => isBsnHeader(headerKey(h)));
  if (i >= 0) {
    throw new ListFileRefused('bsn_column', { column: headers[i]!, position: i + 1 }, `List file has a BSN column (column ${i + 1})`);
  }
}

/**
 * Any cell of any column (the header row too: a file without a header row
 * starts with data) that is written like a BSN and passes the 11-test. The
 * refusal names the column, never the value.
 */
function refuseBsnValues(records: readonly string[][], headers: readonly string[], columns: ResolvedColumns): void {
  const dateColumns = new Set([columns.indexes.birthDate, columns.indexes.inflowDate].filter((i) => i !== undefined));
  for (const cells of records) {
    for (let j = 0; j < cells.length; j++) {
      const cell = cells[j]!;
      // Cheap filter first: this loop sees every cell of the file.
      if (cell.length < 8 || cell.length > 12) continue;
      // A date column written ddmmyyyy is 8 digits, and about one date in eleven passes the 11-test by
      // chance; a real date there is a birth or inflow date, not a BSN, so it must not refuse the file.
      if (dateColumns.has(j) && isCompactDate(cell)) continue;
      if (!looksLikeBsn(cell)) continue;
      const header = headers[j] ?? '';
      // A header that is itself a number came from a data row: naming it would show the value.
      const column = header === '' || /\d{5,}/.test(header.replace(/[\s.'-]/g, '')) ? columnLetter(j + 1) : header;
      throw new ListFileRefused('bsn_values', { column, position: j + 1 }, `List file has BSN-like values in column ${j + 1}`);
    }
  }
}

/**
 * Reads a municipality's list (CSV bytes as uploaded) into checked rows. Pure:
 * no database, no clock (ages are taken on opts.listDate). Throws
 * ListFileRefused when nothing of the file may be imported; row problems are
 * returned in `errors`.
 */
export function readListFile(bytes: Uint8Array, opts: ReadListFileOptions): ListFile {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(opts.listDate) || !parseListDate(opts.listDate).ok) {
    throw new TypeError(`listDate must be a real date as YYYY-MM-DD, got ${JSON.stringify(opts.listDate)}`);
  }
  const maxRows = opts.maxRows ?? DEFAULT_MAX_ROWS;
  const { text, encoding } = decodeListBytes(bytes, opts.maxBytes ?? DEFAULT_MAX_BYTES);
  const sep = takeSepLine(text);
  if (sep.text.replace(/[\s;,"]/g, '') === '') throw new ListFileRefused('file_empty', {}, 'List file is empty');
  const delimiter = sep.delimiter ?? detectDelimiter(sep.text);
  const records = parseRecords(sep.text, delimiter);
  const headers = headersOf(records[0]);
  // BSNs before anything else: whatever else is wrong with the file, that is what the coordinator
  // must hear (and tell the municipality). The values check needs the date columns, so the mapping.
  refuseBsnHeaders(headers);
  const columns = resolveColumns(headers, opts.mapping);
  refuseBsnValues(records, headers, columns);
  try {
    assertUsableColumns(columns);
  } catch (err) {
    if (err instanceof ListFileRefused) err.columns = { encoding, delimiter, headers, mapping: columns.mapping };
    throw err;
  }

  const data: { row: number; cells: string[] }[] = [];
  for (let i = 1; i < records.length; i++) {
    const cells = records[i]!;
    if (cells.every((c) => c === '')) continue; // an empty line, or one of only delimiters
    data.push({ row: i + 1, cells });
  }
  if (data.length > maxRows) {
    throw new ListFileRefused('too_many_rows', { max: maxRows }, `List file has ${data.length} rows, over the limit of ${maxRows}`);
  }
  if (data.length === 0) throw new ListFileRefused('file_empty', {}, 'List file has a header but no rows');

  const rows: ParsedRow[] = [];
  const duplicates: number[] = [];
  const errors: RowError[] = [];
  const rejectedRows: ListFile['rejectedRows'] = [];
  const seen = new Set<string>();
  const expected = headers.length;
  for (const { row, cells } of data) {
    // Extra empty cells at the end are Excel's trailing delimiter, not a shifted row.
    let found = cells.length;
    while (found > expected && cells[found - 1] === '') found--;
    if (found !== expected) {
      errors.push({ row, field: 'row', code: 'wrong_column_count', vars: { found, expected } });
      rejectedRows.push({ row, cells });
      continue;
    }
    const result = readRow(cells.slice(0, expected), row, columns.indexes, opts.listDate);
    if (!result.ok) {
      errors.push(...result.errors);
      rejectedRows.push({ row, cells });
    } else if (seen.has(result.row.matchKey)) {
      duplicates.push(row);
    } else {
      seen.add(result.row.matchKey);
      rows.push(result.row);
    }
  }

  return {
    encoding,
    delimiter,
    headers,
    mapping: columns.mapping,
    unmappedHeaders: unmappedHeaders(headers, columns.indexes),
    rows,
    duplicates,
    errors,
    totalRows: data.length,
    rejectedRows,
  };
}
