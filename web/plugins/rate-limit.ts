import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { InputError } from '../../core/errors.js';
import { sha256 } from '../../core/hash.js';

/**
 * Throttling of the doors anyone can knock on: staff sign-in (on top of the
 * per-account lockout, against trying many accounts from one address),
 * invitations, and the youngster's web chat (per address and card, so a
 * school's shared address does not silence a whole class). Counted in Redis,
 * so every web process shares the count. If Redis is down the limits are
 * skipped rather than locking everyone out. The Telegram webhook is not
 * limited: its caller is Telegram, and it is checked by its secret.
 */
export interface RateLimits {
  /** Sign-in, second-factor and invitation posts per minute per address. */
  loginPerMinute: number;
  /** Web chat messages per minute per address and card. */
  chatPerMinute: number;
}

type Policy = { max: number; keyGenerator: (req: FastifyRequest) => string };

export const rateLimitPlugin = fp<{ redis: Redis; prefix: string; limits: RateLimits }>(
  async (app, opts) => {
    const byAddress = (req: FastifyRequest) => req.ip;
    // The card as a hash: a rate-limit key in Redis must not hold the card's key (its token) - it outlives an erasure by a minute.
    const byAddressAndCard = (req: FastifyRequest) => `${req.ip}|${sha256((req.params as { token?: string }).token ?? '').slice(0, 24)}`;
    const signIn: Policy = {
      max: opts.limits.loginPerMinute,
      keyGenerator: byAddress,
    };
    const chat: Policy = {
      max: opts.limits.chatPerMinute,
      keyGenerator: byAddressAndCard,
    };
    const policies: Record<string, Policy> = {
      'POST /login': signIn,
      'POST /login/totp': signIn,
      'POST /invite/:token': signIn,
      'POST /k/:token/messages': chat,
      // A short code is guessable in principle (39 bits): guessing is kept slow per address.
      'GET /c/:code': { max: opts.limits.chatPerMinute, keyGenerator: byAddress },
      // Every start without a cookie makes a contact: the same limit keeps that in bounds.
      'POST /k/:token/start': chat,
    };
    // Runs before the rate-limit plugin's own onRoute hook (registered below), which reads config.rateLimit.
    app.addHook('onRoute', (route) => {
      const methods = [route.method].flat();
      const policy = methods.map((m) => policies[`${m} ${route.url}`]).find(Boolean);
      if (!policy) return;
      route.config = {
        ...route.config,
        rateLimit: {
          ...policy,
          timeWindow: 60_000,
          // The error handler says it in the reader's words (staff or youngster texts).
          errorResponseBuilder: (_req, ctx) => new InputError('too many requests from this address', 'rate_limited', ctx.statusCode),
        },
      };
    });
    await app.register(rateLimit, {
      global: false,
      redis: opts.redis,
      nameSpace: `${opts.prefix}:rate:`,
      skipOnError: true,
    });
  },
  { name: 'rate-limit' },
);
