import { LEADING } from '../../templates/cards/index.js';
import { remember } from './memo.js';
import { TextWriter, type DrawTextOptions, type FittedText } from './text-draw.js';

export type { DrawTextOptions, FittedText };

/** The box a text must fit and the sizes it may take. */
export interface FitSpec {
  font: string;
  /** Largest and smallest size in points; tried from large to small in half points. */
  max: number;
  min: number;
  width: number;
  maxHeight: number;
  maxLines?: number;
  leading?: number;
  /** Keep runs of spaces (PostNL wants two between postcode and town); otherwise they collapse to one. */
  keepSpaces?: boolean;
}

const ELLIPSIS = '…';
const BREAK_AFTER = new Set(['@', '.', '-', '/', '_']);
const graphemes = new Intl.Segmenter('nl', { granularity: 'grapheme' });

/** Control characters and bidi overrides become spaces: a name cannot reorder or hide the text around it. */
export function cleanText(text: string, keepSpaces = false): string {
  const flat = text.normalize('NFC').replace(/[\p{Cc}\u200B\u202A-\u202E\u2066-\u2069\u2028\u2029]/gu, ' ');
  return (keepSpaces ? flat.replace(/\s/g, ' ') : flat.replace(/\s+/g, ' ')).trim();
}

/**
 * Text that must stay inside a box whatever comes in: names of 200
 * characters, an e-mail address without spaces, a long municipality. We wrap
 * ourselves (instead of pdfkit's wrapper) so the lines, their widths and the
 * block's height are known before anything is drawn - the layout and the
 * tests can rely on them. One per document: widths come from its fonts.
 */
export class TextFitter {
  /** The same text in the same box comes back for every card of a coach; a small memo saves the layout. */
  private readonly memo = new Map<string, FittedText>();
  private readonly writer: TextWriter;
  private readonly advances = new Map<string, Map<string, number>>();

  constructor(private readonly doc: PDFKit.PDFDocument) {
    this.writer = new TextWriter(doc);
  }

  /**
   * The sum of the characters' advance widths, without kerning or ligatures:
   * shaping every candidate line with fontkit cost ~75 us a call, and most
   * lines measured are new (links, codes, addresses). Kerning in DejaVu
   * mostly narrows a line; TextWriter.draw() uses the shaped width and squeezes the rare
   * line that still comes out wider, so nothing crosses the box.
   */
  width(font: string, size: number, text: string): number {
    let advances = this.advances.get(font);
    if (!advances) this.advances.set(font, (advances = new Map()));
    let units = 0;
    for (const ch of text) {
      let a = advances.get(ch);
      if (a === undefined) {
        a = this.doc.font(font).fontSize(1000).widthOfString(ch);
        advances.set(ch, a);
      }
      units += a;
    }
    return (units * size) / 1000;
  }

  fit(text: string | readonly string[], spec: FitSpec): FittedText {
    const raw = typeof text === 'string' ? `s${text}` : `a${text.join('\n')}`;
    const key = `${spec.font}|${spec.max}|${spec.min}|${spec.width}|${spec.maxHeight}|${spec.maxLines}|${spec.leading}|${spec.keepSpaces}|${raw}`;
    return remember(this.memo, key, () => {
      const paragraphs = (typeof text === 'string' ? [text] : text).map((t) => cleanText(t, spec.keepSpaces)).filter((p) => p !== '');
      return this.fitUncached(paragraphs, spec);
    });
  }

  /** One line if it fits at `oneLineMin` or larger (a name reads better unbroken), else as `spec` allows. */
  fitOneLineFirst(text: string, spec: FitSpec, oneLineMin: number): FittedText {
    const single = this.fit(text, { ...spec, min: Math.max(spec.min, oneLineMin), maxLines: 1 });
    return single.truncated ? this.fit(text, spec) : single;
  }

