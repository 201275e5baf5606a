/**
 * The card's print design: sizes in millimetres, type sizes in points,
 * colours in CMYK (0-100 per ink). The renderer (worker/card-pdf/) only places
 * what is described here, so a designer can change the card in this file.
 */
export type CardCmyk = readonly [c: number, m: number, y: number, k: number];

/** A6 portrait, the size a youngster finds on the doormat. */
export const CARD_MM = { width: 105, height: 148 } as const;
/** Printers ask for 3 mm; backgrounds run this far past the cut. */
export const BLEED_MM = 3;
/**
 * Trim edge to page edge on the single-card (a6) pages. Crop marks must stay
 * outside the bleed (inside it they would print over the background that runs
 * there), so the page is larger than trim + bleed: 125 x 168 mm, with TrimBox
 * and BleedBox telling the print shop where to cut.
 */
export const SLUG_MM = 10;
export const CROP_MARK = { offsetMm: 4, lengthMm: 5, widthPt: 0.25 } as const;
/** Nothing important closer to the cut than this: guillotines wander about 1-2 mm. */
export const SAFE_MM = 7;

export const A4_MM = { width: 210, height: 297 } as const;
/**
 * Four A6 cards fill an A4 sheet edge to edge, so there is no room for bleed.
 * On 4-up sheets every card gets a white frame instead: office printers do not
 * print the outer ~4 mm, and a cut a little off the line then meets white on
 * both sides rather than a sliver of the neighbouring card.
 */
export const A4_FRAME_MM = 4;
/** Cut ticks on 4-up sheets: within the white frames, so they print and never touch a card's colour. */
export const CUT_MARK = { lengthMm: 3.5, centreCrossMm: 3, widthPt: 0.3 } as const;

export const FRONT_MM = {
  bandHeight: 34,
  accentStripe: 1.8,
  logoBox: { width: 30, height: 17, padding: 2, radius: 2 },
  /** Air between the accent stripe and the greeting, and between the "turn over" line and the coach panel, at the least. */
  gapBelowBand: 5,
  gapAbovePanel: 5,
  greetingMaxHeight: 26,
  gapAfterGreeting: 3,
  gapBeforeTurnOver: 2,
  panel: { top: 99, bottom: 141, radius: 3, padding: 4 },
  photoDiameter: 26,
} as const;

export const BACK_MM = {
  titleTop: 9,
  /** Including the 4-module quiet zone; a 33-module symbol (a ~50-character link) gets 1.27 mm modules, easy for any phone. */
  qrSize: 52,
  qrTop: 27,
  bandHeight: 9,
  accentStripe: 1.2,
} as const;

/** In points. Where text can be long (names, e-mail) it shrinks to `min`, then wraps, then is cut with an ellipsis. */
export const TYPE_PT = {
  municipality: { max: 13, min: 7 },
  greeting: { max: 25, min: 10 },
  body: { max: 10.5, min: 7 },
  coachName: { max: 14, min: 8 },
  coachRole: 8,
  contact: { max: 9, min: 6 },
  initial: 34,
  turnOver: 8.5,
  backTitle: { max: 17, min: 9 },
  backBody: 9.5,
  shortUrl: { max: 12, min: 6.5 },
  shortCode: { max: 17, min: 9 },
  small: { max: 7.5, min: 5.5 },
  stop: { max: 9, min: 6.5 },
  bandText: { max: 8, min: 5.5 },
  address: { max: 10.5, min: 7 },
  sheetNote: 8,
} as const;
/** Line height as a multiple of the font size. */
export const LEADING = 1.3;

export const PALETTE = {
  /** Used when a municipality has not set its own colours. */
  primary: [88, 35, 48, 20] as CardCmyk,
  accent: [0, 55, 65, 0] as CardCmyk,
  /** Text in black ink only: small type in four inks blurs when the plates are a hair off. */
  text: [0, 0, 0, 88] as CardCmyk,
  muted: [0, 0, 0, 62] as CardCmyk,
  white: [0, 0, 0, 0] as CardCmyk,
  qr: [0, 0, 0, 100] as CardCmyk,
  /** All four plates: crop marks must show on every separation. */
  registration: [100, 100, 100, 100] as CardCmyk,
  /** How much of the accent colour the coach panel gets. */
  panelTint: 0.14,
} as const;

/**
 * The window of a Dutch window envelope (EA5/6, 110 x 220 mm, venster links)
 * for an A4 folded in three: the address field of the NEN 1026 letter layout
 * sits about 20 mm from the left edge and 50 mm from the top of the sheet;
 * 85 x 35 mm is what shows through the window in the common envelope makes.
 * The text keeps `inset` from the window's edges because the folded sheet
 * shifts a few millimetres in the envelope. Check against the supplier's spec.
 */
export const ENVELOPE_WINDOW_MM = { left: 20, top: 50, width: 85, height: 35, inset: 3 } as const;
/** A4 folded in three (99 mm panels): short ticks at the left edge show where. */
export const FOLD_MARKS_MM = [99, 198] as const;
