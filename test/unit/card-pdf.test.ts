import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inflateSync } from 'node:zlib';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCard, sampleImages } from '../../bench/cards.js';
import { A4_MM, BACK_MM, BLEED_MM, CARD_MM, CROP_MARK, ENVELOPE_WINDOW_MM, SLUG_MM } from '../../templates/cards/index.js';
import { CardImageError, renderCardsPdf, type CardFace, type RenderOptions } from '../../worker/card-pdf/index.js';

/**
 * The card PDF as a print shop and a youngster meet it: read back with
 * poppler (pdfinfo, pdftotext, pdftoppm) and the QR codes decoded from the
 * rendered pixels with jsQR, so what is asserted is what gets printed.
 */
const run = promisify(execFile);
// jsqr is CommonJS whose types declare a default export: under NodeNext the import is the module object in the types, the function at runtime.
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ?? jsQRModule) as typeof jsQRModule.default;
const PT = 72 / 25.4;
let dir: string;
let images: { logo: Uint8Array; photo: Uint8Array };
const noImages = { logo: null, photo: null };

beforeAll(async () => {
  dir = await mkdtemp(join(os.tmpdir(), 'lijntje-card-pdf-'));
  images = await sampleImages();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function render(cards: CardFace[] | AsyncIterable<CardFace>, opts: RenderOptions) {
  const path = join(dir, `${randomUUID()}.pdf`);
  const result = await renderCardsPdf(cards, path, opts);
  return { path, ...result };
}

async function info(path: string, page = 1) {
  const { stdout } = await run('pdfinfo', ['-box', '-f', String(page), '-l', String(page), path]);
  const box = (name: string) => {
    const m = new RegExp(`Page\\s+${page} ${name}:\\s+([\\d.]+)\\s+([\\d.]+)\\s+([\\d.]+)\\s+([\\d.]+)`).exec(stdout);
    if (!m) throw new Error(`no ${name} in pdfinfo output`);
    return m.slice(1).map(Number) as [number, number, number, number];
  };
  return { pages: Number(/Pages:\s+(\d+)/.exec(stdout)![1]), media: box('MediaBox'), trim: box('TrimBox'), bleed: box('BleedBox') };
}

async function text(path: string, page: number) {
  const { stdout } = await run('pdftotext', ['-f', String(page), '-l', String(page), path, '-']);
  return stdout.replace(/\s+/g, ' ');
}

interface Word {
  text: string;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}
/** Word boxes in points from the top-left of the page. */
async function words(path: string, page: number): Promise<Word[]> {
  const { stdout } = await run('pdftotext', ['-bbox', '-f', String(page), '-l', String(page), path, '-']);
  return [...stdout.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)<\/word>/g)].map((m) => ({
    xMin: Number(m[1]),
    yMin: Number(m[2]),
    xMax: Number(m[3]),
    yMax: Number(m[4]),
    text: m[5]!,
  }));
}

async function png(path: string, page: number, dpi = 200): Promise<PNG> {
  const prefix = join(dir, randomUUID());
  await run('pdftoppm', ['-r', String(dpi), '-png', '-f', String(page), '-l', String(page), '-singlefile', path, prefix]);
  return PNG.sync.read(await readFile(`${prefix}.png`));
}

/** Decodes the QR code in a part of the image (fractions of width and height). */
function qrIn(image: PNG, part = { x: 0, y: 0, w: 1, h: 1 }): string | null {
  const x0 = Math.round(part.x * image.width);
  const y0 = Math.round(part.y * image.height);
  const w = Math.round(part.w * image.width);
  const h = Math.round(part.h * image.height);
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) data.set(image.data.subarray(((y0 + y) * image.width + x0) * 4, ((y0 + y) * image.width + x0 + w) * 4), y * w * 4);
  return jsQR(data, w, h)?.data ?? null;
}

/** Grey level (0 black - 255 white) at a point given in mm from the page's top left. */
function greyAt(image: PNG, dpi: number, xMm: number, yMm: number): number {
  const x = Math.round((xMm / 25.4) * dpi);
  const y = Math.round((yMm / 25.4) * dpi);
  const o = (y * image.width + x) * 4;
  return (image.data[o]! + image.data[o + 1]! + image.data[o + 2]!) / 3;
}

