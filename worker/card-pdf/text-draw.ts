import { remember } from './memo.js';
import type { Cmyk } from './types.js';

/** Lines as TextFitter laid them out: what gets drawn, at which size. */
export interface FittedText {
  lines: string[];
  widths: number[];
  font: string;
  size: number;
  lineHeight: number;
  height: number;
  /** True when even the smallest size did not fit and the text was cut with an ellipsis. */
  truncated: boolean;
}

export interface DrawTextOptions {
  color: Cmyk;
  align?: 'left' | 'center' | 'right';
}

/**
 * Writes fitted lines into the page content. pdfkit's text() lays out and
 * encodes a line again on every call and writes each operator separately;
 * with ~30 lines per card that was a quarter of the render time. Here a
 * block of lines is one BT..ET, and each line's glyph run is kept.
 * It uses a few pdfkit internals (the font's encode and ref, the page's font
 * table), so package.json pins pdfkit exactly; the pdftotext tests in
 * test/unit/card-pdf.test.ts fail if an upgrade changes them.
 */
export class TextWriter {
  private readonly runs = new Map<string, GlyphRun | null>();
  private readonly words = new Map<string, WordRun | null>();

  constructor(private readonly doc: PDFKit.PDFDocument) {}

  /** Draws the lines with their tops from `y`; returns the y below the block. */
  draw(fitted: FittedText, x: number, y: number, width: number, opts: DrawTextOptions): number {
    const doc = this.doc;
    doc.font(fitted.font).fontSize(fitted.size).fillColor(opts.color);
    const font = (doc as unknown as { _font: PdfkitFont })._font;
    // Centre the glyph box (ascender to descender) in each line's slot; pdfkit puts the baseline an ascender below the top.
    const inset = (fitted.lineHeight - doc.currentLineHeight(false)) / 2;
    const baseline = (font.ascender / 1000) * fitted.size;
    const shown: string[] = [];
    fitted.lines.forEach((line, i) => {
      const top = y + i * fitted.lineHeight + inset;
      const run = this.glyphRun(font, line);
      if (run === null) {
        const w = fitted.widths[i]!;
        const dx = opts.align === 'center' ? (width - w) / 2 : opts.align === 'right' ? width - w : 0;
        doc.text(line, x + dx, top, { lineBreak: false });
        return;
      }
      const shaped = (run.units * fitted.size) / 1000;
      const w = Math.min(shaped, width);
      const dx = opts.align === 'center' ? (width - w) / 2 : opts.align === 'right' ? width - w : 0;
      const squeeze = shaped > width + 0.01 ? (100 * width) / shaped : 100;
      const tm = `1 0 0 -1 ${num(x + dx)} ${num(top + baseline)} Tm`;
      shown.push(squeeze === 100 ? `${tm}\n${run.tj} TJ` : `${tm}\n${num(squeeze)} Tz\n${run.tj} TJ\n100 Tz`);
    });
    if (shown.length > 0) {
      doc.page.fonts[font.id] ??= font.ref();
      doc.addContent(`BT\n/${font.id} ${num(fitted.size)} Tf\n${shown.join('\n')}\nET`);
    }
    return y + fitted.height;
  }

  /**
   * The TJ operand for a line, as pdfkit's text() would write it (glyph ids
   * and kerning, which do not depend on size or position), kept per line:
   * most lines (the coach's message, the labels) are the same on every card,
   * and most words of the others too. Lines with glyph offsets (mark
   * positioning) return null and go through doc.text().
   */
  private glyphRun(font: PdfkitFont, text: string): GlyphRun | null {
    return remember(this.runs, `${font.id}\u0000${text}`, () => this.shape(font, text));
  }

  /** A line from its words' runs: pdfkit, too, shapes each word (with its trailing space) on its own. */
  private shape(font: PdfkitFont, text: string): GlyphRun | null {
    const parts: string[] = [];
    let pending = '';
    let units = 0;
    for (const word of text.match(/[^ \t]*[ \t]|[^ \t]+$/g) ?? []) {
      const run = remember(this.words, `${font.id}\u0000${word}`, () => shapeWord(font, word));
      if (run === null) return null;
      for (const g of run.glyphs) {
        pending += g.hex;
        if (g.kern !== 0) {
          parts.push(`<${pending}> ${num(-g.kern)}`);
          pending = '';
        }
      }
      units += run.units;
    }
    if (pending !== '') parts.push(`<${pending}> 0`);
    return { tj: `[${parts.join(' ')}]`, units };
  }
}

interface WordRun {
  glyphs: { hex: string; kern: number }[];
  units: number;
}

/** pdfkit's font does the shaping and encoding, so the glyphs land in its subset and ToUnicode map; null if a glyph is offset (mark positioning). */
function shapeWord(font: PdfkitFont, word: string): WordRun | null {
  const [encoded, positions] = font.encode(word);
  if (positions.some((p) => p.xOffset || p.yOffset)) return null;
  return {
    glyphs: positions.map((p, i) => ({ hex: encoded[i]!, kern: p.xAdvance - p.advanceWidth })),
    units: positions.reduce((sum, p) => sum + p.xAdvance, 0),
  };
}

/** A line's TJ operand and its shaped width in 1/1000 of the font size. */
interface GlyphRun {
  tj: string;
  units: number;
}

/** The parts of pdfkit's embedded font used to write text directly (pdfkit 0.20 internals; the tests read the text back). */
interface PdfkitFont {
  id: string;
  ascender: number;
  ref(): unknown;
  encode(text: string): [string[], { xAdvance: number; advanceWidth: number; xOffset: number; yOffset: number }[]];
}

/** pdfkit's number formatting: at most 6 decimals, no exponent. */
const num = (n: number) => String(Math.round(n * 1e6) / 1e6);
