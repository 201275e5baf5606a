import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { CardFace } from '../worker/card-pdf/index.js';

/**
 * Card PDF generation: 1,000 and 5,000 cards (a6, address sheets, one logo
 * and one photo shared by all), each run in a child process of its own so the
 * peak RSS is that generation's, next to a floor child that only starts and
 * loads pdfkit. `benchCards()` is called from bench/run.ts; run directly
 * (`npx tsx bench/cards.ts [sizes...]`) it prints a table.
 * Targets: 1,000 cards under 3 s and 250 MB peak RSS, flat as the run grows.
 */
export interface CardBenchRun {
  cards: number;
  /** 1-based repeat of this size. */
  run: number;
  pages: number;
  seconds: number;
  msPerCard: number;
  peakRssMb: number;
  floorRssMb: number;
  aboveFloorMb: number;
  fileMb: number;
}

export interface CardBenchResult {
  floor: { rssMb: number; seconds: number };
  runs: CardBenchRun[];
  target: { cards: number; seconds: number; peakRssMb: number };
}

export interface CardBenchOptions {
  sizes?: number[];
  repeats?: number;
  log?: (msg: string) => void;
}

export const CARD_TARGET = { cards: 1000, seconds: 3, peakRssMb: 250 } as const;

const execFileP = promisify(execFile);
const SELF = fileURLToPath(import.meta.url);

export async function benchCards(opts: CardBenchOptions = {}): Promise<CardBenchResult> {
  const sizes = opts.sizes ?? [1000, 5000];
  const repeats = opts.repeats ?? 2;
  const log = opts.log ?? (() => {});
  const dir = await mkdtemp(join(os.tmpdir(), 'lijntje-cards-bench-'));
  try {
    const images = await sampleImages();
    await writeFile(join(dir, 'logo.png'), images.logo);
    await writeFile(join(dir, 'photo.jpg'), images.photo);
    log('cards: floor (start + import pdfkit)');
    const floor = await child(['floor']);
    const runs: CardBenchRun[] = [];
    for (const cards of sizes) {
      for (let run = 1; run <= repeats; run++) {
        log(`cards: ${cards} cards, run ${run} of ${repeats}`);
        const r = await child(['render', String(cards), dir]);
        const peakRssMb = r.maxRssKb / 1024;
        const floorRssMb = floor.maxRssKb / 1024;
        runs.push({
          cards,
          run,
          pages: r.pages ?? 0,
          seconds: r.seconds,
          msPerCard: (r.seconds * 1000) / cards,
          peakRssMb,
          floorRssMb,
          aboveFloorMb: peakRssMb - floorRssMb,
          fileMb: (r.bytes ?? 0) / 1024 ** 2,
        });
      }
    }
    return { floor: { rssMb: floor.maxRssKb / 1024, seconds: floor.seconds }, runs, target: CARD_TARGET };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface ChildReport {
  maxRssKb: number;
  seconds: number;
  pages?: number;
  bytes?: number;
}

function child(args: string[]): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', SELF, '--child', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`cards bench child ${args.join(' ')} exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()!) as ChildReport);
      } catch {
        reject(new Error(`cards bench child printed no result: ${out.slice(0, 200)}`));
      }
    });
  });
}

/** In the child: nothing but the measured work, then one line of JSON. */
async function childMain(args: string[]): Promise<void> {
  const t0 = performance.now();
  if (args[0] === 'floor') {
    await import('pdfkit');
    report({ seconds: (performance.now() - t0) / 1000 });
    return;
  }
  const cards = Number(args[1]);
  const dir = args[2]!;
  const { renderCardsPdf } = await import('../worker/card-pdf/index.js');
  const images = { logo: new Uint8Array(await readFile(join(dir, 'logo.png'))), photo: new Uint8Array(await readFile(join(dir, 'photo.jpg'))) };
  const path = join(dir, `cards-${cards}.pdf`);
  const start = performance.now();
  const result = await renderCardsPdf(sampleCards(cards, images), path, { layout: 'a6', addressSheets: true });
  const seconds = (performance.now() - start) / 1000;
  const { size } = await stat(path);
  await rm(path, { force: true });
  report({ seconds, pages: result.pages, bytes: size });
}

function report(r: Omit<ChildReport, 'maxRssKb'>) {
  console.log(JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS, ...r }));
}

/** Cards as the worker will pass them: a generator, so the input itself does not grow with the run. */
export function* sampleCards(count: number, images: { logo: Uint8Array | null; photo: Uint8Array | null }): Generator<CardFace> {
  const names = ['Sigfrid', 'Çağlar', 'Nguyễn', 'Fatima-Zahra', 'Anne-Sophie', 'Jordy', 'Ilse', 'Mohammed'];
  for (let i = 0; i < count; i++) yield sampleCard(i, images, { firstName: names[i % names.length]! });
}

