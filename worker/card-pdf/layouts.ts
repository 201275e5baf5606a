import { A4_FRAME_MM, A4_MM, BLEED_MM, CARD_MM, SLUG_MM } from '../../templates/cards/index.js';
import type { CardPainter } from './card-faces.js';
import { drawCropMarks, drawCutMarks } from './marks.js';
import { mm, type Box, type CardFace, type CardLayout, type FacePlacement } from './types.js';

/** Takes cards one at a time and puts them on pages; a4 holds back up to three until its sheet is full. */
export interface LayoutWriter {
  add(face: CardFace): void;
  /** Draws what is still held back (the last, partly empty sheet). */
  finish(): void;
  /** Cards that are on pages so far. */
  readonly cardsDrawn: number;
}

export function createLayout(doc: PDFKit.PDFDocument, painter: CardPainter, layout: CardLayout): LayoutWriter {
  if (layout === 'a6') return new SingleCards(doc, painter);
  if (layout === 'a4') return new FourUpSheets(doc, painter);
  throw new RangeError(`unknown card layout: ${String(layout)}`);
}

const CARD = { width: mm(CARD_MM.width), height: mm(CARD_MM.height) };

/**
 * a6: front and back of each card on pages of their own, for a print shop.
 * The page is trim + bleed + slug (125 x 168 mm, see SLUG_MM); TrimBox and
 * BleedBox say where the card is, so the shop's imposition ignores the slug.
 */
class SingleCards implements LayoutWriter {
  cardsDrawn = 0;
  private readonly slug = mm(SLUG_MM);
  private readonly trim: Box = { x: this.slug, y: this.slug, ...CARD };
  private readonly size = [CARD.width + 2 * this.slug, CARD.height + 2 * this.slug];

  constructor(
    private readonly doc: PDFKit.PDFDocument,
    private readonly painter: CardPainter,
  ) {}

  add(face: CardFace): void {
    const at: FacePlacement = { trim: this.trim, bleed: mm(BLEED_MM), frame: 0 };
    for (const side of ['front', 'back'] as const) {
      this.doc.addPage({ size: this.size, margin: 0 });
      setPrintBoxes(this.doc, this.trim, mm(BLEED_MM));
      // Backgrounds that run into the bleed stop at its edge; the slug stays white for the marks.
      this.doc.save();
      this.doc.rect(this.trim.x - mm(BLEED_MM), this.trim.y - mm(BLEED_MM), CARD.width + mm(2 * BLEED_MM), CARD.height + mm(2 * BLEED_MM)).clip();
      if (side === 'front') this.painter.front(face, at);
      else this.painter.back(face, at);
      this.doc.restore();
      drawCropMarks(this.doc, this.trim);
    }
    this.cardsDrawn++;
  }

  finish(): void {}
}

/**
 * a4: four cards per sheet for an office printer, fronts on one page and
 * backs on the next. Backs swap left and right: with long-edge duplex the
 * back of the top-left card then lands behind it. Four A6 fill an A4 exactly
 * (0.5 mm left over top and bottom), so cards touch and there is no bleed.
 */
class FourUpSheets implements LayoutWriter {
  cardsDrawn = 0;
  private pending: CardFace[] = [];
  private readonly sheet = { width: mm(A4_MM.width), height: mm(A4_MM.height) };
  private readonly origin = { x: (this.sheet.width - 2 * CARD.width) / 2, y: (this.sheet.height - 2 * CARD.height) / 2 };

  constructor(
    private readonly doc: PDFKit.PDFDocument,
    private readonly painter: CardPainter,
  ) {}

  /** Where card `i` (0-3, reading order on the front page) sits on a front or back page. */
  slot(i: number, back: boolean): Box {
    const col = back ? 1 - (i % 2) : i % 2;
    const row = Math.floor(i / 2);
    return { x: this.origin.x + col * CARD.width, y: this.origin.y + row * CARD.height, ...CARD };
  }

  add(face: CardFace): void {
    this.pending.push(face);
    if (this.pending.length === 4) this.flush();
  }

  finish(): void {
    if (this.pending.length > 0) this.flush();
  }

  private flush(): void {
    const cutsX = [0, 1, 2].map((k) => this.origin.x + k * CARD.width);
    const cutsY = [0, 1, 2].map((k) => this.origin.y + k * CARD.height);
    for (const back of [false, true]) {
      this.doc.addPage({ size: 'A4', margin: 0 });
      this.pending.forEach((face, i) => {
        const at: FacePlacement = { trim: this.slot(i, back), bleed: 0, frame: mm(A4_FRAME_MM) };
        if (back) this.painter.back(face, at);
        else this.painter.front(face, at);
      });
      drawCutMarks(this.doc, this.sheet, cutsX, cutsY);
    }
    this.cardsDrawn += this.pending.length;
    this.pending = [];
  }
}

/** TrimBox and BleedBox in PDF space (origin bottom left), set while the page is open: pdfkit writes its dictionary at the end of the page. */
function setPrintBoxes(doc: PDFKit.PDFDocument, trim: Box, bleed: number): void {
  const h = doc.page.height;
  const box = (b: Box) => [b.x, h - b.y - b.height, b.x + b.width, h - b.y];
  const data = doc.page.dictionary.data as Record<string, unknown>;
  data.TrimBox = box(trim);
  data.BleedBox = box({ x: trim.x - bleed, y: trim.y - bleed, width: trim.width + 2 * bleed, height: trim.height + 2 * bleed });
}
