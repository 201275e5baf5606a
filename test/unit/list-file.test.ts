import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { LIST_FIELDS, type ListField } from '../../core/list-file/index.js';
import { fixture, listBytes, read, refusal, row, SAMPLE_HEADER } from './list-file-helpers.js';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

describe('readListFile: the real sample', () => {
  const file = read(fixture('jib-lijst-2026-11.csv'));

  it('reads all 60 rows as UTF-8 with ; and maps every column', () => {
    expect(file.encoding).toBe('utf-8');
    expect(file.delimiter).toBe(';');
    expect(file.totalRows).toBe(60);
    expect(file.rows).toHaveLength(60);
    expect(file.errors).toEqual([]);
    expect(file.duplicates).toEqual([]);
    expect(file.rejectedRows).toEqual([]);
    expect(file.headers).toEqual(SAMPLE_HEADER.split(';'));
    expect(file.unmappedHeaders).toEqual([]);
    expect(file.mapping).toEqual({
      lastName: 'achternaam',
      namePrefix: 'tussenvoegsel',
      firstName: 'voornaam',
      birthDate: 'geboortedatum',
      street: 'straat',
      houseNumber: 'huisnummer',
      postcode: 'postcode',
      city: 'woonplaats',
      municipality: 'gemeente',
      inflowDate: 'datum_instroom',
      newInflow: 'nieuwe_instroom',
      kvk: 'kvk_inschrijving',
      knownToMunicipality: 'bekend_bij_gemeente',
    } satisfies Record<ListField, string>);
    expect(Object.keys(file.mapping).sort()).toEqual([...LIST_FIELDS].sort());
  });

  it('parses each cell: names, dates, age on the list date, postcode, flags', () => {
    expect(file.rows[0]).toEqual({
      row: 2,
      firstName: 'Mohammed',
      namePrefix: 'van der',
      lastName: 'Heijden',
      birthDate: '2003-10-01',
      age: 23,
      street: 'Kerkstraat',
      houseNumber: '112',
      postcode: '6088 DA',
      city: 'Haelen',
      municipality: 'Leudal',
      inflowDate: '2026-08-01',
      newInflow: false,
      kvk: true,
      knownToMunicipality: false,
      matchKey: 'mohammed|van der|heijden|2003-10-01|6088 DA',
      cells: ['Heijden', 'van der', 'Mohammed', '01-10-2003', 'Kerkstraat', '112', '6088 DA', 'Haelen', 'Leudal', '01-08-2026', 'nee', 'ja', 'nee'],
    });
    const caglar = file.rows.find((r) => r.lastName === 'Leeuwen' && r.namePrefix === 'van' && r.birthDate === '2003-07-17')!;
    expect(caglar).toMatchObject({ row: 4, firstName: 'Çağlar', newInflow: true, kvk: false, knownToMunicipality: false, inflowDate: '2026-11-01' });
    expect(file.rows.find((r) => r.row === 5)!.namePrefix).toBeNull();
    // Born 01-12-1999: 26 on 2026-11-01, turning 27 a month later.
    expect(file.rows.find((r) => r.row === 10)).toMatchObject({ firstName: 'Çağlar', lastName: 'Kuipers', birthDate: '1999-12-01', age: 26 });
    // Born 15-11-1999: still 26 on the list date, although 27 two weeks later.
    expect(file.rows.find((r) => r.row === 36)).toMatchObject({ firstName: 'Sanne', lastName: 'Maessen', age: 26, knownToMunicipality: true, kvk: true, newInflow: true });
    expect(file.rows.filter((r) => r.knownToMunicipality).map((r) => r.row)).toEqual([13, 20, 31, 36]);
    expect(file.rows.map((r) => r.row)).toEqual(Array.from({ length: 60 }, (_, i) => i + 2));
    for (const r of file.rows) {
      expect(r.age).toBeGreaterThanOrEqual(16);
      expect(r.age).toBeLessThanOrEqual(27);
      expect(r.postcode).toMatch(/^[1-9]\d{3} [A-Z]{2}$/);
    }
    expect(new Set(file.rows.map((r) => r.matchKey)).size).toBe(60);
  });

  it('reads the same with a UTF-8 BOM (and the BOM is not part of the first header)', () => {
    const withBom = read(Buffer.concat([BOM, fixture('jib-lijst-2026-11.csv')]));
    expect(withBom.encoding).toBe('utf-8');
    expect(withBom.headers[0]).toBe('achternaam');
    expect(withBom.mapping.lastName).toBe('achternaam');
    expect(withBom.rows).toEqual(file.rows);
  });

  it('tolerates the trailing delimiter Excel writes on every line', () => {
    const text = fixture('jib-lijst-2026-11.csv').toString('utf8');
    const allLines = text.replace(/\n/g, ';\n');
    const dataLinesOnly = text.split('\n').map((l, i) => (i > 0 && l !== '' ? `${l};` : l)).join('\n');
    for (const variant of [allLines, dataLinesOnly]) {
      const r = read(Buffer.from(variant, 'utf8'));
      expect(r.headers).toHaveLength(13);
      expect(r.errors).toEqual([]);
      expect(r.rows).toEqual(file.rows);
    }
  });
});

