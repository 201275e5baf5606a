import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import PDFDocument from 'pdfkit';
import { CARD_FONTS } from '../../templates/cards/index.js';
import { drawAddressSheet, type AddressEntry } from './address-sheet.js';
import { CardPainter } from './card-faces.js';
import { createLayout } from './layouts.js';
import type { CardFace, RenderOptions, RenderResult } from './types.js';

/**
 * pdfkit pushes into its stream without waiting for the reader, and with a
 * synchronous card source the file would not get a turn until the end. Past
 * this many bytes waiting for the disk we stop drawing until the file has
 * caught up, so memory stays flat however many cards come in. Kept small:
 * each compressed page sits in a 16 KB zlib buffer however short it is, so
 * 1 MB of queued PDF holds ~8 MB.
 */
const MAX_UNWRITTEN_BYTES = 1024 * 1024;
const YIELD_BYTES = 64 * 1024;

/**
 * Streams the PDF to `path` (pdfkit piped into fs.createWriteStream; resolves
 * after the file is closed); never holds the whole PDF in memory. Cards are
 * drawn as they arrive; address sheets follow all cards, one per card with an
 * address, in card order. On any error the partial file is removed, so a
 * half-written PDF is never mistaken for a print run. No cards is an error.
 */
export async function renderCardsPdf(
  cards: Iterable<CardFace> | AsyncIterable<CardFace>,
  path: string,
  opts: RenderOptions,
): Promise<RenderResult> {
  const doc = new PDFDocument({
    autoFirstPage: false,
    bufferPages: false,
    // The default would load Helvetica, which the cards never use.
    font: CARD_FONTS.regular,
    pdfVersion: '1.4',
    // pdfkit would keep the glyph layout of every distinct word for the whole file: the links and codes are
    // different on every card, so that cache only grows. TextWriter keeps its own, bounded one.
    fontLayoutCache: false,
    // Document info is visible in any viewer: nothing about the youngsters here.
    info: { Title: 'Lijntje cards', Creator: 'Lijntje', Producer: 'Lijntje (pdfkit)' },
  });
  const out = createWriteStream(path);
  let writeError: Error | null = null;
  out.on('error', (err) => (writeError ??= err));
  const closed = once(out, 'close');
  closed.catch(() => {});
  doc.pipe(out);

  let pages = 0;
  doc.on('pageAdded', () => pages++);
  try {
    const painter = new CardPainter(doc);
    const layout = createLayout(doc, painter, opts.layout);
    const addresses: AddressEntry[] = [];
    let count = 0;
    let reported = 0;
    const progress = () => {
      if (layout.cardsDrawn === reported) return;
      reported = layout.cardsDrawn;
      opts.onProgress?.(reported);
    };
    for await (const face of cards) {
      count++;
      layout.add(face);
      // Only the few strings of the address are kept until the end, never the card (its pictures).
      if (opts.addressSheets && face.address) addresses.push({ address: face.address, language: face.language, number: count });
      progress();
      await catchUp(doc, out, () => writeError);
    }
    if (count === 0) throw new RangeError('renderCardsPdf: no cards to render');
    layout.finish();
    progress();
    for (const entry of addresses) {
      drawAddressSheet(doc, painter.fitter, entry, count);
      await catchUp(doc, out, () => writeError);
    }
    doc.end();
    await closed;
    if (writeError) throw writeError;
    return { pages, cards: count };
  } catch (err) {
    doc.unpipe(out);
    out.destroy();
    await closed.catch(() => {});
    await rm(path, { force: true });
    throw err;
  }
}

/** Waits while more than MAX_UNWRITTEN_BYTES are queued in pdfkit's stream and the file's buffer. */
async function catchUp(doc: PDFKit.PDFDocument, out: WriteStream, failed: () => Error | null): Promise<void> {
  // A turn for the event loop every ~64 KB lets finished writes hand the file its next chunks while we draw
  // (without it a synchronous card source keeps everything queued until the cap below).
  if (doc.readableLength > YIELD_BYTES) await new Promise((resolve) => setImmediate(resolve));
  while (doc.readableLength + out.writableLength > MAX_UNWRITTEN_BYTES) {
    const err = failed();
    if (err) throw err;
    if (out.writableNeedDrain) await once(out, 'drain');
    else await new Promise((resolve) => setImmediate(resolve));
  }
  const err = failed();
  if (err) throw err;
}
