import { PALETTE } from '../../templates/cards/index.js';
import { ink } from './colours.js';
import QRCode from 'qrcode';

/** The quiet zone the QR spec asks for; scanners lose codes that touch other ink. */
export const QUIET_MODULES = 4;

/** A run of dark modules, in module units (quiet zone excluded). */
export interface ModuleRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface QrShape {
  /** Modules per side, without the quiet zone. */
  size: number;
  rects: ModuleRect[];
}

/**
 * The qrcode package's matrix for a link (1 = dark, row-major). One byte-mode segment: a link
 * is byte mode anyway, and it spares the package its search for the cheapest mix of modes.
 * The package picks the mask pattern (the largest part of a card's QR cost, ~0.3 ms).
 */
export function qrMatrix(text: string): { size: number; data: Uint8Array } {
  const { modules } = QRCode.create([{ data: new TextEncoder().encode(text), mode: 'byte' }], { errorCorrectionLevel: 'M' });
  return { size: modules.size, data: modules.data };
}

/**
 * The QR symbol as rectangles: dark runs per row, and a run repeated on the
 * next rows with the same start and length grows downwards instead of
 * starting a new rectangle. Vector keeps the code sharp at any print
 * resolution; merging turns ~600 dark modules into ~250 rectangles (~3 KB of
 * content per card before compression).
 */
export function qrShape(text: string): QrShape {
  const { size, data } = qrMatrix(text);
  const rects: ModuleRect[] = [];
  let open = new Map<number, ModuleRect>(); // keyed by start * size + length
  for (let row = 0; row < size; row++) {
    const next = new Map<number, ModuleRect>();
    let col = 0;
    while (col < size) {
      if (!data[row * size + col]) {
        col++;
        continue;
      }
      const start = col;
      while (col < size && data[row * size + col]) col++;
      const key = start * size + (col - start);
      const above = open.get(key);
      if (above) {
        above.height++;
        next.set(key, above);
      } else {
        const rect = { x: start, y: row, width: col - start, height: 1 };
        rects.push(rect);
        next.set(key, rect);
      }
    }
    open = next;
  }
  return { size, rects };
}

/**
 * Draws the code with its quiet zone in a `side` x `side` square at (x, y).
 * One path and one fill: abutting rectangles then rasterise without seams.
 * Rectangles are added with doc.addContent (pdfkit's own primitive) to keep
 * ~300 of them one string.
 */
export function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, side: number): QrShape {
  const shape = qrShape(text);
  const module = side / (shape.size + 2 * QUIET_MODULES);
  doc.save();
  // The quiet zone must be paper white even if a background is ever put behind the code.
  doc.rect(x, y, side, side).fill(ink(PALETTE.white));
  doc.fillColor(ink(PALETTE.qr));
  doc.translate(x + QUIET_MODULES * module, y + QUIET_MODULES * module).scale(module);
  // Integer module coordinates written as one piece: doc.rect() per run costs a content write each.
  doc.addContent(`${shape.rects.map((r) => `${r.x} ${r.y} ${r.width} ${r.height} re`).join('\n')}\nf`);
  doc.restore();
  return shape;
}
