import type { FastifyRequest } from 'fastify';
import { isLanguage, type Language } from '../../templates/texts/index.js';

/** ?lang= wins (the switch link on every page), then the browser's preference, then Dutch. */
export function pickLanguage(req: FastifyRequest): Language {
  const q = (req.query as { lang?: unknown } | undefined)?.lang;
  if (isLanguage(q)) return q;
  const accept = req.headers['accept-language'] ?? '';
  const first = accept.split(',')[0]?.trim().slice(0, 2).toLowerCase();
  return first === 'en' ? 'en' : 'nl';
}
