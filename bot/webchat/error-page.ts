import type { FastifyReply, FastifyRequest } from 'fastify';
import { t, translator } from '../../templates/texts/index.js';
import { pickLanguage } from './language.js';

/** Pages and calls of a card link: a youngster is on the other side. */
export function isYoungsterPath(url: string): boolean {
  return url.startsWith('/k/') || url.startsWith('/c/');
}

/**
 * How a refused or failed youngster request is answered. The chat's script
 * gets the code and a short text in the youngster's language; a page never
 * shows a technical error, only the same calm text as for an unknown card.
 */
export function sendYoungsterError(req: FastifyRequest, reply: FastifyReply, c: { code: string; json: boolean }) {
  const lang = pickLanguage(req);
  if (c.json) return reply.send({ error: c.code, message: t(lang, youngsterErrorKey(c.code)) });
  return reply.view('chat/not-found.eta', { t: translator(lang), lang });
}

function youngsterErrorKey(code: string) {
  if (code === 'message_empty' || code === 'message_too_long' || code === 'rate_limited') return `chat.error.${code}` as const;
  return 'chat.error.generic' as const;
}