/** The decompressed content streams of the file (pdfkit writes object dictionaries uncompressed). */
async function contentStreams(path: string): Promise<string[]> {
  const pdf = await readFile(path);
  const latin = pdf.toString('latin1');
  const out: string[] = [];
  for (const m of latin.matchAll(/\d+ 0 obj\s*<<((?:(?!endobj)[^])*?)>>\s*stream\n/g)) {
    const dict = m[1]!;
    if (!/\/Filter \/FlateDecode/.test(dict) || /\/Subtype|\/Length1/.test(dict)) continue;
    const length = Number(/\/Length (\d+)/.exec(dict)![1]);
    const start = m.index! + m[0].length;
    out.push(inflateSync(pdf.subarray(start, start + length)).toString('latin1'));
  }
  return out;
}

const card = (i: number, over: Partial<CardFace> = {}) => sampleCard(i, images, over);

describe('a6 layout (print shop)', () => {
  it('has a front and a back page per card, then one address sheet per card with an address', async () => {
    const cards = [card(0), card(1, { address: null }), card(2)];
    const r = await render(cards, { layout: 'a6', addressSheets: true });
    expect(r).toMatchObject({ pages: 3 * 2 + 2, cards: 3 });
    expect((await info(r.path)).pages).toBe(8);
    const sheet = await info(r.path, 7);
    expect(sheet.media[2]).toBeCloseTo(A4_MM.width * PT, 1);
    expect(sheet.media[3]).toBeCloseTo(A4_MM.height * PT, 1);
    const none = await render(cards, { layout: 'a6', addressSheets: false });
    expect(none.pages).toBe(6);
  });

  it('is trim + bleed + a slug for the crop marks, with TrimBox and BleedBox where the card is', async () => {
    const r = await render([card(0)], { layout: 'a6', addressSheets: false });
    for (const page of [1, 2]) {
      const { media, trim, bleed } = await info(r.path, page);
      const s = SLUG_MM * PT;
      const b = (SLUG_MM - BLEED_MM) * PT;
      expect(media[2]).toBeCloseTo((CARD_MM.width + 2 * SLUG_MM) * PT, 1);
      expect(media[3]).toBeCloseTo((CARD_MM.height + 2 * SLUG_MM) * PT, 1);
      expect(trim[0]).toBeCloseTo(s, 1);
      expect(trim[1]).toBeCloseTo(s, 1);
      expect(trim[2] - trim[0]).toBeCloseTo(CARD_MM.width * PT, 1); // 105 mm
      expect(trim[3] - trim[1]).toBeCloseTo(CARD_MM.height * PT, 1); // 148 mm
      expect(bleed[0]).toBeCloseTo(b, 1);
      expect(bleed[2] - bleed[0]).toBeCloseTo((CARD_MM.width + 2 * BLEED_MM) * PT, 1); // 111 mm
      expect(bleed[3] - bleed[1]).toBeCloseTo((CARD_MM.height + 2 * BLEED_MM) * PT, 1); // 154 mm
    }
  });

  it('runs the colour band into the bleed, keeps the slug white and puts crop marks outside the bleed', async () => {
    const r = await render([card(0)], { layout: 'a6', addressSheets: false });
    const dpi = 300;
    const image = await png(r.path, 1, dpi);
    const trimLeft = SLUG_MM;
    const trimTop = SLUG_MM;
    const inBand = trimTop + 10;
    expect(greyAt(image, dpi, trimLeft - BLEED_MM / 2, inBand)).toBeLessThan(150); // band colour in the bleed
    expect(greyAt(image, dpi, trimLeft + 2, trimTop - BLEED_MM / 2)).toBeLessThan(150);
    expect(greyAt(image, dpi, trimLeft - BLEED_MM - 1, inBand)).toBeGreaterThan(250); // slug stays white
    // The horizontal mark of the top-left corner, on the trim line's extension, beyond the bleed.
    const markX = trimLeft - CROP_MARK.offsetMm - CROP_MARK.lengthMm / 2;
    const darkest = Math.min(...[-0.1, 0, 0.1].map((d) => greyAt(image, dpi, markX, trimTop + d)));
    expect(CROP_MARK.offsetMm).toBeGreaterThan(BLEED_MM);
    expect(darkest).toBeLessThan(160);
    expect(greyAt(image, dpi, markX, trimTop + 1)).toBeGreaterThan(250);
  });

  it('has a QR code on the back that decodes to exactly the card url, at least 25 mm wide', async () => {
    const cards = [card(0), card(1)];
    const r = await render(cards, { layout: 'a6', addressSheets: false });
    expect(qrIn(await png(r.path, 2))).toBe(cards[0]!.url);
    expect(qrIn(await png(r.path, 4))).toBe(cards[1]!.url);
    expect(qrIn(await png(r.path, 1))).toBeNull(); // the front has none
    // The symbol without its quiet zone: a version 4 code (33 modules) for a link this long.
    expect((BACK_MM.qrSize * 33) / (33 + 8)).toBeGreaterThan(25);
  });

  it('prints the greeting in Unicode, the coach, the short link without https:// and the short code', async () => {
    const c = card(0, { firstName: 'Çağlar', coach: { firstName: 'Nguyễn', phone: '06 12 34 56 78', email: 'nguyen@utrecht.nl', photo: images.photo } });
    const r = await render([c], { layout: 'a6', addressSheets: false });
    const front = await text(r.path, 1);
    expect(front).toContain('Hoi Çağlar,');
    expect(front).toContain('Ik ben Nguyễn, jongerencoach bij de gemeente Utrecht.');
    expect(front).toContain('06 12 34 56 78');
    expect(front).toContain('nguyen@utrecht.nl');
    expect(front).not.toContain('KvK');
    const back = await text(r.path, 2);
    expect(back).toContain('Chat met Nguyễn');
    expect(back).toContain(`Of typ deze code in de chat: ${c.shortCode}`);
    expect(back).toContain(c.shortUrl.replace('https://', ''));
    expect(back).not.toContain('https://');
    expect(back).toContain('Geen interesse? Stuur ‘stop’, dan hoor je niets meer van ons.');
    expect(back).toContain('Wat we van je weten en wat je kunt laten wissen: lijntje.example.nl/privacy');
  });

  it('speaks to an entrepreneur about their own business', async () => {
    const r = await render([card(0, { variant: 'entrepreneur' })], { layout: 'a6', addressSheets: false });
    const front = await text(r.path, 1);
    expect(front).toContain('Je staat ingeschreven bij de KvK.');
    expect(front).toContain('ook over je eigen bedrijf');
  });

  it('has English texts for an English card', async () => {
    const c = card(0, { language: 'en', variant: 'entrepreneur' });
    const r = await render([c], { layout: 'a6', addressSheets: true });
    const front = await text(r.path, 1);
    expect(front).toContain('Hi Sigfrid,');
    expect(front).toContain("I'm Anouk, youth coach at the municipality of Utrecht.");
    expect(front).toContain('Chamber of Commerce (KvK)');
    expect(front).toContain('Want to chat? Turn the card over.');
    expect(front).not.toMatch(/Hoi|jongerencoach/);
    const back = await text(r.path, 2);
    expect(back).toContain(`Or type this code in the chat: ${c.shortCode}`);
    expect(back).toContain("Not interested? Send ‘stop’ and you won't hear from us again.");
    expect(await text(r.path, 3)).toContain('Card 1 of 1');
  });

  it('prints names like "<script>" as text', async () => {
    const r = await render([card(0, { firstName: '<script>alert(1)</script>' })], { layout: 'a6', addressSheets: false });
    expect(await text(r.path, 1)).toContain('Hoi <script>alert(1)</script>,');
  });

  it('keeps a 200-character name, coach name and e-mail inside the card', async () => {
    const long = (word: string) => Array.from({ length: 200 }, (_, i) => word[i % word.length]).join('');
    const cards = [
      card(0, { firstName: long('Wolfeschlegelsteinhausenbergerdorff ') }),
      card(1, {
        firstName: long('x'), // no space to break at
        coach: { firstName: long('Anne-Marie '), phone: long('0'), email: `${long('a')}@example.nl`, photo: null },
        municipality: { name: long('Súdwest-Fryslân '), primary: [0, 10, 90, 0], accent: [70, 0, 30, 0], logo: images.logo },
      }),
    ];
    const r = await render(cards, { layout: 'a6', addressSheets: false });
    const { trim } = await info(r.path, 1);
    const height = (await info(r.path, 1)).media[3];
    const [left, right, top, bottom] = [trim[0], trim[2], height - trim[3], height - trim[1]];
    for (const page of [1, 2, 3, 4]) {
      const ws = await words(r.path, page);
      expect(ws.length).toBeGreaterThan(10);
      for (const w of ws) {
        expect(w.xMin, `${w.text} on page ${page}`).toBeGreaterThanOrEqual(left);
        expect(w.xMax, `${w.text} on page ${page}`).toBeLessThanOrEqual(right);
        expect(w.yMin, `${w.text} on page ${page}`).toBeGreaterThanOrEqual(top);
        expect(w.yMax, `${w.text} on page ${page}`).toBeLessThanOrEqual(bottom);
      }
    }
    // Still the card it should be: the greeting starts as it should and the QR still decodes.
    expect(await text(r.path, 1)).toContain('Hoi Wolfeschlegelsteinhausenbergerdorff');
    expect(qrIn(await png(r.path, 4))).toBe(cards[1]!.url);
  });

  it('speaks for the team when the card has no coach name', async () => {
    const r = await render([card(0, { coach: { firstName: ' ', phone: null, email: null, photo: null } })], { layout: 'a6', addressSheets: false });
    const front = await text(r.path, 1);
    expect(front).toContain('Wij zijn de jongerencoaches van de gemeente Utrecht.');
    expect(front).not.toMatch(/Ik ben ,|Ik ben {coach}/);
    expect(await text(r.path, 2)).toContain('Chat met een jongerencoach');
  });

  it('looks finished without photo or logo', async () => {
    const r = await render([sampleCard(0, noImages, { coach: { firstName: 'Bram', phone: null, email: null, photo: null } })], {
      layout: 'a6',
      addressSheets: false,
    });
    const front = await text(r.path, 1);
    expect(front).toContain('Bram');
    expect(front).toContain('B'); // the initial on the disc
    expect(front).not.toContain('☎');
    expect(front).not.toContain('✉');
  });
});

