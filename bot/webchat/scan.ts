import type { FastifyReply, FastifyRequest } from 'fastify';
import { formatLocalInput } from '../../core/local-time.js';
import { cardPath } from './contact.js';

/**
 * A card scan is counted once per device and (Amsterdam) day: the landing page
 * leaves a cookie holding only today's date, scoped to that card's pages. A
 * reload, a second look the same evening or the back button count nothing; no
 * address or user agent is stored anywhere. A client without cookies (some
 * robots) still counts per visit - there is nothing else to tell devices apart
 * by that we would be willing to keep.
 */
export const SCAN_COOKIE = 'lj_scan';
const DAY_S = 24 * 3600;

export function today(now: Date): string {
  return formatLocalInput(now).date;
}

/** A real visit of a person that has not been counted today on this device. */
export function isNewScan(req: FastifyRequest, day: string): boolean {
  // Link checkers ask with HEAD; browsers that prefetch say so. Neither is someone looking at the card.
  if (req.method !== 'GET') return false;
  const purpose = `${req.headers['sec-purpose'] ?? ''} ${req.headers.purpose ?? ''}`;
  if (/prefetch|prerender/i.test(purpose)) return false;
  return req.cookies[SCAN_COOKIE] !== day;
}

export function markScanned(reply: FastifyReply, token: string, day: string, secureCookies: boolean) {
  reply.setCookie(SCAN_COOKIE, day, {
    path: cardPath(token),
    httpOnly: true,
    sameSite: 'lax',
    secure: secureCookies,
    maxAge: DAY_S,
  });
}
