import type { FastifyRequest } from 'fastify';
import { isLanguage, type Language } from '../../templates/texts/index.js';

/**
 * Dutch first, English when the youngster taps the switch (?lang=en, carried on
 * every link). The browser's Accept-Language is deliberately not used: many
 * Dutch youngsters run their phone in English, and the card they hold is Dutch.
 */
export function pickLanguage(req: FastifyRequest): Language {
  const q = (req.query as { lang?: unknown } | undefined)?.lang;
  return isLanguage(q) ? q : 'nl';
}
