import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import view from '@fastify/view';
import { Eta } from 'eta';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isStaffLanguage, staffTexts, type StaffLanguage, type StaffTexts } from '../../templates/staff/index.js';

export const VIEWS_DIR = fileURLToPath(new URL('../../templates/views', import.meta.url));
export const PUBLIC_DIR = fileURLToPath(new URL('../public', import.meta.url));

/**
 * The staff UI language of a request: the signed-in user's choice; without a
 * user (login, invitation, the login code step) `?lang=` or the browser's
 * Accept-Language, Dutch by default.
 */
export function staffLanguageOf(req: FastifyRequest): StaffLanguage {
  const staff = (req as { staff?: { uiLanguage?: unknown } | null }).staff;
  if (staff && isStaffLanguage(staff.uiLanguage)) return staff.uiLanguage;
  if (staff) return 'nl';
  const q = (req.query as { lang?: unknown } | undefined)?.lang;
  if (isStaffLanguage(q)) return q;
  return fromAcceptLanguage(req.headers['accept-language']);
}

/** The first of nl / en in the browser's list (by q-value), else Dutch. */
export function fromAcceptLanguage(header: string | undefined): StaffLanguage {
  if (!header || header.length > 500) return 'nl';
  const ranked = header
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { base: tag.trim().toLowerCase().split('-')[0], q: q === undefined ? 1 : Number(q), i };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  const hit = ranked.find((x) => x.base === 'nl' || x.base === 'en');
  return hit?.base === 'en' ? 'en' : 'nl';
}

/** The staff texts for this request (also what every staff view gets as `it.ui`). */
export function uiOf(req: FastifyRequest): StaffTexts {
  return staffTexts(staffLanguageOf(req));
}

/**
 * Server-rendered pages (eta, auto-escaping every `<%= %>`) and the static assets.
 * Every view gets `it.ui` (templates/staff: texts `ui.t(key)`, `ui.lang`, dates in
 * the user's language) through `reply.locals`; it is worked out when the page
 * renders, so it sees the signed-in user loaded by the auth plugin.
 */
export const viewsPlugin = fp<{ cache: boolean }>(
  async (app, opts) => {
    const eta = new Eta({ views: VIEWS_DIR, autoEscape: true, cache: opts.cache });
    await app.register(view, { engine: { eta }, templates: VIEWS_DIR, production: opts.cache });
    // After @fastify/view's own hook (which resets `reply.locals`).
    app.addHook('onRequest', async (req, reply) => {
      let cached: StaffTexts | null = null;
      const locals = ((reply as unknown as { locals: object | null }).locals ??= {});
      Object.defineProperty(locals, 'ui', {
        enumerable: true,
        get: () => (cached ??= uiOf(req)),
      });
    });
    await app.register(fastifyStatic, {
      root: PUBLIC_DIR,
      prefix: '/assets/',
      maxAge: opts.cache ? '1h' : 0,
    });
    // Pages name their icon; this is for what asks the old way (bookmarks, some tools).
    app.get('/favicon.ico', { config: { public: true } }, async (_req, reply) => reply.redirect('/assets/favicon.svg', 301));
  },
  { name: 'views' },
);
