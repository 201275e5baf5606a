import type { FastifyPluginAsync } from 'fastify';
import { SESSION_COOKIE } from '../plugins/auth.js';
import type { Login } from '../domain/login.js';

/** Only same-site paths: an attacker's `next=https://evil` or `//evil` becomes the inbox. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/inbox';
}

export const authRoutes: FastifyPluginAsync<{ login: Login; secureCookies: boolean }> = async (app, deps) => {
  app.get('/', { config: { public: true } }, async (req, reply) => reply.redirect(req.staff ? '/inbox' : '/login', 303));

  app.get<{ Querystring: { next?: string } }>('/login', { config: { public: true } }, async (req, reply) => {
    if (req.staff) return reply.redirect(safeNext(req.query.next), 303);
    return reply.view('staff/login.eta', {
      csrf: reply.generateCsrf(),
      next: safeNext(req.query.next),
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
      if (!result.ok) {
        const error =
          result.reason === 'locked'
            ? 'Te vaak een verkeerd wachtwoord. Je account is een kwartier geblokkeerd.'
            : 'E-mailadres of wachtwoord klopt niet.';
        return reply.code(401).view('staff/login.eta', {
          csrf: reply.generateCsrf(),
          next: safeNext(req.body.next),
          error,
          staff: null,
        });
      }
      reply.setCookie(SESSION_COOKIE, result.sessionToken, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: deps.secureCookies,
        expires: result.expiresAt,
      });
      return reply.redirect(safeNext(req.body.next), 303);
    },
  );

  app.post('/logout', { config: { public: true }, preHandler: app.csrfProtection }, async (req, reply) => {
    const sid = req.cookies[SESSION_COOKIE];
    if (typeof sid === 'string') await deps.login.logout(sid);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/login', 303);
  });
};
