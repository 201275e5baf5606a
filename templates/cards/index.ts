import { fileURLToPath } from 'node:url';
import { en } from './en.js';
import { nl, type CardTextKey } from './nl.js';

export * from './design.js';
export type { CardTextKey };

export type CardLanguage = 'nl' | 'en';
const catalogues: Record<CardLanguage, Record<CardTextKey, string>> = { nl, en };

/**
 * A card text with {placeholders} filled. An unknown placeholder stays
 * visible ("{coach}") so a missing variable shows on the proof, not as a gap.
 */
export function cardText(lang: CardLanguage, key: CardTextKey, vars: Record<string, string> = {}): string {
  return catalogues[lang][key].replace(/\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole);
}

/**
 * DejaVu Sans covers Latin Extended, Greek, Cyrillic and Vietnamese ("Çağlar",
 * "Nguyễn"); pdfkit's built-in Helvetica is WinAnsi only. Paths, not bytes:
 * pdfkit caches a font by its path, so each PDF parses each file once.
 */
export const CARD_FONTS = {
  regular: fileURLToPath(new URL('./fonts/DejaVuSans.ttf', import.meta.url)),
  bold: fileURLToPath(new URL('./fonts/DejaVuSans-Bold.ttf', import.meta.url)),
} as const;
