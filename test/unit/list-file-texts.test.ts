import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import {
  LIST_FIELDS,
  LIST_FILE_CODES,
  LIST_FILE_REFUSAL_CODES,
  LIST_ROW_ERROR_CODES,
  neutraliseCell,
  rejectedRowsCsv,
  type ListField,
  type ListFileCode,
  type RowError,
} from '../../core/list-file/index.js';
import {
  LIST_IMPORT_CODES,
  LIST_IMPORT_FIELDS,
  listFieldLabels,
  listImportText,
  listImportTexts,
  listRowErrorText,
  type ListFileCode as TemplateCode,
  type ListImportField,
} from '../../templates/staff/list-import.js';
import { fixture, listBytes, read, refusal, row } from './list-file-helpers.js';

// Compile-time: core's codes and fields and the templates' are the same sets (each assignable to the other).
const coreCodes: readonly TemplateCode[] = LIST_FILE_CODES;
const templateCodes: readonly ListFileCode[] = LIST_IMPORT_CODES;
const coreFields: readonly ListImportField[] = LIST_FIELDS;
const templateFields: readonly ListField[] = LIST_IMPORT_FIELDS;

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('list import texts', () => {
  it('has the same codes as core, and a text for every code in both languages', () => {
    expect([...templateCodes].sort()).toEqual([...coreCodes].sort());
    expect(new Set(LIST_FILE_CODES).size).toBe(LIST_FILE_REFUSAL_CODES.length + LIST_ROW_ERROR_CODES.length);
    for (const lang of ['nl', 'en'] as const) {
      expect(Object.keys(listImportTexts[lang]).sort(), lang).toEqual([...LIST_FILE_CODES].sort());
      for (const code of LIST_FILE_CODES) expect(listImportTexts[lang][code]?.trim(), `${lang} ${code}`).toBeTruthy();
    }
  });

  it('uses the same placeholders in Dutch and English', () => {
    for (const code of LIST_FILE_CODES) expect(placeholders(listImportTexts.en[code]), code).toEqual(placeholders(listImportTexts.nl[code]));
  });

  it('fills every placeholder from the vars core gives', () => {
    const refusals = [
      refusal(fixture('jib-lijst-2026-11.csv'), { maxBytes: 100 }),
      refusal(fixture('jib-lijst-2026-11.csv'), { maxRows: 1 }),
      refusal(fixture('bsn-column.csv')),
      refusal(fixture('bsn-hidden.csv')),
      refusal(fixture('jib-lijst-2026-11.csv'), { mapping: { city: 'Stad' } }),
      refusal(listBytes([row({ straat: '"open' })])),
      refusal(Buffer.from('PK\x03\x04', 'latin1')),
      refusal(Buffer.alloc(0)),
      refusal(fixture('other-headers.csv')),
      // An empty string in the mapping switches a column off.
      refusal(fixture('jib-lijst-2026-11.csv'), { mapping: { birthDate: '' } }),
      refusal(fixture('jib-lijst-2026-11.csv'), { mapping: { postcode: '' } }),
      refusal(fixture('jib-lijst-2026-11.csv'), { mapping: { municipality: '' } }),
    ];
    const file = read(fixture('bad-rows.csv'));
    const longRow = read(listBytes([row({ straat: 'x'.repeat(300) })])).errors;
    const served: RowError = { row: 2, field: 'municipality', code: 'municipality_not_served', vars: { name: 'Leudal' } };
    const all = [...refusals.map((e) => ({ code: e.code, vars: e.vars })), ...file.errors, ...longRow, served];
    expect([...new Set(all.map((e) => e.code))].sort()).toEqual([...LIST_FILE_CODES].sort());
    for (const e of all) {
      for (const lang of ['nl', 'en'] as const) expect(listImportText(lang, e.code, e.vars ?? {}), `${lang} ${e.code}`).not.toMatch(/[{}]/);
    }
    expect(listImportText('nl', 'bsn_values', refusals[3]!.vars)).toContain('"kenmerk"');
    expect(listImportText('en', 'age_out_of_range', { age: 36, min: 16, max: 27 })).toBe(
      'This young person is 36 on the date of the list. Lijntje is for young people aged 16 to 27.',
    );
    expect(listImportText('nl', 'mapping_unknown_header', {})).toContain('{column}');
  });

  it('has a label for every field in both languages and describes a row error with it', () => {
    expect([...templateFields].sort()).toEqual([...coreFields].sort());
    for (const lang of ['nl', 'en'] as const) expect(Object.keys(listFieldLabels[lang]).sort()).toEqual([...LIST_FIELDS, 'row'].sort());
    expect(listRowErrorText('nl', { field: 'birthDate', code: 'impossible_date' })).toBe(
      'Geboortedatum: deze datum bestaat niet, bijvoorbeeld 31 april of 29 februari in een jaar zonder schrikkeldag.',
    );
    expect(listRowErrorText('en', { field: 'row', code: 'wrong_column_count', vars: { found: 9, expected: 13 } })).toMatch(/^This row has 9 columns/);
  });
});