describe('readListFile: Windows-1252 with CRLF', () => {
  const sample = read(fixture('jib-lijst-2026-11.csv'));
  const win = fixture('jib-lijst-2026-11-win1252-crlf.csv');

  it('is a real Windows-1252 CRLF file (not valid UTF-8)', () => {
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(win)).toThrow();
    expect(win.includes(Buffer.from('\r\n'))).toBe(true);
    expect(win.toString('latin1').split('\r\n')).toHaveLength(62); // 61 lines and the last line end
  });

  it('gives the same people as the UTF-8 sample, with the letters Windows-1252 has intact', () => {
    const file = read(win);
    expect(file.encoding).toBe('windows-1252');
    expect(file.delimiter).toBe(';');
    expect(file.errors).toEqual([]);
    expect(file.rows.map((r) => r.matchKey)).toEqual(sample.rows.map((r) => r.matchKey));
    const names = file.rows.map((r) => r.firstName);
    for (const name of ['Zoë', 'Anaïs', 'Joël']) expect(names).toContain(name);
    // ğ and ı are not in Windows-1252: the fixture has Windows' best-fit letters, as Excel writes them.
    expect(names).toContain('Çaglar');
    expect(file.rows.map((r) => r.lastName)).toContain('Yilmaz');
    expect(file.rows.some((r) => /[?\uFFFD\r]/.test(Object.values(r).join('')))).toBe(false);
  });

  it('reads the same rows as that file re-encoded to UTF-8 with LF', () => {
    const utf8 = Buffer.from(iconv.decode(win, 'windows-1252').replace(/\r\n/g, '\n'), 'utf8');
    const a = read(win);
    const b = read(utf8);
    expect(b.encoding).toBe('utf-8');
    expect(b.rows).toEqual(a.rows);
  });

  it('decodes the Windows-1252-only letters (0x80-0x9F) too, not Latin-1', () => {
    const text = [SAMPLE_HEADER, row({ voornaam: 'Šárka', achternaam: 'Öztürk' }), row({ voornaam: 'Renée', achternaam: 'Dvorák' })].join('\r\n');
    const file = read(iconv.encode(text, 'windows-1252'));
    expect(file.encoding).toBe('windows-1252');
    expect(file.rows.map((r) => `${r.firstName} ${r.lastName}`)).toEqual(['Šárka Öztürk', 'Renée Dvorák']);
  });
});

