import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import fp from 'fastify-plugin';

/**
 * Cookies, forms, CSRF and security headers. The CSP allows only our own
 * scripts and styles: even if youngster text ever reached the page as markup,
 * it could not run.
 */
export const securityPlugin = fp<{ secretKey: string; secureCookies: boolean }>(
  async (app, opts) => {
    await app.register(cookie, { secret: opts.secretKey });
    await app.register(formbody, { bodyLimit: 64 * 1024 });
    await app.register(csrf, {
      cookieKey: 'lj_csrf',
      cookieOpts: { path: '/', httpOnly: true, sameSite: 'strict', secure: opts.secureCookies, signed: true },
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
