import { describe, expect, it } from 'vitest';
import { normaliseName, normalisePostcode, parseListDate, parseYesNo, type RowError } from '../../core/list-file/index.js';
import { fixture, listBytes, read, row } from './list-file-helpers.js';

describe('readListFile: bad rows', () => {
  const file = read(fixture('bad-rows.csv'));
  const errorsOf = (n: number) => file.errors.filter((e) => e.row === n).map(({ field, code, vars }) => (vars ? { field, code, vars } : { field, code }));

  it('gives every kind of bad row its code, row number (as Excel numbers it) and field', () => {
    const expected: Record<number, Omit<RowError, 'row'>[]> = {
      3: [{ field: 'firstName', code: 'missing_first_name' }],
      4: [{ field: 'lastName', code: 'missing_last_name' }],
      5: [{ field: 'birthDate', code: 'missing_birth_date' }],
      6: [{ field: 'birthDate', code: 'impossible_date' }],
      7: [{ field: 'birthDate', code: 'impossible_date' }],
      8: [{ field: 'birthDate', code: 'invalid_date' }],
      9: [{ field: 'birthDate', code: 'age_out_of_range', vars: { age: 36, min: 16, max: 27 } }],
      10: [{ field: 'birthDate', code: 'age_out_of_range', vars: { age: 14, min: 16, max: 27 } }],
      11: [{ field: 'postcode', code: 'missing_postcode' }],
      12: [{ field: 'postcode', code: 'invalid_postcode' }],
      13: [{ field: 'postcode', code: 'invalid_postcode' }],
      14: [{ field: 'municipality', code: 'missing_municipality' }],
      15: [{ field: 'kvk', code: 'invalid_yes_no' }],
      16: [{ field: 'row', code: 'wrong_column_count', vars: { found: 9, expected: 13 } }],
      17: [{ field: 'row', code: 'wrong_column_count', vars: { found: 14, expected: 13 } }],
      21: [
        { field: 'firstName', code: 'missing_first_name' },
        { field: 'postcode', code: 'invalid_postcode' },
      ],
      22: [
        { field: 'inflowDate', code: 'impossible_date' },
        { field: 'newInflow', code: 'invalid_yes_no' },
      ],
    };
    for (const [n, errors] of Object.entries(expected)) expect(errorsOf(Number(n)), `row ${n}`).toEqual(errors);
    expect([...new Set(file.errors.map((e) => e.row))]).toEqual(Object.keys(expected).map(Number));
  });

  it('keeps the raw cells of each rejected row, and only of rejected rows', () => {
    expect(file.rejectedRows.map((r) => r.row)).toEqual([...new Set(file.errors.map((e) => e.row))]);
    expect(file.rejectedRows.find((r) => r.row === 12)!.cells).toEqual(
      'Maessen;;Mila;24-03-2002;Julianalaan;79;0123 AB;Haelen;Leudal;01-11-2026;ja;nee;nee'.split(';'),
    );
    expect(file.rejectedRows.find((r) => r.row === 16)!.cells).toHaveLength(9);
  });

  it('counts the data rows but not the row of only delimiters or the empty trailing rows', () => {
    expect(file.totalRows).toBe(22);
    expect(file.rows.length + file.duplicates.length + file.rejectedRows.length).toBe(file.totalRows);
  });

  it('keeps a <script> first name as text, verbatim', () => {
    expect(file.rows.find((r) => r.row === 2)!.firstName).toBe('<script>alert(1)</script>');
  });

  it('reads a quoted field holding the delimiter and a doubled quote', () => {
    expect(file.rows.find((r) => r.row === 18)).toMatchObject({ street: 'Hoogstraat; "de Hoek"', newInflow: true, kvk: false, knownToMunicipality: false });
  });

  it('trims surrounding spaces, normalises the postcode and reads 1/0/TRUE', () => {
    expect(file.rows.find((r) => r.row === 19)).toMatchObject({
      lastName: 'El Amrani',
      namePrefix: null,
      firstName: 'Rayan',
      birthDate: '2003-05-22',
      houseNumber: '75',
      postcode: '6046 BD',
      municipality: 'Roermond',
      inflowDate: '2026-11-01',
      newInflow: true,
      kvk: false,
      knownToMunicipality: true,
    });
  });

  it('skips a repeat of an earlier row (same person written differently) as a duplicate, not an error', () => {
    expect(file.duplicates).toEqual([20]);
    expect(file.errors.some((e) => e.row === 20)).toBe(false);
    expect(file.rows.some((r) => r.row === 20)).toBe(false);
  });

  it('removes zero-width and bidi control characters, and reads empty flags as no', () => {
    expect(file.rows.find((r) => r.row === 23)).toMatchObject({ firstName: 'Sara', inflowDate: null, newInflow: false, kvk: false, knownToMunicipality: false });
    expect(file.rows.map((r) => r.row)).toEqual([2, 18, 19, 23]);
  });
});

