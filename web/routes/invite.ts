import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { sha256 } from '../../core/hash.js';
import type { Database } from '../../db/client.js';
import { recordEvent } from '../../db/queries/events.js';
import { acceptInvite, findByInviteHash } from '../../db/queries/staff.js';
import { INVITE_TOKEN_PATTERN } from '../domain/accounts.js';
import { hashPassword, homeOf, type Login } from '../domain/login.js';
import { TOTP_SETUP_PATH } from '../plugins/auth.js';
import { uiOf } from '../plugins/views.js';

export const MIN_PASSWORD = 12;
export const MAX_PASSWORD = 256;

export interface InviteDeps {
  database: Database;
  login: Login;
  requireAdminTotp: boolean;
}

/**
 * The one-time invitation link: a new staff member chooses a password and is
 * signed in. The token lives only in the path (request logs scrub it) and is
 * stored only as its sha256; it works once and for seven days.
 */
export const inviteRoutes: FastifyPluginAsync<InviteDeps> = async (app, deps) => {
  const { db } = deps.database;

  async function accountFor(token: string) {
    if (!INVITE_TOKEN_PATTERN.test(token)) return null;
    return findByInviteHash(db, sha256(token));
  }

  function gone(reply: FastifyReply) {
    reply.header('cache-control', 'no-store');
    return reply.code(404).view('staff/invite.eta', { valid: false, firstName: null, token: '', csrf: '', error: null, staff: null });
  }

  function form(reply: FastifyReply, token: string, firstName: string, error: string | null) {
    reply.header('cache-control', 'no-store');
    return reply.view('staff/invite.eta', { valid: true, firstName, token, csrf: reply.csrfToken(), error, staff: null });
  }

  app.get<{ Params: { token: string } }>('/invite/:token', { config: { public: true } }, async (req, reply) => {
    const account = await accountFor(req.params.token);
    if (!account) return gone(reply);
    return form(reply, req.params.token, account.firstName, null);
  });

  app.post<{ Params: { token: string }; Body: { password?: unknown; password2?: unknown } }>(
    '/invite/:token',
    {
      config: { public: true },
      preHandler: app.csrfProtection,
      bodyLimit: 8 * 1024,
    },
    async (req, reply) => {
      const token = req.params.token;
      const account = await accountFor(token);
      if (!account) return gone(reply);
      const body = typeof req.body === 'object' && req.body !== null && !Array.isArray(req.body) ? req.body : {};
      const password = typeof body.password === 'string' ? body.password : '';
      const again = typeof body.password2 === 'string' ? body.password2 : '';
      const t = uiOf(req).t;
      let error: string | null = null;
      if (password.length < MIN_PASSWORD) error = t('invite.tooShort', { n: MIN_PASSWORD });
      else if (password.length > MAX_PASSWORD) error = t('invite.tooLong', { n: MAX_PASSWORD });
      else if (password !== again) error = t('invite.mismatch');
      if (error) return form(reply.code(400), token, account.firstName, error);

      // Used once: the update only succeeds while the token is still there and valid.
      const accepted = await acceptInvite(db, sha256(token), await hashPassword(password));
      if (!accepted) return gone(reply);
      await recordEvent(db, {
        type: 'staff.activated',
        actorStaffId: accepted.id,
        data: { staffUserId: accepted.id, role: accepted.role, via: 'invitation' },
      });
      const session = await deps.login.startSession(accepted.id);
      reply.setSessionCookie(session.sessionToken, session.expiresAt);
      const target = deps.requireAdminTotp && accepted.role === 'admin' ? TOTP_SETUP_PATH : homeOf(accepted.role);
      return reply.redirect(target, 303);
    },
  );
};