  private fitUncached(paragraphs: string[], spec: FitSpec): FittedText {
    const leading = spec.leading ?? LEADING;
    // First without breaking inside a word ("Ank|e" reads worse than a smaller "Anke"), then allowing it.
    for (const breakWords of [false, true]) {
      for (let size = spec.max; size >= spec.min - 1e-9; size -= 0.5) {
        const lineHeight = size * leading;
        const allowed = Math.min(spec.maxLines ?? Infinity, Math.floor(spec.maxHeight / lineHeight + 1e-9));
        const lines = this.wrapAll(paragraphs, spec.font, size, spec.width, breakWords);
        if (lines && lines.length <= allowed) return this.result(lines, spec.font, size, lineHeight, false);
      }
    }
    const size = spec.min;
    const lineHeight = size * leading;
    const allowed = Math.max(1, Math.min(spec.maxLines ?? Infinity, Math.floor(spec.maxHeight / lineHeight + 1e-9)));
    const lines = this.wrapAll(paragraphs, spec.font, size, spec.width, true)!;
    const kept = lines.slice(0, allowed);
    if (kept.length > 0) kept[kept.length - 1] = this.withEllipsis(kept[kept.length - 1]!, spec.font, size, spec.width);
    return this.result(kept, spec.font, size, lineHeight, true);
  }

  /** null when a word is wider than the line and `breakWords` is off. */
  private wrapAll(paragraphs: string[], font: string, size: number, width: number, breakWords: boolean): string[] | null {
    const lines: string[] = [];
    for (const p of paragraphs) {
      const wrapped = this.wrap(p, font, size, width, breakWords);
      if (!wrapped) return null;
      lines.push(...wrapped);
    }
    return lines;
  }

  private result(lines: string[], font: string, size: number, lineHeight: number, truncated: boolean): FittedText {
    const widths = lines.map((l) => this.width(font, size, l));
    return { lines, widths, font, size, lineHeight, height: lines.length * lineHeight, truncated };
  }

  /** Greedy on spaces; a word wider than the box is broken between graphemes (so "ễ" stays whole). */
  private wrap(paragraph: string, font: string, size: number, width: number, breakWords: boolean): string[] | null {
    const lines: string[] = [];
    let line = '';
    for (const word of paragraph.split(' ')) {
      const candidate = line === '' ? word : `${line} ${word}`;
      if (this.width(font, size, candidate) <= width) {
        line = candidate;
        continue;
      }
      if (line !== '') lines.push(line);
      line = word;
      if (!breakWords && this.width(font, size, line) > width) return null;
      while (this.width(font, size, line) > width) {
        const [head, rest] = this.splitToWidth(line, font, size, width);
        lines.push(head);
        line = rest;
      }
    }
    if (line !== '') lines.push(line);
    return lines;
  }

  /** The longest grapheme prefix that fits (at least one grapheme, so a wrap always makes progress). */
  private splitToWidth(word: string, font: string, size: number, width: number): [string, string] {
    const parts = Array.from(graphemes.segment(word), (s) => s.segment);
    let lo = 1;
    let hi = parts.length - 1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (this.width(font, size, parts.slice(0, mid).join('')) <= width) lo = mid;
      else hi = mid - 1;
    }
    // E-mail addresses and links read better broken after a separator than mid-word.
    for (let k = lo; k >= Math.ceil(lo / 2) && k < parts.length; k--) {
      if (BREAK_AFTER.has(parts[k - 1]!)) {
        lo = k;
        break;
      }
    }
    return [parts.slice(0, lo).join(''), parts.slice(lo).join('')];
  }

  private withEllipsis(line: string, font: string, size: number, width: number): string {
    const parts = Array.from(graphemes.segment(line), (s) => s.segment);
    while (parts.length > 0 && this.width(font, size, parts.join('') + ELLIPSIS) > width) parts.pop();
    return parts.join('').trimEnd() + ELLIPSIS;
  }

  /** Draws the lines with their tops from `y`; returns the y below the block. */
  draw(fitted: FittedText, x: number, y: number, width: number, opts: DrawTextOptions): number {
    return this.writer.draw(fitted, x, y, width, opts);
  }
}
