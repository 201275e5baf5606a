import { CARD_FONTS, ENVELOPE_WINDOW_MM, FOLD_MARKS_MM, PALETTE, TYPE_PT, cardText } from '../../templates/cards/index.js';
import { ink } from './colours.js';
import type { TextFitter } from './text-fit.js';
import { mm, type CardFace } from './types.js';

export interface AddressEntry {
  address: NonNullable<CardFace['address']>;
  language: CardFace['language'];
  /** The card's place in the run (1-based), printed small so the card and its sheet go into one envelope. */
  number: number;
}

/**
 * One A4 per addressed card: the address where the envelope window shows
 * it (ENVELOPE_WINDOW_MM), fold ticks, and the card number below the fold.
 * Nothing else: whoever sees the envelope should not learn more than the name.
 */
export function drawAddressSheet(doc: PDFKit.PDFDocument, fitter: TextFitter, entry: AddressEntry, totalCards: number): void {
  doc.addPage({ size: 'A4', margin: 0 });
  const w = ENVELOPE_WINDOW_MM;
  const width = mm(w.width - 2 * w.inset);
  const lines = [entry.address.name, ...entry.address.lines];
  const block = fitter.fit(lines, {
    font: CARD_FONTS.regular,
    ...TYPE_PT.address,
    width,
    maxHeight: mm(w.height - 2 * w.inset),
    leading: 1.2,
    keepSpaces: true,
  });
  // Top-aligned: the window's upper part is visible with every way the sheet can shift down in the envelope.
  fitter.draw(block, mm(w.left + w.inset), mm(w.top + w.inset), width, { color: ink(PALETTE.qr) });

  doc.save().lineWidth(0.4).strokeColor(ink(PALETTE.muted));
  for (const y of FOLD_MARKS_MM) doc.moveTo(mm(3), mm(y)).lineTo(mm(8), mm(y));
  doc.stroke().restore();

  const note = fitter.fit(cardText(entry.language, 'address.cardNumber', { n: String(entry.number), total: String(totalCards) }), {
    font: CARD_FONTS.regular,
    max: TYPE_PT.sheetNote,
    min: TYPE_PT.sheetNote,
    width: mm(60),
    maxHeight: 40,
    maxLines: 1,
  });
  fitter.draw(note, mm(A4_RIGHT_MM - 60), mm(282), mm(60), { color: ink(PALETTE.muted), align: 'right' });
}

const A4_RIGHT_MM = 190;
