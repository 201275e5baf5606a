/**
 * What a coordinator reads when the monthly list (core/list-file) refuses a
 * file or a row, in Dutch (default: B1, je/jij) and English. The codes are
 * core's; templates imports nothing, so they are spelled out here and a unit
 * test keeps both lists equal. `{placeholders}` are filled by listImportText.
 */
export type ListImportLanguage = 'nl' | 'en';

export const LIST_IMPORT_CODES = [
  // The whole file is refused.
  'file_too_large',
  'file_unreadable',
  'csv_malformed',
  'file_empty',
  'too_many_rows',
  'bsn_column',
  'bsn_values',
  'no_name_columns',
  'no_birth_date_column',
  'no_municipality_column',
  'no_postcode_column',
  'mapping_unknown_header',
  // One row is refused.
  'missing_first_name',
  'missing_last_name',
  'missing_birth_date',
  'invalid_date',
  'impossible_date',
  'age_out_of_range',
  'missing_postcode',
  'invalid_postcode',
  'missing_municipality',
  'invalid_yes_no',
  'value_too_long',
  'wrong_column_count',
  'municipality_not_served',
] as const;
export type ListFileCode = (typeof LIST_IMPORT_CODES)[number];

export const LIST_IMPORT_FIELDS = [
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
] as const;
export type ListImportField = (typeof LIST_IMPORT_FIELDS)[number];

const textsNl: Record<ListFileCode, string> = {
  file_too_large: 'Dit bestand is te groot. Een lijst mag maximaal {max} MB zijn. Splits de lijst in delen en lees ze één voor één in.',
  file_unreadable:
    'We kunnen dit bestand niet lezen. Het moet een CSV-bestand zijn. Heb je een Excel-bestand (.xlsx)? Open het in Excel en kies Opslaan als > CSV (gescheiden door lijstscheidingsteken).',
  csv_malformed:
    'Het bestand klopt niet vanaf rij {row}. Waarschijnlijk staat daar een aanhalingsteken (") dat niet wordt afgesloten. Pas die rij aan en probeer het opnieuw.',
  file_empty: 'Er staan geen jongeren in dit bestand. Het is leeg, of er staan alleen kolomnamen in.',
  too_many_rows: 'Dit bestand heeft meer dan {max} rijen. Splits de lijst in delen en lees ze één voor één in.',
  bsn_column:
    'Dit bestand heeft een kolom met burgerservicenummers (BSN): "{column}". Lijntje mag geen BSN bewaren. Daarom is er niets ingelezen. Haal de kolom weg en probeer het opnieuw. Vraag de gemeente om de lijst voortaan zonder BSN te sturen.',
  bsn_values:
    'In kolom "{column}" staan nummers die op een burgerservicenummer (BSN) lijken. Lijntje mag geen BSN bewaren. Daarom is er niets ingelezen. Haal die nummers weg en probeer het opnieuw. Vraag de gemeente om de lijst voortaan zonder BSN te sturen.',
  no_name_columns: 'We vinden geen kolom voor de voornaam of voor de achternaam. Geef aan in welke kolom de voornaam staat en in welke de achternaam.',
  no_birth_date_column: 'We vinden geen kolom voor de geboortedatum. Geef aan in welke kolom de geboortedatum staat.',
  no_municipality_column: 'We vinden geen kolom voor de gemeente. Geef aan in welke kolom de gemeente staat.',
  no_postcode_column: 'We vinden geen kolom voor de postcode. Geef aan in welke kolom de postcode staat.',
  mapping_unknown_header: 'De kolom "{column}" staat niet in dit bestand. Kies een kolom die wel in het bestand staat.',

  missing_first_name: 'De voornaam ontbreekt.',
  missing_last_name: 'De achternaam ontbreekt.',
  missing_birth_date: 'De geboortedatum ontbreekt.',
  invalid_date: 'Deze datum kunnen we niet lezen. Schrijf de datum als dag-maand-jaar, bijvoorbeeld 01-10-2003.',
  impossible_date: 'Deze datum bestaat niet, bijvoorbeeld 31 april of 29 februari in een jaar zonder schrikkeldag.',
  age_out_of_range: 'Deze jongere is {age} jaar op de datum van de lijst. Lijntje is voor jongeren van {min} tot en met {max} jaar.',
  missing_postcode: 'De postcode ontbreekt.',
  invalid_postcode: 'Dit is geen Nederlandse postcode. Een postcode heeft 4 cijfers en 2 letters, bijvoorbeeld 6088 DA.',
  missing_municipality: 'De gemeente ontbreekt.',
  invalid_yes_no: 'Hier moet ja of nee staan. Een leeg vak telt als nee.',
  value_too_long: 'Deze tekst is te lang. Er mogen maximaal {max} tekens in staan.',
  wrong_column_count:
    'Deze rij heeft {found} kolommen, maar er horen {expected} te zijn. Staat er een puntkomma of komma in een naam of adres? Zet die tekst dan tussen aanhalingstekens.',
  municipality_not_served: 'De gemeente {name} hoort niet bij jouw team. Deze jongere is niet ingelezen.',
};

