import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { sha256 } from '../../core/hash.js';
import type { Database } from '../../db/client.js';
import { loadSessionPrincipal, type StaffPrincipal } from '../../db/queries/staff.js';

export const SESSION_COOKIE = 'lj_sid';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in staff member, or null. Set on every request by the auth plugin. */
    staff: StaffPrincipal | null;
  }
}

/** Loads the staff session behind the cookie (server-side, so logout and deactivation take effect at once). */
export const authPlugin = fp<{ database: Database }>(
  async (app, opts) => {
    app.decorateRequest('staff', null);
    app.addHook('onRequest', async (req) => {
      const sid = req.cookies[SESSION_COOKIE];
      if (typeof sid !== 'string' || sid.length < 32 || sid.length > 128) return;
      req.staff = await loadSessionPrincipal(opts.database.db, sha256(sid));
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
  return reply.code(401).send({ error: 'unauthenticated', message: 'Log opnieuw in.' });
};
