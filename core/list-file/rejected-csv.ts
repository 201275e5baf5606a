import { stringify } from 'csv-stringify/sync';
import type { ListFile, RowError } from './types.js';

const ERROR_HEADER: Record<'nl' | 'en', string> = { nl: 'fout', en: 'error' };

// What spreadsheet programs take as the start of a formula (or, for tab and CR, hide in front of one).
const FORMULA_START = /^[=+\-@\t\r\n]/;

/**
 * A cell that Excel or LibreOffice shows as text, never runs: a leading '
 * for anything that could start a formula (=HYPERLINK(...) in a name would
 * otherwise be a link on the coordinator's screen).
 */
export function neutraliseCell(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/**
 * The rejected rows as a CSV the coordinator can open in Excel, fix and
 * import again: the file's own columns with the reason in front. The reason
 * comes first so it stays under its header even in a row with too many or too
 * few cells. UTF-8 with a BOM (without one Excel reads it as Windows-1252),
 * CRLF line ends, the file's own delimiter (Dutch Excel splits on ;).
 */
export function rejectedRowsCsv(
  file: Pick<ListFile, 'headers' | 'delimiter' | 'rejectedRows' | 'errors'>,
  lang: 'nl' | 'en',
  describe: (e: RowError) => string,
): string {
  const byRow = new Map<number, RowError[]>();
  for (const e of file.errors) {
    const list = byRow.get(e.row);
    if (list) list.push(e);
    else byRow.set(e.row, [e]);
  }
  const records = [
    [ERROR_HEADER[lang], ...file.headers],
    ...file.rejectedRows.map(({ row, cells }) => [(byRow.get(row) ?? []).map(describe).join(' '), ...cells]),
  ].map((cells) => cells.map(neutraliseCell));
  return `\uFEFF${stringify(records, { delimiter: file.delimiter, record_delimiter: '\r\n' })}`;
}