describe('readListFile: refusals of the whole file', () => {
  it('refuses a file over maxBytes before reading it', () => {
    const e = refusal(fixture('jib-lijst-2026-11.csv'), { maxBytes: 1000 });
    expect(e.code).toBe('file_too_large');
    expect(e.statusCode).toBe(422);
    expect(read(fixture('jib-lijst-2026-11.csv'), { maxBytes: 20_000 }).rows).toHaveLength(60);
    expect(refusal(Buffer.alloc(5 * 1024 * 1024 + 1, 0x41)).vars).toEqual({ max: 5 });
  });

  it('refuses more than maxRows data rows (empty rows do not count)', () => {
    expect(refusal(fixture('jib-lijst-2026-11.csv'), { maxRows: 59 })).toMatchObject({ code: 'too_many_rows', vars: { max: 59 } });
    expect(read(fixture('bad-rows.csv'), { maxRows: 22 }).totalRows).toBe(22);
    expect(read(fixture('jib-lijst-2026-11.csv'), { maxRows: 60 }).totalRows).toBe(60);
  });

  it('refuses empty files: no bytes, only a BOM, only blank lines, or a header without rows', () => {
    for (const bytes of [Buffer.alloc(0), BOM, Buffer.from('\r\n\n  \n'), Buffer.from(';;;\n;;;\n'), listBytes([]), listBytes(['', ';;;;;;;;;;;;'])]) {
      expect(refusal(bytes).code).toBe('file_empty');
    }
  });

  it('refuses what is not a CSV text: an .xlsx (zip), UTF-16 (NUL bytes), binary, one column of prose', () => {
    const xlsx = Buffer.concat([Buffer.from('PK\x03\x04\x14\x00\x06\x00', 'latin1'), Buffer.from('[Content_Types].xml;achternaam;voornaam')]);
    const utf16 = Buffer.from(fixture('jib-lijst-2026-11.csv').toString('utf8'), 'utf16le');
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    const controls = Buffer.from(Array.from({ length: 400 }, (_, i) => (i % 7 === 0 ? 0x01 : 0x41 + (i % 26))));
    const prose = Buffer.from('Beste coördinator\nHierbij de lijst van deze maand\n');
    for (const bytes of [xlsx, utf16, png, controls, prose]) expect(refusal(bytes).code).toBe('file_unreadable');
  });

  it('refuses a quote that is never closed, naming the row where it starts', () => {
    const e = refusal(listBytes([row(), row({ straat: '"Kerkstraat' }), row(), row()]));
    expect(e.code).toBe('csv_malformed');
    expect(e.vars).toEqual({ row: 3 });
  });

  it('refuses a file without the columns a person needs, naming what is missing', () => {
    const without = (drop: string) => {
      const keep = SAMPLE_HEADER.split(';').map((h, i) => (h === drop ? -1 : i)).filter((i) => i >= 0);
      const pick = (line: string) => keep.map((i) => line.split(';')[i]).join(';');
      return Buffer.from([pick(SAMPLE_HEADER), pick(row())].join('\n'));
    };
    expect(refusal(without('voornaam')).code).toBe('no_name_columns');
    expect(refusal(without('achternaam')).code).toBe('no_name_columns');
    expect(refusal(without('geboortedatum')).code).toBe('no_birth_date_column');
    expect(refusal(without('postcode')).code).toBe('no_postcode_column');
    expect(refusal(without('gemeente')).code).toBe('no_municipality_column');
    // The optional columns are not needed.
    expect(read(without('straat')).rows[0]!.street).toBeNull();
    expect(read(without('kvk_inschrijving')).rows[0]!.kvk).toBe(false);
  });
});