const textsEn: Record<ListFileCode, string> = {
  file_too_large: 'This file is too large. A list can be at most {max} MB. Split the list into parts and import them one by one.',
  file_unreadable:
    'We cannot read this file. It must be a CSV file. Is it an Excel file (.xlsx)? Open it in Excel and choose Save as > CSV.',
  csv_malformed: 'The file is broken from row {row} on. There is probably a quotation mark (") that is not closed. Fix that row and try again.',
  file_empty: 'There are no young people in this file. It is empty, or it only has column names.',
  too_many_rows: 'This file has more than {max} rows. Split the list into parts and import them one by one.',
  bsn_column:
    'This file has a column of citizen service numbers (BSN): "{column}". Lijntje may not store a BSN, so nothing was imported. Remove the column and try again. Ask the municipality to send the list without BSN from now on.',
  bsn_values:
    'Column "{column}" holds numbers that look like citizen service numbers (BSN). Lijntje may not store a BSN, so nothing was imported. Remove those numbers and try again. Ask the municipality to send the list without BSN from now on.',
  no_name_columns: 'We cannot find a column for the first name or for the last name. Say which column holds the first name and which the last name.',
  no_birth_date_column: 'We cannot find a column for the date of birth. Say which column holds the date of birth.',
  no_municipality_column: 'We cannot find a column for the municipality. Say which column holds the municipality.',
  no_postcode_column: 'We cannot find a column for the postcode. Say which column holds the postcode.',
  mapping_unknown_header: 'The column "{column}" is not in this file. Choose a column that is in the file.',

  missing_first_name: 'The first name is missing.',
  missing_last_name: 'The last name is missing.',
  missing_birth_date: 'The date of birth is missing.',
  invalid_date: 'We cannot read this date. Write it as day-month-year, for example 01-10-2003.',
  impossible_date: 'This date does not exist, for example 31 April, or 29 February in a year that is not a leap year.',
  age_out_of_range: 'This young person is {age} on the date of the list. Lijntje is for young people aged {min} to {max}.',
  missing_postcode: 'The postcode is missing.',
  invalid_postcode: 'This is not a Dutch postcode. A postcode has 4 digits and 2 letters, for example 6088 DA.',
  missing_municipality: 'The municipality is missing.',
  invalid_yes_no: 'This must say yes or no (ja or nee). An empty cell counts as no.',
  value_too_long: 'This text is too long. It can have at most {max} characters.',
  wrong_column_count:
    'This row has {found} columns, but there should be {expected}. Is there a semicolon or comma in a name or address? Then put that text between quotation marks.',
  municipality_not_served: 'The municipality {name} is not one of your team\'s. This young person was not imported.',
};

export const listImportTexts: Record<ListImportLanguage, Record<ListFileCode, string>> = { nl: textsNl, en: textsEn };

/** What each field is called, for "which column holds ..." and for the row errors. */
export const listFieldLabels: Record<ListImportLanguage, Record<ListImportField | 'row', string>> = {
  nl: {
    lastName: 'Achternaam',
    namePrefix: 'Tussenvoegsel',
    firstName: 'Voornaam',
    birthDate: 'Geboortedatum',
    street: 'Straat',
    houseNumber: 'Huisnummer',
    postcode: 'Postcode',
    city: 'Woonplaats',
    municipality: 'Gemeente',
    inflowDate: 'Datum instroom',
    newInflow: 'Nieuwe instroom',
    kvk: 'Ingeschreven bij KvK',
    knownToMunicipality: 'Bekend bij gemeente',
    row: 'Rij',
  },
  en: {
    lastName: 'Last name',
    namePrefix: 'Name prefix',
    firstName: 'First name',
    birthDate: 'Date of birth',
    street: 'Street',
    houseNumber: 'House number',
    postcode: 'Postcode',
    city: 'Town',
    municipality: 'Municipality',
    inflowDate: 'Inflow date',
    newInflow: 'New inflow',
    kvk: 'Registered with KvK',
    knownToMunicipality: 'Known to municipality',
    row: 'Row',
  },
};

export function isListFileCode(code: string): code is ListFileCode {
  return Object.hasOwn(textsNl, code);
}

/** The text for a code with its {placeholders} filled; an unknown placeholder stays visible. */
export function listImportText(lang: ListImportLanguage, code: ListFileCode, vars: Record<string, string | number> = {}): string {
  return listImportTexts[lang][code].replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/**
 * One row error as a line of the rejected-rows CSV or the preview: the field,
 * then what is wrong ("Geboortedatum: deze datum bestaat niet ..."). A
 * whole-row problem has no field in front.
 */
export function listRowErrorText(
  lang: ListImportLanguage,
  e: { field: ListImportField | 'row'; code: ListFileCode; vars?: Record<string, string | number> },
): string {
  const text = listImportText(lang, e.code, e.vars ?? {});
  if (e.field === 'row') return text;
  return `${listFieldLabels[lang][e.field]}: ${text.charAt(0).toLowerCase()}${text.slice(1)}`;
}
