import { ListFileRefused } from './codes.js';
import { type ColumnMapping, LIST_FIELDS, type ListField } from './types.js';

/** A header for comparing: no diacritics, lower case, letters and digits only ("Geb. datum" -> "gebdatum"). */
export function headerKey(header: string): string {
  return header
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/**
 * Header names (as headerKey gives them) each field is known by. Ambiguous
 * ones stay out on purpose - "Naam" may be a full name or a last name,
 * "Adres" may hold street and number, "Nummer" may be a client number - so
 * they need the coordinator's mapping instead of a guess.
 */
export const HEADER_SYNONYMS: Record<ListField, readonly string[]> = {
  lastName: ['achternaam', 'familienaam', 'geslachtsnaam', 'achternaamjongere', 'lastname', 'surname', 'familyname'],
  namePrefix: ['tussenvoegsel', 'tussenvoegsels', 'voorvoegsel', 'voorvoegsels', 'voorvoegselgeslachtsnaam', 'tussenv', 'voorv', 'prefix', 'nameprefix', 'infix'],
  firstName: ['voornaam', 'voornamen', 'roepnaam', 'voornaamjongere', 'firstname', 'givenname', 'forename'],
  birthDate: ['geboortedatum', 'gebdatum', 'gebdat', 'geboortedag', 'geboren', 'birthdate', 'dateofbirth', 'dob'],
  street: ['straat', 'straatnaam', 'street', 'streetname'],
  houseNumber: ['huisnummer', 'huisnr', 'nr', 'housenumber'],
  postcode: ['postcode', 'postcd', 'pc', 'zipcode', 'zip', 'postalcode'],
  city: ['woonplaats', 'woonplaatsnaam', 'plaats', 'plaatsnaam', 'stad', 'city', 'town', 'residence'],
  municipality: ['gemeente', 'gem', 'gemeentenaam', 'woongemeente', 'municipality'],
  inflowDate: ['datuminstroom', 'instroomdatum', 'datuminstroming', 'inflowdate'],
  newInflow: ['nieuweinstroom', 'nieuwinstroom', 'nieuweinstromer', 'nieuw', 'newinflow'],
  kvk: ['kvk', 'kvkinschrijving', 'kvkingeschreven', 'inschrijvingkvk', 'ingeschrevenbijkvk', 'kamervankoophandel'],
  knownToMunicipality: ['bekendbijgemeente', 'bekendbijdegemeente', 'bekendgemeente', 'knowntomunicipality'],
};

const FIELD_BY_KEY: ReadonlyMap<string, ListField> = new Map(
  LIST_FIELDS.flatMap((field) => HEADER_SYNONYMS[field].map((key) => [key, field] as const)),
);

/** Field -> column index; the first column wins when a header occurs twice. */
export type ColumnIndexes = Partial<Record<ListField, number>>;

export interface ResolvedColumns {
  mapping: ColumnMapping;
  indexes: ColumnIndexes;
  /** Caller's mapping entries that name no header of the file. */
  unknown: { field: ListField; header: string }[];
}

function findHeader(headers: readonly string[], wanted: string): number {
  const exact = headers.indexOf(wanted.trim());
  if (exact >= 0) return exact;
  // Forms and CLIs may pass the header in another case or with other spacing; that is still the same column.
  const key = headerKey(wanted);
  return key === '' ? -1 : headers.findIndex((h) => headerKey(h) === key);
}

/** Detects each field's column from the headers, then applies the caller's overrides. */
export function resolveColumns(headers: readonly string[], overrides: ColumnMapping = {}): ResolvedColumns {
  const indexes: ColumnIndexes = {};
  headers.forEach((h, i) => {
    const field = FIELD_BY_KEY.get(headerKey(h));
    if (field && indexes[field] === undefined) indexes[field] = i;
  });
  const unknown: ResolvedColumns['unknown'] = [];
  const chosen = new Map<ListField, number>();
  for (const field of LIST_FIELDS) {
    const wanted: unknown = overrides[field];
    // A remembered mapping comes back from JSON; anything but a string there is no choice.
    if (typeof wanted !== 'string') continue;
    delete indexes[field];
    if (wanted.trim() === '') continue;
    const i = findHeader(headers, wanted);
    if (i < 0) unknown.push({ field, header: wanted });
    else chosen.set(field, i);
  }
  // A column the caller gives to one field is no longer a guess for another: mapping "voornaam" to
  // lastName must not leave it detected as firstName too.
  const claimed = new Set(chosen.values());
  for (const field of LIST_FIELDS) {
    const i = indexes[field];
    if (i !== undefined && claimed.has(i)) delete indexes[field];
  }
  for (const [field, i] of chosen) indexes[field] = i;
  const mapping: ColumnMapping = {};
  for (const field of LIST_FIELDS) {
    const i = indexes[field];
    if (i !== undefined) mapping[field] = headers[i]!;
  }
  return { mapping, indexes, unknown };
}

/** Refuses a mapping that names a header the file does not have, or a file without the columns we need. */
export function assertUsableColumns(resolved: ResolvedColumns): void {
  const first = resolved.unknown[0];
  if (first) {
    throw new ListFileRefused('mapping_unknown_header', {
      column: first.header,
      field: first.field,
    }, `Mapping for ${first.field} names a header that is not in the file`);
  }
  const has = (f: ListField) => resolved.indexes[f] !== undefined;
  if (!has('firstName') || !has('lastName')) throw new ListFileRefused('no_name_columns', {}, 'No first-name or last-name column');
  if (!has('birthDate')) throw new ListFileRefused('no_birth_date_column', {}, 'No birth-date column');
  if (!has('postcode')) throw new ListFileRefused('no_postcode_column', {}, 'No postcode column');
  if (!has('municipality')) throw new ListFileRefused('no_municipality_column', {}, 'No municipality column');
}

export function unmappedHeaders(headers: readonly string[], indexes: ColumnIndexes): string[] {
  const used = new Set(Object.values(indexes));
  return headers.filter((h, i) => h !== '' && !used.has(i));
}
