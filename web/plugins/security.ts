import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { sha256 } from '../../core/hash.js';
import { sealKey } from '../../core/seal.js';
import { cookieNames, type CookieNames } from './cookie-names.js';

declare module 'fastify' {
  interface FastifyInstance {
    cookieNames: CookieNames;
  }
  interface FastifyReply {
    /** A CSRF token for a form or script on this page, bound to this browser's CSRF cookie and its session. */
    csrfToken(): string;
    /** Sets the staff session cookie (HttpOnly, SameSite=Lax, Path=/; Secure and `__Host-` under https). */
    setSessionCookie(token: string, expires: Date): FastifyReply;
    clearSessionCookie(): FastifyReply;
  }
}

/**
 * Cookies, forms, CSRF and security headers. The CSP allows only our own
 * scripts and styles: even if youngster text ever reached the page as markup,
 * it could not run.
 */
export const securityPlugin = fp<{ secretKey: string; secureCookies: boolean }>(
  async (app, opts) => {
    const names = cookieNames(opts.secureCookies);
    app.decorate('cookieNames', names);

    /**
     * What a CSRF token is bound to besides the CSRF cookie: the session (its
     * hash; the token carries only an HMAC of that). So a CSRF cookie and
     * token pair from another person's browser, or from an earlier session,
     * is refused. Before sign-in there is no session to bind to; login forms
     * share one value.
     */
    function binding(req: FastifyRequest): string {
      const sid = req.cookies[names.session];
      return typeof sid === 'string' && sid.length > 0 ? `session:${sha256(sid)}` : 'no-session';
    }

    await app.register(cookie, { secret: opts.secretKey });
    await app.register(formbody, { bodyLimit: 64 * 1024 });
    await app.register(csrf, {
      cookieKey: names.csrf,
      cookieOpts: { path: '/', httpOnly: true, sameSite: 'strict', secure: opts.secureCookies, signed: true },
      getUserInfo: binding,
      csrfOpts: { hmacKey: sealKey(opts.secretKey, 'csrf-token'), userInfo: true },
    });
    app.decorateReply('csrfToken', function () {
      return this.generateCsrf({ userInfo: binding(this.request) });
    });
    app.decorateReply('setSessionCookie', function (token: string, expires: Date) {
      return this.setCookie(names.session, token, { path: '/', httpOnly: true, sameSite: 'lax', secure: opts.secureCookies, expires });
    });
    app.decorateReply('clearSessionCookie', function () {
      // Secure again: a browser ignores a __Host- cookie without it, also the one that deletes.
      return this.clearCookie(names.session, { path: '/', httpOnly: true, sameSite: 'lax', secure: opts.secureCookies });
    });

    await app.register(helmet, {
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          upgradeInsecureRequests: opts.secureCookies ? [] : null,
        },
      },
      // Card links must not leak to other sites through the Referer header.
      referrerPolicy: { policy: 'no-referrer' },
      hsts: opts.secureCookies,
    });
  },
  { name: 'security' },
);
