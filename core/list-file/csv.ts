import { CsvError } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import { ListFileRefused } from './codes.js';

export type Delimiter = ';' | ',';

/**
 * The delimiter is whichever of ; and , occurs more often in the header line
 * (outside quotes). Dutch Excel writes ;, most other tools ,; a tie goes to ;.
 * Only the header is looked at: names and addresses in the rows may hold commas.
 */
export function detectDelimiter(text: string): Delimiter {
  let semicolons = 0;
  let commas = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted; // a doubled "" inside quotes toggles twice: still inside
    else if (quoted) continue;
    else if (c === '\n' || c === '\r') break;
    else if (c === ';') semicolons++;
    else if (c === ',') commas++;
  }
  if (semicolons === 0 && commas === 0) {
    // One column cannot hold a name, birth date, postcode and municipality: this is no list.
    throw new ListFileRefused('file_unreadable', {}, 'List file has no ; or , in its first line');
  }
  return semicolons >= commas ? ';' : ',';
}

/**
 * Excel honours (and some exports write) a first line "sep=;" naming the
 * delimiter; Excel then hides it, so the header is still row 1. Returns the
 * text without that line, and the delimiter it names.
 */
export function takeSepLine(text: string): { text: string; delimiter?: Delimiter } {
  const m = /^sep=(.)[ \t]*\r?\n/i.exec(text);
  if (!m) return { text };
  const named = m[1];
  if (named !== ';' && named !== ',') throw new ListFileRefused('file_unreadable', {}, 'List file names a delimiter other than ; or ,');
  return { text: text.slice(m[0].length), delimiter: named };
}

/** All records, empty lines included (as [''] - so index + 1 is the row number Excel shows). */
export function parseRecords(text: string, delimiter: Delimiter): string[][] {
  try {
    return parse(text, {
      delimiter,
      relax_column_count: true, // a short or long row is a row error, not a broken file
      relax_quotes: true, // a stray " inside an unquoted cell (a nickname) is kept as written
      trim: true,
      skip_empty_lines: false,
    });
  } catch (err) {
    if (err instanceof CsvError) {
      // Records before the broken one, plus one: the Excel row where it starts. No cell text: it may be personal.
      const row = typeof err.records === 'number' ? err.records + 1 : 0;
      throw new ListFileRefused('csv_malformed', { row }, `List file is not valid CSV at row ${row} (${err.code})`);
    }
    throw err;
  }
}
