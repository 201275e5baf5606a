/**
 * Detecting a burgerservicenummer (BSN) to refuse the file: Lijntje must never
 * store one, so a list that holds them is refused whole - the coordinator removes the column
 * and asks the municipality to stop sending it.
 */

/**
 * The ways of writing a BSN the check must detect in a spreadsheet: 9 digits, or 8 when Excel took
 * it for a number and dropped the leading zero; grouped 1234.56.782 (the
 * official notation), 123.456.782 or 123 456 782. Dashes are not accepted as
 * grouping on purpose: dd-mm-yyyy dates would then read as 8 digits.
 */
const BSN_SHAPES = [/^\d{8,9}$/, /^\d{3,4}\.\d{2}\.\d{3}$/, /^\d{2,3}([. ])\d{3}\1\d{3}$/];

/** The BSN 11-test: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is a multiple of 11. */
export function passesElevenTest(digits: string): boolean {
  if (!/^\d{8,9}$/.test(digits)) return false;
  const d = digits.padStart(9, '0');
  if (/^0+$/.test(d)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * Number(d[i]);
  sum -= Number(d[8]);
  return sum % 11 === 0;
}

/** Written like a BSN (whether or not it passes the 11-test). */
export function isBsnShaped(cell: string): boolean {
  // A leading apostrophe is how Excel users force a number to stay text.
  const s = cell.trim().replace(/^'/, '');
  return s.length >= 8 && s.length <= 11 && BSN_SHAPES.some((re) => re.test(s));
}

/** Written like a BSN and passing the 11-test. */
export function looksLikeBsn(cell: string): boolean {
  if (!isBsnShaped(cell)) return false;
  return passesElevenTest(cell.replace(/\D/g, ''));
}

/** Header texts (normalised by headerKey) that announce a BSN column: refused by header alone. */
export function isBsnHeader(key: string): boolean {
  return (
    key.includes('bsn') ||
    key.includes('burgerservice') ||
    key.includes('sofinummer') ||
    key.includes('sofinr') ||
    key === 'sofi' ||
    key === 'ssn' ||
    key === 'socialsecuritynumber' ||
    key === 'citizenservicenumber'
  );
}