describe('rejectedRowsCsv', () => {
  const file = read(
    listBytes([
      row(),
      row({ voornaam: '=HYPERLINK("https://example.invalid/x","klik")', achternaam: '' }),
      row({ voornaam: '+31 6 1234', straat: '-1', woonplaats: '@SUM(A1)', postcode: 'nope' }),
      row({ straat: '"Hoogstraat; achter"', geboortedatum: '31-04-2004' }),
      row().split(';').slice(0, 5).join(';'),
    ]),
  );
  const describeError = (e: RowError) => listRowErrorText('nl', e);
  const csv = rejectedRowsCsv(file, 'nl', describeError);
  const records = parse(csv, { delimiter: ';', bom: true, relax_column_count: true }) as string[][];

  it('starts with a BOM and uses CRLF and the file\'s delimiter', () => {
    expect(csv.startsWith('\uFEFFfout;achternaam;')).toBe(true);
    expect(csv.split('\r\n').length).toBe(6); // header, four rows, the final line end
  });

  it('round-trips: the header with "fout" in front, then each rejected row with its reasons', () => {
    expect(records[0]).toEqual(['fout', ...file.headers]);
    expect(records.slice(1).map((r) => r.slice(1))).toEqual(file.rejectedRows.map((r) => r.cells.map(neutraliseCell)));
    expect(records[1]![0]).toBe('Achternaam: de achternaam ontbreekt.');
    expect(records[2]![0]).toBe(`Postcode: ${listImportText('nl', 'invalid_postcode').replace(/^D/, 'd')}`);
    expect(records[3]![5]).toBe('Hoogstraat; achter');
    expect(records[4]).toHaveLength(6);
    expect(rejectedRowsCsv(file, 'en', (e) => e.code).split('\r\n')[0]).toMatch(/^\uFEFFerror;/);
  });

  it('neutralises cells a spreadsheet would run as a formula', () => {
    const cells = records.slice(1).flat();
    expect(cells).toContain('\'=HYPERLINK("https://example.invalid/x","klik")');
    expect(cells).toContain("'+31 6 1234");
    expect(cells).toContain("'-1");
    expect(cells).toContain("'@SUM(A1)");
    expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([]);
    expect(neutraliseCell('\t=1')).toBe("'\t=1");
    expect(neutraliseCell('\r=1')).toBe("'\r=1");
    expect(neutraliseCell('Anna')).toBe('Anna');
  });

  it('writes a , file with commas', () => {
    const other = read(fixture('other-headers.csv'), { mapping: { lastName: 'Naam' } });
    const broken = { ...other, rejectedRows: [{ row: 2, cells: ['a,b', 'c'] }], errors: [{ row: 2, field: 'row' as const, code: 'wrong_column_count' as const }] };
    const out = rejectedRowsCsv(broken, 'en', () => 'wrong');
    expect(parse(out, { bom: true, relax_column_count: true })).toEqual([['error', ...other.headers], ['wrong', 'a,b', 'c']]);
  });
});