describe('readListFile: one row at a time', () => {
  const one = (cells: Parameters<typeof row>[0]) => read(listBytes([row(cells)]));

  it('takes the age in whole years on the list date: 16 up to and including 27', () => {
    expect(one({ geboortedatum: '01-11-2010' }).rows[0]!.age).toBe(16);
    expect(one({ geboortedatum: '02-11-2010' }).errors).toEqual([{ row: 2, field: 'birthDate', code: 'age_out_of_range', vars: { age: 15, min: 16, max: 27 } }]);
    expect(one({ geboortedatum: '02-11-1998' }).rows[0]!.age).toBe(27);
    expect(one({ geboortedatum: '01-11-1998' }).errors[0]).toMatchObject({ code: 'age_out_of_range', vars: { age: 28 } });
    expect(one({ geboortedatum: '29-02-2004' }).rows[0]).toMatchObject({ birthDate: '2004-02-29', age: 22 });
    expect(one({ geboortedatum: '01-01-2030' }).errors[0]).toMatchObject({ code: 'age_out_of_range' });
    // Ages depend on the list date only, never on today.
    expect(read(listBytes([row({ geboortedatum: '01-11-2010' })]), { listDate: '2026-10-01' }).errors[0]).toMatchObject({ vars: { age: 15 } });
  });

  it('refuses text longer than a name or address can be', () => {
    expect(one({ straat: 'x'.repeat(201) }).errors).toEqual([{ row: 2, field: 'street', code: 'value_too_long', vars: { max: 200 } }]);
    expect(one({ straat: 'x'.repeat(200) }).rows).toHaveLength(1);
  });

  it('strips control characters, turns a tab into a space and stores names NFC', () => {
    const r = one({ voornaam: 'An\u0007na', achternaam: 'van\tDijk', straat: 'Zoe\u0308laan' }).rows[0]!;
    expect(r.firstName).toBe('Anna');
    expect(r.lastName).toBe('van Dijk');
    expect(r.street).toBe('Zoëlaan');
    expect(r.street!.length).toBe(7);
  });

  it('numbers rows as Excel does, also after an empty line or a cell spanning two lines', () => {
    const file = read(listBytes([row(), '', row({ straat: '"Kerk\nstraat"', voornaam: 'Eva' }), row({ voornaam: '' })]));
    expect(file.rows.map((r) => r.row)).toEqual([2, 4]);
    expect(file.rows[1]!.street).toBe('Kerk straat');
    expect(file.errors).toEqual([{ row: 5, field: 'firstName', code: 'missing_first_name' }]);
  });

  it('refuses a row with too few cells, and one with extra cells that are not empty', () => {
    expect(read(listBytes([row().split(';').slice(0, 12).join(';')])).errors[0]).toMatchObject({ field: 'row', code: 'wrong_column_count' });
    expect(read(listBytes([`${row()};extra`])).errors[0]).toMatchObject({ code: 'wrong_column_count', vars: { found: 14, expected: 13 } });
    expect(read(listBytes([`${row()};;`])).rows).toHaveLength(1);
  });
});

describe('cell values', () => {
  it('reads dates as dd-mm-yyyy and the other ways lists write them', () => {
    for (const s of ['01-02-2004', '1-2-2004', '01/02/2004', '1/2/2004', '01.02.2004', '2004-02-01', '01022004', '01-02-2004 00:00', ' 01-02-2004 ']) {
      expect(parseListDate(s), s).toEqual({ ok: true, iso: '2004-02-01' });
    }
    for (const s of ['31-04-2004', '29-02-2003', '00-01-2004', '01-13-2004', '2004-02-30', '32012004']) expect(parseListDate(s), s).toEqual({ ok: false, code: 'impossible_date' });
    for (const s of ['01-02-04', 'maart 2001', '2004/02/01', '01-02/2004', '1e jan 2004', '']) expect(parseListDate(s), s).toEqual({ ok: false, code: 'invalid_date' });
  });

  it('reads yes and no in Dutch and English, any case; an empty cell is no', () => {
    for (const s of ['ja', 'JA', 'j', 'J', '1', 'yes', 'Y', 'true', 'TRUE', 'Waar']) expect(parseYesNo(s), s).toBe(true);
    for (const s of ['nee', 'Nee', 'n', '0', 'no', 'FALSE', 'onwaar', '', '  ']) expect(parseYesNo(s), s).toBe(false);
    for (const s of ['misschien', 'x', '2', 'ja/nee']) expect(parseYesNo(s), s).toBeUndefined();
  });

  it('normalises Dutch postcodes and refuses others', () => {
    expect(normalisePostcode('6088 DA')).toBe('6088 DA');
    expect(normalisePostcode('6088da')).toBe('6088 DA');
    expect(normalisePostcode(' 6088  dA ')).toBe('6088 DA');
    for (const s of ['0123 AB', '6088 D', '60880 DA', 'B-3500', '6088-DA', '6088 D4', 'DA 6088', '']) expect(normalisePostcode(s), s).toBeUndefined();
  });

  it('normalises names for matching: case, diacritics, spaces, hyphens, apostrophes, width', () => {
    expect(normaliseName('  Çağlar ')).toBe(normaliseName('cağlar'));
    expect(normaliseName('Çağlar')).toBe('caglar');
    expect(normaliseName('Yılmaz')).toBe(normaliseName('YILMAZ'));
    expect(normaliseName('Zoë')).toBe(normaliseName('Zoe\u0308'));
    expect(normaliseName('Jan-Willem')).toBe(normaliseName('jan  willem'));
    expect(normaliseName('van  der')).toBe('van der');
    expect(normaliseName('d’Hondt')).toBe("d'hondt");
    expect(normaliseName('Ｊａｎ')).toBe('jan');
    expect(normaliseName('Øyvind Strauß')).toBe('oyvind strauss');
    expect(normaliseName('Anna')).not.toBe(normaliseName('Anne'));
  });
});