describe('a4 layout (four cards per sheet, duplex)', () => {
  const quadrant = (col: number, row: number) => ({ x: col / 2, y: row / 2, w: 0.5, h: 0.5 });

  it('has ceil(n/4) sheets of a front and a back page, A4 portrait, plus the address sheets', async () => {
    for (const n of [1, 4, 5, 8, 9]) {
      const cards = Array.from({ length: n }, (_, i) => card(i));
      const r = await render(cards, { layout: 'a4', addressSheets: false });
      expect(r.pages).toBe(Math.ceil(n / 4) * 2);
      const i = await info(r.path);
      expect(i.pages).toBe(r.pages);
      expect(i.media[2]).toBeCloseTo(A4_MM.width * PT, 1);
      expect(i.media[3]).toBeCloseTo(A4_MM.height * PT, 1);
    }
    const r = await render([card(0), card(1, { address: null }), card(2)], { layout: 'a4', addressSheets: true });
    expect(r.pages).toBe(2 + 2);
  });

  it('mirrors the backs left-right so long-edge duplex puts each back behind its front', async () => {
    const cards = ['Anna', 'Bilal', 'Chen', 'Daan'].map((firstName, i) => card(i, { firstName }));
    const r = await render(cards, { layout: 'a4', addressSheets: false });
    // Fronts in reading order...
    const fronts = await words(r.path, 1);
    const where = (name: string) => fronts.find((w) => w.text === `${name},`)!;
    const mid = { x: (A4_MM.width * PT) / 2, y: (A4_MM.height * PT) / 2 };
    expect(where('Anna').xMax).toBeLessThan(mid.x);
    expect(where('Anna').yMax).toBeLessThan(mid.y);
    expect(where('Bilal').xMin).toBeGreaterThan(mid.x);
    expect(where('Chen').yMin).toBeGreaterThan(mid.y);
    expect(where('Daan').xMin).toBeGreaterThan(mid.x);
    // ...backs swapped: card 1's QR is on the right.
    const back = await png(r.path, 2);
    expect(qrIn(back, quadrant(1, 0))).toBe(cards[0]!.url);
    expect(qrIn(back, quadrant(0, 0))).toBe(cards[1]!.url);
    expect(qrIn(back, quadrant(1, 1))).toBe(cards[2]!.url);
    expect(qrIn(back, quadrant(0, 1))).toBe(cards[3]!.url);
  });

  it('leaves the rest of the last sheet empty', async () => {
    const cards = Array.from({ length: 5 }, (_, i) => card(i));
    const r = await render(cards, { layout: 'a4', addressSheets: false });
    const back = await png(r.path, 4);
    expect(qrIn(back, quadrant(1, 0))).toBe(cards[4]!.url);
    expect(qrIn(back, quadrant(0, 0))).toBeNull();
    expect(qrIn(back, quadrant(0, 1))).toBeNull();
    expect(await text(r.path, 3)).toContain('Hoi Sigfrid');
    expect((await words(r.path, 3)).every((w) => w.xMax < (A4_MM.width * PT) / 2 && w.yMax < (A4_MM.height * PT) / 2)).toBe(true);
  });

  it('keeps every word inside its own card and draws the cut guides', async () => {
    const cards = Array.from({ length: 4 }, (_, i) => card(i, { firstName: 'Bartholomeus-Maximiliaan '.repeat(8) }));
    const r = await render(cards, { layout: 'a4', addressSheets: false });
    const w = CARD_MM.width * PT;
    const h = CARD_MM.height * PT;
    const top = ((A4_MM.height - 2 * CARD_MM.height) / 2) * PT;
    for (const page of [1, 2]) {
      for (const word of await words(r.path, page)) {
        const col = word.xMin < w ? 0 : 1;
        const row = word.yMin < top + h ? 0 : 1;
        expect(word.xMin).toBeGreaterThanOrEqual(col * w);
        expect(word.xMax, word.text).toBeLessThanOrEqual((col + 1) * w);
        expect(word.yMin).toBeGreaterThanOrEqual(top + row * h);
        expect(word.yMax, word.text).toBeLessThanOrEqual(top + (row + 1) * h);
      }
    }
    const dpi = 150;
    const image = await png(r.path, 1, dpi);
    expect(greyAt(image, dpi, A4_MM.width / 2, A4_MM.height / 2)).toBeLessThan(200); // the centre cross
    expect(greyAt(image, dpi, A4_MM.width / 2 + 1, A4_MM.height / 2 + 1)).toBeGreaterThan(250); // inside the white frames
  });
});

