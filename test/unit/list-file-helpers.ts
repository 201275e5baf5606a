import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { ListFileRefused, readListFile, type ListFile } from '../../core/list-file/index.js';

/** The lists' month in the sample: ages are taken on its first day. */
export const LIST_DATE = '2026-11-01';

export const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/lists/${name}`, import.meta.url));

export const SAMPLE_HEADER =
  'achternaam;tussenvoegsel;voornaam;geboortedatum;straat;huisnummer;postcode;woonplaats;gemeente;datum_instroom;nieuwe_instroom;kvk_inschrijving;bekend_bij_gemeente';

const DEFAULT_ROW = {
  achternaam: 'Bakker',
  tussenvoegsel: '',
  voornaam: 'Sara',
  geboortedatum: '22-04-2000',
  straat: 'Kerkstraat',
  huisnummer: '14',
  postcode: '6004 AE',
  woonplaats: 'Weert',
  gemeente: 'Weert',
  datum_instroom: '01-08-2026',
  nieuwe_instroom: 'nee',
  kvk_inschrijving: 'ja',
  bekend_bij_gemeente: 'nee',
};

/** One ;-row in the sample's column order: a valid person unless a cell is overridden. */
export function row(overrides: Partial<typeof DEFAULT_ROW> = {}): string {
  return Object.values({ ...DEFAULT_ROW, ...overrides }).join(';');
}

/** A UTF-8 list file with the sample's header. */
export function listBytes(rows: string[], header = SAMPLE_HEADER): Buffer {
  return Buffer.from([header, ...rows].join('\n') + '\n', 'utf8');
}

export function read(bytes: Uint8Array, opts: Partial<Parameters<typeof readListFile>[1]> = {}): ListFile {
  return readListFile(bytes, { listDate: LIST_DATE, ...opts });
}

/** The refusal readListFile throws (failing the test when it does not throw one). */
export function refusal(bytes: Uint8Array, opts: Partial<Parameters<typeof readListFile>[1]> = {}): ListFileRefused {
  try {
    read(bytes, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(ListFileRefused);
    return err as ListFileRefused;
  }
  throw new Error('expected the file to be refused, but it was read');
}
