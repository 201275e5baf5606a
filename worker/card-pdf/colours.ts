import { PALETTE, type CardCmyk } from '../../templates/cards/index.js';
import type { Cmyk } from './types.js';

/** pdfkit takes a 4-array as CMYK 0-100; a fresh mutable copy, so a caller's array is never kept or changed. */
export function ink(c: CardCmyk | Cmyk): Cmyk {
  return [clamp(c[0]), clamp(c[1]), clamp(c[2]), clamp(c[3])];
}

const clamp = (v: number) => (Number.isFinite(v) ? Math.min(100, Math.max(0, v)) : 0);

/** A lighter version of a colour printed with the same inks (a screen of `share`). */
export function tint(c: CardCmyk | Cmyk, share: number): Cmyk {
  const [cc, m, y, k] = ink(c);
  return [cc * share, m * share, y * share, k * share];
}

/**
 * White or dark text on a municipality colour, whichever contrasts more: a
 * municipality may pick a light yellow as well as a dark blue. The CMYK to RGB
 * step is the naive one; good enough to tell light from dark.
 */
export function textOn(background: CardCmyk | Cmyk): Cmyk {
  const bg = luminance(background);
  const white = luminance(PALETTE.white);
  const dark = luminance(PALETTE.text);
  return (white + 0.05) / (bg + 0.05) >= (bg + 0.05) / (dark + 0.05) ? ink(PALETTE.white) : ink(PALETTE.text);
}

function luminance(c: CardCmyk | Cmyk): number {
  const [cc, m, y, k] = ink(c).map((v) => v / 100) as Cmyk;
  const channel = (v: number) => {
    const s = (1 - v) * (1 - k);
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(cc) + 0.7152 * channel(m) + 0.0722 * channel(y);
}
