import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { sha256 } from '../../core/hash.js';
import type { Database } from '../../db/client.js';
import { loadSessionPrincipal, type StaffPrincipal } from '../../db/queries/staff.js';
import type { StaffRole } from '../../db/schema/index.js';
import { refusalText } from '../../templates/staff/index.js';
import { staffLanguageOf } from './views.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in staff member, or null. Set on every request by the auth plugin. */
    staff: StaffPrincipal | null;
  }
}

/** Pages an admin without a second factor may still use while REQUIRE_ADMIN_TOTP is on. */
export const TOTP_SETUP_PATH = '/account/totp';
const ALLOWED_WITHOUT_TOTP = new Set([TOTP_SETUP_PATH, '/logout']);

/**
 * Loads the staff session behind the cookie (server-side, so logout and
 * deactivation take effect at once). With `requireAdminTotp`, a signed-in
 * admin without TOTP is sent to the setup page from every other staff route.
 */
export const authPlugin = fp<{ database: Database; requireAdminTotp?: boolean }>(
  async (app, opts) => {
    app.decorateRequest('staff', null);
    app.addHook('onRequest', async (req, reply) => {
      const sid = req.cookies[app.cookieNames.session];
      if (typeof sid !== 'string' || sid.length < 32 || sid.length > 128) return;
      req.staff = await loadSessionPrincipal(opts.database.db, sha256(sid));
      if (!opts.requireAdminTotp || req.staff?.role !== 'admin' || req.staff.totpEnabled) return;
      const path = req.url.replace(/[?#].*$/, '');
      if (ALLOWED_WITHOUT_TOTP.has(path) || path.startsWith('/assets/') || req.routeOptions.config?.public === true) return;
      return reply.redirect(TOTP_SETUP_PATH, 303);
    });
  },
  { name: 'auth', dependencies: ['security'] },
);

/** Guard for every staff route: HTML requests go to the login page, API calls get 401. */
export const requireStaff: onRequestAsyncHookHandler = async (req: FastifyRequest, reply: FastifyReply) => {
  if (req.staff) return;
  const accept = req.headers.accept ?? '';
  if (req.method === 'GET' && accept.includes('text/html')) {
    return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
  }
  return reply.code(401).send({ error: 'unauthenticated', message: refusalText(staffLanguageOf(req), 'unauthenticated') });
};

/**
 * Guard for routes only some roles may use (after requireStaff). A signed-in
 * user of another role gets 403; nothing about the object is revealed.
 * Message content is for casemanagers and coordinators; admins manage
 * accounts and settings; privacy officers see audit views.
 */
export function requireRole(...roles: StaffRole[]): onRequestAsyncHookHandler {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.staff) return requireStaff.call(req.server, req, reply);
    if (!roles.includes(req.staff.role)) {
      return reply.code(403).send({ error: 'forbidden', message: refusalText(staffLanguageOf(req), 'forbidden') });
    }
  };
}
