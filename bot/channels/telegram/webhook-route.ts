import type { FastifyPluginAsync } from 'fastify';
import { webhookCallback, type Bot } from 'grammy';
import { InputError } from '../../../core/errors.js';
import { safeEqual } from '../../../core/hash.js';
import { looksLikeUpdate } from './ingest.js';

/**
 * POST /telegram/webhook. grammY checks X-Telegram-Bot-Api-Secret-Token and
 * runs the dialogue in the request: the message is stored (and its routing
 * enqueued) before Telegram hears 200. Anything that fails - or takes longer
 * than grammY's timeout - answers an error, and Telegram delivers the update
 * again; the dialogue drops a message id it has already stored.
 */
export interface TelegramWebhook {
  bot: Bot;
  secretToken: string;
}

export const telegramWebhookRoutes: FastifyPluginAsync<TelegramWebhook> = async (app, opts) => {
  const handle = webhookCallback(opts.bot, 'fastify', { secretToken: opts.secretToken, onTimeout: 'throw' });
  // No browser reads this answer, so the web app's security headers (helmet, built anew for every
  // request) are skipped here: they were a measurable part of every youngster message's CPU (bench/).
  app.post('/telegram/webhook', { config: { public: true }, helmet: false, bodyLimit: 1024 * 1024 }, async (req, reply) => {
    // Checked before the body: a caller without the secret learns nothing about what we accept.
    const given = req.headers['x-telegram-bot-api-secret-token'];
    if (!safeEqual(typeof given === 'string' ? given : undefined, opts.secretToken)) {
      return reply.code(401).send({ error: 'unauthorized' });
    }
    if (!looksLikeUpdate(req.body)) throw new InputError('Not a Telegram update', 'bad_update');
    return handle(req, reply);
  });
};
