import { describe, expect, it } from 'vitest';
import { isBsnShaped, looksLikeBsn, passesElevenTest, type ListFileRefused } from '../../core/list-file/index.js';
import { fixture, listBytes, read, refusal, row, SAMPLE_HEADER } from './list-file-helpers.js';

// Numbers from 9999xxxxx, the range kept for testing, that pass the 11-test.
const TEST_BSN = '999924242';
const TEST_BSN_2 = '999925167';

/** The refusal names the column, never the number: it reaches logs and screens. */
function expectNoValue(e: ListFileRefused, ...values: string[]) {
  const said = `${e.message} ${JSON.stringify(e.vars)}`;
  for (const v of values) {
    expect(said).not.toContain(v);
    expect(said.replace(/\D/g, '')).not.toContain(v.replace(/\D/g, ''));
  }
}

describe('BSN 11-test', () => {
  it('passes valid numbers (also 8 digits, a leading zero dropped) and fails the rest', () => {
    expect(passesElevenTest('111222333')).toBe(true);
    expect(passesElevenTest('123456782')).toBe(true);
    expect(passesElevenTest(TEST_BSN)).toBe(true);
    expect(passesElevenTest('12345672')).toBe(true); // 012345672
    expect(passesElevenTest('123456789')).toBe(false);
    expect(passesElevenTest('000000000')).toBe(false);
    expect(passesElevenTest('00000000')).toBe(false);
    expect(passesElevenTest('1234567')).toBe(false);
  });

  it('recognises the ways a BSN is written, but not dates, postcodes or phone numbers', () => {
    for (const s of ['123456782', '12345672', '1234.56.782', '123.456.782', '123 456 782', "'123456782"]) expect(looksLikeBsn(s), s).toBe(true);
    for (const s of ['01-10-2003', '01.10.2003', '01/10/2003', '6088 DA', '0612345678', '+31612345678', '123-456-782', '12345678a']) {
      expect(isBsnShaped(s), s).toBe(false);
    }
  });
});

describe('readListFile: refuses BSNs', () => {
  it('refuses a column headed BSN, naming the column, not a value', () => {
    const e = refusal(fixture('bsn-column.csv'));
    expect(e.code).toBe('bsn_column');
    expect(e.statusCode).toBe(422);
    expect(e.vars).toMatchObject({ column: 'BSN' });
    expectNoValue(e, '999931337');
  });

  it('refuses BSN headers however they are written, whatever the values', () => {
    for (const h of ['bsn', 'Burgerservicenummer', 'BSN nummer', 'bsn_nr', 'Sofinummer', 'sofi-nummer', 'BSN (jongere)']) {
      const e = refusal(listBytes([`${row()};`], `${SAMPLE_HEADER};${h}`));
      expect(e.code, h).toBe('bsn_column');
      expect(e.vars.column).toBe(h);
    }
  });

  it('refuses BSNs hidden under an innocent header, naming that column', () => {
    const e = refusal(fixture('bsn-hidden.csv'));
    expect(e.code).toBe('bsn_values');
    expect(e.vars).toEqual({ column: 'kenmerk', position: 14 });
    expectNoValue(e, '9999.24.242', TEST_BSN, TEST_BSN_2);
  });

  it('refuses a BSN in a column we use, e.g. huisnummer, in any notation', () => {
    for (const bsn of [TEST_BSN, '9999.24.242', '999 924 242', '12345672']) {
      const e = refusal(listBytes([row(), row({ voornaam: 'Eva', huisnummer: bsn })]));
      expect(e.code, bsn).toBe('bsn_values');
      expect(e.vars).toEqual({ column: 'huisnummer', position: 6 });
    }
  });

  it('refuses BSNs even in a row that is rejected for another reason, or that has extra cells', () => {
    expect(refusal(listBytes([row({ voornaam: '', straat: TEST_BSN })])).code).toBe('bsn_values');
    const e = refusal(listBytes([`${row()};${TEST_BSN}`]));
    expect(e.vars).toEqual({ column: 'N', position: 14 });
  });

  it('names a file without a header row by column letter, since its "header" is a value', () => {
    const e = refusal(listBytes([row()], `${TEST_BSN};${row({ voornaam: 'Eva' }).split(';').slice(1).join(';')}`));
    expect(e.code).toBe('bsn_values');
    expect(e.vars).toEqual({ column: 'A', position: 1 });
    expectNoValue(e, TEST_BSN);
  });

  it('is not fooled into refusing 9-digit numbers that fail the 11-test, or zeros', () => {
    const file = read(listBytes([`${row()};123456789`, `${row({ voornaam: 'Eva' })};000000000`, `${row({ voornaam: 'Ilse' })};0612345678`], `${SAMPLE_HEADER};kenmerk`));
    expect(file.rows).toHaveLength(3);
  });
});

describe('readListFile: a ddmmyyyy birth-date column is no BSN column', () => {
  // Find real dates that pass the 11-test as 8 digits: about one in eleven does.
  const dates: string[] = [];
  for (let d = new Date(Date.UTC(2000, 0, 1)); dates.length < 5; d = new Date(d.getTime() + 86_400_000)) {
    const s = `${String(d.getUTCDate()).padStart(2, '0')}${String(d.getUTCMonth() + 1).padStart(2, '0')}${d.getUTCFullYear()}`;
    if (passesElevenTest(s)) dates.push(s);
  }

  it('has dates that would pass the 11-test (or this test proves nothing)', () => {
    expect(dates).toHaveLength(5);
    for (const s of dates) expect(looksLikeBsn(s), s).toBe(true);
  });

  it('reads them as birth and inflow dates', () => {
    const file = read(listBytes(dates.map((s, i) => row({ voornaam: `Naam${i}`, geboortedatum: s, datum_instroom: s }))));
    expect(file.errors).toEqual([]);
    expect(file.rows.map((r) => r.birthDate)).toEqual(dates.map((s) => `${s.slice(4)}-${s.slice(2, 4)}-${s.slice(0, 2)}`));
  });

  it('still refuses the same 8 digits in a column that is not a date', () => {
    const e = refusal(listBytes([`${row()};${dates[0]}`], `${SAMPLE_HEADER};kenmerk`));
    expect(e.vars.column).toBe('kenmerk');
  });

  it('still refuses a 9-digit BSN in the birth-date column', () => {
    expect(refusal(listBytes([row({ geboortedatum: TEST_BSN })])).vars.column).toBe('geboortedatum');
  });
});
