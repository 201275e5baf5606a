import { randomBytes } from 'node:crypto';
import PDFDocument from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { CARD_FONTS, PALETTE, TYPE_PT } from '../../templates/cards/index.js';
import { textOn } from '../../worker/card-pdf/colours.js';
import { qrMatrix, qrShape } from '../../worker/card-pdf/qr-vector.js';
import { TextFitter, cleanText } from '../../worker/card-pdf/text-fit.js';

const link = (bytes: number) => `https://lijntje.example.nl/k/${randomBytes(bytes).toString('base64url')}`;

describe('QR symbol', () => {
  it('is drawn as rectangles that cover exactly the dark modules, far fewer than one per module', () => {
    for (let i = 0; i < 50; i++) {
      const url = link(16);
      const { size, data } = qrMatrix(url);
      const shape = qrShape(url);
      const painted = new Uint8Array(size * size);
      for (const r of shape.rects) {
        for (let y = r.y; y < r.y + r.height; y++) for (let x = r.x; x < r.x + r.width; x++) painted[y * size + x]! += 1;
      }
      expect(Buffer.from(painted).equals(Buffer.from(data))).toBe(true); // no gaps, no overlaps
      expect(shape.rects.length).toBeLessThan(data.reduce((a, b) => a + b, 0) / 2);
    }
  });
});

describe('text fitting', () => {
  const doc = new PDFDocument({ autoFirstPage: false, font: CARD_FONTS.regular });
  const fitter = new TextFitter(doc);
  const width = 258;

  it('shrinks, wraps and finally cuts a 200-character name so it stays in its box', () => {
    for (const name of ['Wolfeschlegelsteinhausenbergerdorff '.repeat(6).slice(0, 200), 'x'.repeat(200)]) {
      const spec = { font: CARD_FONTS.bold, ...TYPE_PT.greeting, width, maxHeight: 74, maxLines: 3 };
      const fit = fitter.fit(`Hoi ${name},`, spec);
      expect(fit.lines.length).toBeLessThanOrEqual(3);
      expect(fit.height).toBeLessThanOrEqual(74);
      expect(fit.size).toBeGreaterThanOrEqual(TYPE_PT.greeting.min);
      for (const w of fit.widths) expect(w).toBeLessThanOrEqual(width);
      expect(fit.truncated).toBe(true);
      expect(fit.lines.at(-1)).toMatch(/…$/);
    }
  });

  it('keeps a normal greeting whole and large, and shrinks rather than breaks a long word', () => {
    const short = fitter.fit('Hoi Sigfrid,', { font: CARD_FONTS.bold, ...TYPE_PT.greeting, width, maxHeight: 74, maxLines: 3 });
    expect(short).toMatchObject({ lines: ['Hoi Sigfrid,'], size: TYPE_PT.greeting.max, truncated: false });
    const word = 'Bartholomeus-Maximiliaan-Alexander,';
    const long = fitter.fit(`Hoi ${word}`, { font: CARD_FONTS.bold, ...TYPE_PT.greeting, width, maxHeight: 74, maxLines: 3 });
    expect(long.lines.join(' ')).toBe(`Hoi ${word}`);
    expect(long.lines).toContain(word);
  });

  it('drops control and bidi characters, keeps double spaces only where asked', () => {
    expect(cleanText('Sig\u202Efrid\n\u0007 de\tVries ')).toBe('Sig frid de Vries');
    expect(cleanText('3511 AB  UTRECHT', true)).toBe('3511 AB  UTRECHT');
    expect(cleanText('3511 AB  UTRECHT')).toBe('3511 AB UTRECHT');
  });
});

describe('colours', () => {
  it('puts white text on a dark municipality colour and dark text on a light one', () => {
    expect(textOn([90, 40, 0, 35])).toEqual([...PALETTE.white]);
    expect(textOn([0, 10, 90, 0])).toEqual([...PALETTE.text]);
  });
});