describe('readListFile: headers and mapping', () => {
  it('recognises headers in any case and with spaces, underscores or hyphens', () => {
    const header =
      'Achternaam;Tussenvoegsel;Voornaam;Geboorte datum;Straat;Huisnummer;Postcode;Woonplaats;Gemeente;Datum instroom;Nieuwe instroom;KvK-inschrijving;Bekend bij gemeente';
    const file = read(listBytes([row()], header));
    expect(Object.keys(file.mapping).sort()).toEqual([...LIST_FIELDS].sort());
    expect(file.mapping.birthDate).toBe('Geboorte datum');
    expect(read(listBytes([row()], header.replace('KvK-inschrijving', 'KvK'))).mapping.kvk).toBe('KvK');
  });

  const otherMapping = {
    lastName: 'Naam',
    street: 'Adres',
    inflowDate: 'In beeld sinds',
    newInflow: 'Nieuw in beeld',
    kvk: 'Ingeschreven KvK',
    knownToMunicipality: 'Bij gem. bekend',
  };

  it('refuses the other-headers file without a mapping: "Naam" is too ambiguous to guess', () => {
    expect(refusal(fixture('other-headers.csv')).code).toBe('no_name_columns');
  });

  it('reads the other-headers file (comma-separated, other names) with a mapping, detecting the rest', () => {
    const file = read(fixture('other-headers.csv'), { mapping: otherMapping });
    expect(file.delimiter).toBe(',');
    expect(file.errors).toEqual([]);
    expect(file.unmappedHeaders).toEqual([]);
    expect(file.mapping).toEqual({
      ...otherMapping,
      namePrefix: 'Voorv.',
      firstName: 'Roepnaam',
      birthDate: 'Geb. datum',
      houseNumber: 'Nr',
      postcode: 'PC',
      city: 'Plaats',
      municipality: 'Gem.',
    });
    expect(file.rows.map((r) => [r.firstName, r.namePrefix, r.lastName, r.birthDate, r.postcode, r.inflowDate, r.newInflow, r.kvk, r.knownToMunicipality])).toEqual([
      ['Renée', 'de', 'Vries', '2001-04-03', '6088 DA', '2026-08-01', true, false, false],
      ['Mert', null, 'Öztürk', '2002-12-24', '6033 MM', '2026-09-01', true, false, false],
      ['Noor', null, 'Jansen', '2004-02-01', '6037 BK', null, false, true, false],
      ['Sem', null, 'Bakker', '2001-03-18', '6008 EB', '2026-10-01', true, false, false],
    ]);
    expect(file.rows[0]!.street).toBe('Kerkstraat 12, achter');
  });

  it('lets a mapping override detection, match a header loosely, or switch a column off with ""', () => {
    const sample = fixture('jib-lijst-2026-11.csv');
    const swapped = read(sample, { mapping: { firstName: 'achternaam', lastName: 'voornaam' } });
    expect(swapped.rows[0]).toMatchObject({ firstName: 'Heijden', lastName: 'Mohammed' });
    expect(read(sample, { mapping: { birthDate: 'GEBOORTEDATUM ' } }).mapping.birthDate).toBe('geboortedatum');
    const noKvk = read(sample, { mapping: { kvk: '' } });
    expect(noKvk.mapping.kvk).toBeUndefined();
    expect(noKvk.unmappedHeaders).toEqual(['kvk_inschrijving']);
    expect(noKvk.rows.every((r) => !r.kvk)).toBe(true);
  });

  it('takes a column given to one field away from the field it was detected for', () => {
    const e = refusal(fixture('jib-lijst-2026-11.csv'), { mapping: { lastName: 'voornaam' } });
    expect(e.code).toBe('no_name_columns');
    const file = read(fixture('jib-lijst-2026-11.csv'), { mapping: { city: 'gemeente', municipality: 'woonplaats' } });
    expect(file.mapping).toMatchObject({ city: 'gemeente', municipality: 'woonplaats' });
    expect(file.rows[0]).toMatchObject({ city: 'Leudal', municipality: 'Haelen' });
  });

  it('follows a "sep=" first line (Excel hides it, so the header stays row 1)', () => {
    const text = fixture('other-headers.csv').toString('utf8').replace(/,/g, ';').replace('"Kerkstraat 12; achter"', '"Kerkstraat 12, achter"');
    const file = read(Buffer.from(`sep=;\r\n${text}`), { mapping: { lastName: 'Naam', street: 'Adres' } });
    expect(file.delimiter).toBe(';');
    expect(file.headers[0]).toBe('Naam');
    expect(file.rows[0]).toMatchObject({ row: 2, firstName: 'Renée', street: 'Kerkstraat 12, achter' });
    expect(read(Buffer.from(`SEP=,\n${fixture('other-headers.csv').toString('utf8')}`), { mapping: { lastName: 'Naam' } }).delimiter).toBe(',');
    expect(refusal(Buffer.from(`sep=|\n${SAMPLE_HEADER}`)).code).toBe('file_unreadable');
  });

  it('refuses a mapping naming a header that is not in the file, with that header', () => {
    const e = refusal(fixture('jib-lijst-2026-11.csv'), { mapping: { lastName: 'Familie naam' } });
    expect(e.code).toBe('mapping_unknown_header');
    expect(e.vars).toEqual({ column: 'Familie naam', field: 'lastName' });
  });

  it('lists headers it does not use', () => {
    const file = read(listBytes([`${row()};x;y`], `${SAMPLE_HEADER};opmerking;telefoon`));
    expect(file.unmappedHeaders).toEqual(['opmerking', 'telefoon']);
    expect(file.rows).toHaveLength(1);
  });
});

// How fast is bench/'s business (npm run bench: the 10,000-row import); here only that such a list reads whole.
describe('readListFile: a large list', () => {
  it('reads 10,000 rows, each once', () => {
    const rows = Array.from({ length: 10_000 }, (_, i) =>
      row({ voornaam: `Naam${i}`, huisnummer: String(i), geboortedatum: `${String((i % 28) + 1).padStart(2, '0')}-0${(i % 9) + 1}-2001` }),
    );
    const bytes = listBytes(rows);
    const file = read(bytes);
    expect(file.rows).toHaveLength(10_000);
    expect(new Set(file.rows.map((r) => r.matchKey)).size).toBe(10_000);
    expect(file.errors).toEqual([]);
  });
});