describe('address sheets', () => {
  it('put name and address lines in the envelope window, in card order', async () => {
    const cards = [
      card(0, { address: { name: 'Ç. Yılmaz', lines: ['Lange Nieuwstraat 12 bis', '3512 PH  UTRECHT'] } }),
      card(1, { address: { name: 'Mevrouw A. van den Berg-Oosterhuis-Wijnaldum van Zuylen', lines: ['Postbus 1', 'c/o Stichting', '1234 AB  AMSTERDAM'] } }),
    ];
    const r = await render(cards, { layout: 'a6', addressSheets: true });
    const w = ENVELOPE_WINDOW_MM;
    for (const [page, c] of [
      [5, cards[0]!],
      [6, cards[1]!],
    ] as const) {
      const ws = await words(r.path, page);
      const all = ws.map((x) => x.text).join(' ');
      for (const part of [c.address!.name, ...c.address!.lines]) expect(all).toContain(part.replace(/\s+/g, ' '));
      for (const x of ws.filter((x) => !/^(Kaart|\d+|van)$/.test(x.text))) {
        expect(x.xMin).toBeGreaterThanOrEqual(w.left * PT);
        expect(x.xMax).toBeLessThanOrEqual((w.left + w.width) * PT);
        expect(x.yMin).toBeGreaterThanOrEqual(w.top * PT);
        expect(x.yMax).toBeLessThanOrEqual((w.top + w.height) * PT);
      }
      expect(all).toContain(`Kaart ${page - 4} van 2`);
    }
  });
});

