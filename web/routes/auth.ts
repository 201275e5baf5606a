import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { homeOf, type Login, type LoginResult } from '../domain/login.js';
import { destination, safeNext } from '../domain/next-path.js';
import { cleanCode } from '../domain/totp.js';
import { staffLanguageOf, uiOf } from '../plugins/views.js';

/** The signed, short-lived cookie between a correct password and a correct TOTP code. */
export const PENDING_COOKIE = 'lj_2fa';
const PENDING_MINUTES = 5;

/** Keeps an English login flow English across its redirects (without a user, `?lang=` decides). */
function withLang(req: FastifyRequest, path: string): string {
  if (staffLanguageOf(req) !== 'en') return path;
  return `${path}${path.includes('?') ? '&' : '?'}lang=en`;
}

export const authRoutes: FastifyPluginAsync<{ login: Login; secureCookies: boolean; publicUrl: string }> = async (app, deps) => {
  function signIn(reply: FastifyReply, result: Extract<LoginResult, { ok: true }>, next: unknown) {
    reply.setSessionCookie(result.sessionToken, result.expiresAt);
    reply.clearCookie(PENDING_COOKIE, { path: '/login' });
    return reply.redirect(destination(result.role, next, deps.publicUrl), 303);
  }

  /** The user id of a pending second step, or null when absent, forged or expired. */
  function pendingOf(req: FastifyRequest): string | null {
    const raw = req.cookies[PENDING_COOKIE];
    if (typeof raw !== 'string' || raw.length > 300) return null;
    const unsigned = req.unsignCookie(raw);
    if (!unsigned.valid || !unsigned.value) return null;
    const [id, exp] = unsigned.value.split('.');
    if (!id || !exp || !/^\d+$/.test(exp) || Number(exp) < Date.now()) return null;
    return id;
  }

  app.get('/', { config: { public: true } }, async (req, reply) =>
    reply.redirect(req.staff ? homeOf(req.staff.role) : '/login', 303),
  );

  app.get<{ Querystring: { next?: string } }>('/login', { config: { public: true } }, async (req, reply) => {
    if (req.staff) return reply.redirect(destination(req.staff.role, req.query.next, deps.publicUrl), 303);
    return reply.view('staff/login.eta', {
      csrf: reply.csrfToken(),
      // The default; `destination` sends roles without an inbox to their own start page.
      next: safeNext(req.query.next, deps.publicUrl) ?? '/inbox',
      error: null,
      staff: null,
    });
  });

  app.post<{ Body: { email?: string; password?: string; next?: string } }>(
    '/login',
    {
      config: { public: true },
      preHandler: app.csrfProtection,
      schema: {
        body: {
          type: 'object',
          required: ['email', 'password'],
          properties: {
            email: { type: 'string', maxLength: 254 },
            password: { type: 'string', maxLength: 512 },
            next: { type: 'string', maxLength: 2048 },
            _csrf: { type: 'string' },
          },
        },
      },
    },
    async (req, reply) => {
      const result = await deps.login.login(req.body.email ?? '', req.body.password ?? '');
      if (result.ok) return signIn(reply, result, req.body.next);
      if (result.reason === 'second_factor') {
        const expires = Date.now() + PENDING_MINUTES * 60_000;
        reply.setCookie(PENDING_COOKIE, `${result.staffUserId}.${expires}`, {
          path: '/login',
          httpOnly: true,
          sameSite: 'lax',
          secure: deps.secureCookies,
          signed: true,
          maxAge: PENDING_MINUTES * 60,
        });
        const next = safeNext(req.body.next, deps.publicUrl);
        return reply.redirect(withLang(req, next ? `/login/totp?next=${encodeURIComponent(next)}` : '/login/totp'), 303);
      }
      // One answer for an unknown address, a wrong password and an account that must wait.
      return reply.code(401).view('staff/login.eta', {
        csrf: reply.csrfToken(),
        next: safeNext(req.body.next, deps.publicUrl) ?? '',
        error: uiOf(req).t('login.wrong'),
        staff: null,
      });
    },
  );

  // Second step: only reachable with the signed cookie set after a correct password.
  app.get<{ Querystring: { next?: string } }>('/login/totp', { config: { public: true } }, async (req, reply) => {
    if (!pendingOf(req)) return reply.redirect('/login', 303);
    reply.header('cache-control', 'no-store');
    return reply.view('staff/login-totp.eta', { csrf: reply.csrfToken(), next: safeNext(req.query.next, deps.publicUrl) ?? '', error: null, staff: null });
  });

  app.post<{ Body: { code?: string; next?: string } }>(
    '/login/totp',
    {
      config: { public: true },
      preHandler: app.csrfProtection,
      schema: {
        body: {
          type: 'object',
          properties: {
            code: { type: 'string', maxLength: 20 },
            next: { type: 'string', maxLength: 2048 },
            _csrf: { type: 'string' },
          },
        },
      },
    },
    async (req, reply) => {
      const staffUserId = pendingOf(req);
      if (!staffUserId) return reply.redirect('/login', 303);
      const code = cleanCode(req.body.code);
      const result: LoginResult = code ? await deps.login.secondFactor(staffUserId, code) : { ok: false, reason: 'invalid' };
      if (result.ok) return signIn(reply, result, req.body.next);
      // A wrong code and a code sent while the account must wait get the same answer (the text mentions both).
      return reply.code(401).view('staff/login-totp.eta', {
        csrf: reply.csrfToken(),
        next: safeNext(req.body.next, deps.publicUrl) ?? '',
        error: code ? uiOf(req).t('login.codeWrong') : uiOf(req).t('login.codeMissing'),
        staff: null,
      });
    },
  );

  app.post('/logout', { config: { public: true }, preHandler: app.csrfProtection }, async (req, reply) => {
    const sid = req.cookies[app.cookieNames.session];
    if (typeof sid === 'string') await deps.login.logout(sid, req.staff);
    reply.clearSessionCookie();
    return reply.redirect('/login', 303);
  });
};