export function sampleCard(i: number, images: { logo: Uint8Array | null; photo: Uint8Array | null }, over: Partial<CardFace> = {}): CardFace {
  const token = randomBytes(16).toString('base64url');
  const code = randomBytes(8)
    .toString('hex')
    .toUpperCase()
    .replace(/[01]/g, '7')
    .slice(0, 8);
  const shortCode = `${code.slice(0, 4)}-${code.slice(4)}`;
  return {
    variant: i % 5 === 4 ? 'entrepreneur' : 'regular',
    language: 'nl',
    firstName: 'Sigfrid',
    coach: { firstName: 'Anouk', phone: '06 12 34 56 78', email: 'anouk.devries@utrecht.nl', photo: images.photo },
    municipality: { name: 'Utrecht', primary: [90, 40, 0, 35], accent: [0, 60, 90, 0], logo: images.logo },
    url: `https://lijntje.example.nl/k/${token}`,
    shortUrl: `https://lijntje.example.nl/c/${shortCode.replace('-', '')}`,
    shortCode,
    privacyUrl: 'https://lijntje.example.nl/privacy',
    address: { name: 'S. de Vries', lines: [`Voorbeeldstraat ${(i % 200) + 1}`, '3511 AB  UTRECHT'] },
    ...over,
  };
}

/**
 * A logo (PNG with transparency, via pngjs) and a photo (JPEG, a drawn
 * portrait rendered by pdftoppm, which the tests need anyway): real formats
 * without shipping binary fixtures.
 */
export async function sampleImages(): Promise<{ logo: Uint8Array; photo: Uint8Array }> {
  const { PNG } = await import('pngjs');
  const png = new PNG({ width: 240, height: 120 });
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      const o = (y * png.width + x) * 4;
      const inShield = Math.abs(x - 60) < 40 && y > 15 && y < 105 - Math.max(0, x - 60) * 0.3;
      const inBar = x > 115 && x < 225 && ((y > 35 && y < 52) || (y > 66 && y < 83));
      png.data[o] = inShield ? 200 : 30;
      png.data[o + 1] = inShield ? 20 : 30;
      png.data[o + 2] = inShield ? 40 : 30;
      png.data[o + 3] = inShield || inBar ? 255 : 0;
    }
  }
  const logo = new Uint8Array(PNG.sync.write(png));

  const dir = await mkdtemp(join(os.tmpdir(), 'lijntje-photo-'));
  try {
    const { default: PDFDocument } = await import('pdfkit');
    const doc = new PDFDocument({ size: [200, 200], margin: 0 });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    const done = new Promise((r) => doc.on('end', r));
    const grad = doc.linearGradient(0, 0, 200, 200);
    grad.stop(0, '#7fb3d5').stop(1, '#f5cba7');
    doc.rect(0, 0, 200, 200).fill(grad);
    doc.circle(100, 82, 42).fill('#c68642');
    doc.ellipse(100, 200, 80, 70).fill('#2e4053');
    doc.end();
    await done;
    await writeFile(join(dir, 'p.pdf'), Buffer.concat(chunks));
    await execFileP('pdftoppm', ['-jpeg', '-r', '144', '-singlefile', join(dir, 'p.pdf'), join(dir, 'p')]);
    return { logo, photo: new Uint8Array(await readFile(join(dir, 'p.jpg'))) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function printTable(result: CardBenchResult) {
  const header = ['cards', 'run', 'pages', 'time', 'per card', 'peak RSS', 'floor RSS', 'above floor', 'file'];
  const rows = result.runs.map((r) => [
    String(r.cards),
    String(r.run),
    String(r.pages),
    `${r.seconds.toFixed(2)} s`,
    `${r.msPerCard.toFixed(2)} ms`,
    `${r.peakRssMb.toFixed(0)} MB`,
    `${r.floorRssMb.toFixed(0)} MB`,
    `${r.aboveFloorMb.toFixed(0)} MB`,
    `${r.fileMb.toFixed(1)} MB`,
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  const line = (row: string[]) => row.map((cell, c) => cell.padStart(widths[c]!)).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
  console.log(`floor (start + import pdfkit): ${result.floor.rssMb.toFixed(0)} MB RSS, ${result.floor.seconds.toFixed(2)} s`);
  const t = result.target;
  const atTarget = result.runs.filter((r) => r.cards === t.cards);
  const pass = atTarget.length > 0 && atTarget.every((r) => r.seconds < t.seconds && r.peakRssMb < t.peakRssMb);
  console.log(`target: ${t.cards} cards in < ${t.seconds} s and < ${t.peakRssMb} MB peak RSS: ${atTarget.length ? (pass ? 'PASS' : 'FAIL') : 'not measured'}`);
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    await childMain(args.slice(1));
  } else {
    const sizes = args.map(Number).filter((n) => Number.isInteger(n) && n > 0);
    const result = await benchCards({ sizes: sizes.length ? sizes : undefined, log: (m) => console.error(`[bench] ${m}`) });
    printTable(result);
  }
}
