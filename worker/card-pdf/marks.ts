import { CROP_MARK, CUT_MARK, PALETTE } from '../../templates/cards/index.js';
import { ink } from './colours.js';
import { mm, type Box } from './types.js';

/**
 * Crop marks at the four corners of a single card: lines on the trim lines'
 * extensions, starting beyond the bleed so they never print on the
 * background that runs into it (the page has a slug for them).
 */
export function drawCropMarks(doc: PDFKit.PDFDocument, trim: Box): void {
  const off = mm(CROP_MARK.offsetMm);
  const len = mm(CROP_MARK.lengthMm);
  const left = trim.x;
  const right = trim.x + trim.width;
  const top = trim.y;
  const bottom = trim.y + trim.height;
  doc.save().lineWidth(CROP_MARK.widthPt).strokeColor(ink(PALETTE.registration));
  for (const y of [top, bottom]) {
    doc.moveTo(left - off - len, y).lineTo(left - off, y);
    doc.moveTo(right + off, y).lineTo(right + off + len, y);
  }
  for (const x of [left, right]) {
    doc.moveTo(x, top - off - len).lineTo(x, top - off);
    doc.moveTo(x, bottom + off).lineTo(x, bottom + off + len);
  }
  doc.stroke().restore();
}

/**
 * Cut guides on a 4-up sheet: ticks where each cut line meets the sheet edge,
 * and a small cross where the inner cuts meet. Cards touch edge to edge, so
 * the guides lie on the cut lines themselves, inside the white card frames:
 * the cut removes them, and an office printer's unprintable edge does not
 * hide the centre cross.
 */
export function drawCutMarks(doc: PDFKit.PDFDocument, sheet: { width: number; height: number }, cutsX: number[], cutsY: number[]): void {
  const len = mm(CUT_MARK.lengthMm);
  const cross = mm(CUT_MARK.centreCrossMm) / 2;
  doc.save().lineWidth(CUT_MARK.widthPt).strokeColor(ink(PALETTE.registration));
  // A cut on the sheet's own edge needs no guide.
  const innerX = cutsX.filter((x) => x > 0.5 && x < sheet.width - 0.5);
  const innerY = cutsY.filter((y) => y > 0.5 && y < sheet.height - 0.5);
  for (const x of innerX) {
    doc.moveTo(x, 0).lineTo(x, len);
    doc.moveTo(x, sheet.height - len).lineTo(x, sheet.height);
  }
  for (const y of innerY) {
    doc.moveTo(0, y).lineTo(len, y);
    doc.moveTo(sheet.width - len, y).lineTo(sheet.width, y);
  }
  // Only where two cuts cross inside the sheet (not on the 0.5 mm strips at its top and bottom).
  for (const x of innerX.filter((v) => v > len && v < sheet.width - len)) {
    for (const y of innerY.filter((v) => v > len && v < sheet.height - len)) {
      doc.moveTo(x - cross, y).lineTo(x + cross, y);
      doc.moveTo(x, y - cross).lineTo(x, y + cross);
    }
  }
  doc.stroke().restore();
}