describe('the inputs carry no personal data into the links', () => {
  it('builds url, short link and code from random tokens only; the QR holds exactly the url', async () => {
    const c = card(0, { firstName: 'Sigfrid', address: { name: 'S. Jansen', lines: ['Dorpsstraat 7', '1234 AB  ERGENS'] } });
    const personal = ['Sigfrid', 'Jansen', 'Dorpsstraat', '1234', 'ERGENS', '2004', '19-04'];
    for (const field of [c.url, c.shortUrl, c.shortCode]) {
      for (const p of personal) expect(field.toLowerCase()).not.toContain(p.toLowerCase());
    }
    expect(c.url).toMatch(/^https:\/\/lijntje\.example\.nl\/k\/[A-Za-z0-9_-]{22}$/);
    expect(c.shortCode).toMatch(/^[0-9A-F]{4}-[0-9A-F]{4}$/);
    const r = await render([c], { layout: 'a6', addressSheets: false });
    expect(qrIn(await png(r.path, 2))).toBe(c.url);
  });
});

describe('streaming, progress and resources', () => {
  it('renders 300 cards from an async generator without reading ahead, page count as pdfinfo says', async () => {
    let yielded = 0;
    let done = 0;
    let maxAhead = 0;
    async function* source() {
      for (let i = 0; i < 300; i++) {
        await Promise.resolve();
        maxAhead = Math.max(maxAhead, yielded - done);
        yielded++;
        yield card(i);
      }
    }
    const r = await render(source(), { layout: 'a4', addressSheets: true, onProgress: (n) => (done = n) });
    expect(r).toMatchObject({ cards: 300, pages: 75 * 2 + 300 });
    expect((await info(r.path)).pages).toBe(r.pages);
    expect(maxAhead).toBeLessThanOrEqual(4); // at most one sheet held back
    const pdf = await readFile(r.path);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.subarray(-6).toString()).toContain('%%EOF');
  });

  it('reports progress up to the card count', async () => {
    for (const layout of ['a6', 'a4'] as const) {
      const seen: number[] = [];
      await render(
        Array.from({ length: 7 }, (_, i) => card(i)),
        { layout, addressSheets: false, onProgress: (n) => seen.push(n) },
      );
      expect(seen.at(-1)).toBe(7);
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      expect(new Set(seen).size).toBe(seen.length);
    }
  });

  it('embeds a logo and a photo shared by many cards once, also when each card has its own copy of the bytes', async () => {
    const cards = Array.from({ length: 40 }, (_, i) =>
      card(i, {
        coach: { firstName: 'Anouk', phone: null, email: null, photo: i % 2 ? images.photo : new Uint8Array(images.photo) },
        municipality: { name: 'Utrecht', primary: [90, 40, 0, 35], accent: [0, 60, 90, 0], logo: new Uint8Array(images.logo) },
      }),
    );
    const r = await render(cards, { layout: 'a6', addressSheets: false });
    const pdf = (await readFile(r.path)).toString('latin1');
    // The PNG logo is an image plus its transparency mask; the JPEG photo one image.
    expect(pdf.match(/\/Subtype \/Image/g)?.length).toBe(3);
    expect(pdf.match(/\/FontFile2/g)?.length).toBe(2);
  });

  it('draws in CMYK only, the QR code in black ink', async () => {
    const r = await render([card(0)], { layout: 'a6', addressSheets: true });
    const streams = await contentStreams(r.path);
    expect(streams.length).toBeGreaterThanOrEqual(3);
    const all = streams.join('\n');
    expect(all).toContain('/DeviceCMYK cs');
    expect(all).not.toMatch(/DeviceRGB|\brg\b|\bRG\b/);
    expect(all).toMatch(/0 0 0 1 scn\n[^]*? re\nf/);
  });

  it('refuses an empty run and an unreadable picture, leaving no file behind', async () => {
    const empty = join(dir, 'empty.pdf');
    await expect(renderCardsPdf([], empty, { layout: 'a6', addressSheets: false })).rejects.toThrow(/no cards/);
    expect(existsSync(empty)).toBe(false);
    const broken = join(dir, 'broken.pdf');
    const bad = card(1, { municipality: { name: 'Utrecht', primary: [90, 40, 0, 35], accent: [0, 60, 90, 0], logo: new Uint8Array([1, 2, 3, 4]) } });
    await expect(renderCardsPdf([card(0), bad], broken, { layout: 'a6', addressSheets: false })).rejects.toBeInstanceOf(CardImageError);
    expect(existsSync(broken)).toBe(false);
    await expect(renderCardsPdf([card(0)], join(dir, 'x.pdf'), { layout: 'a5' as never, addressSheets: false })).rejects.toThrow(/layout/);
  });
});
