import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { InboundHandler } from '../../core/channel.js';
import { InputError } from '../../core/errors.js';
import type { LiveBus } from '../../core/live-bus.js';
import { MAX_MESSAGE_CHARS, MESSAGE_POST_BODY_LIMIT } from '../../core/message-text.js';
import { parseShortCode } from '../../core/short-codes.js';
import { isCardTokenShape } from '../../core/tokens.js';
import type { Database } from '../../db/client.js';
import { findCardByShortCode, findCardByToken, type CardContext } from '../../db/queries/cards.js';
import { recordEvent } from '../../db/queries/events.js';
import { translator, type Language } from '../../templates/texts/index.js';
import { telegramDeepLink } from '../channels/telegram/bot.js';
import { CHOICE } from '../dialogue/choices.js';
import { ensureDeviceId, findDeviceContact, messagesForContact } from './contact.js';
import { pickLanguage } from './language.js';
import { isNewScan, markScanned, today } from './scan.js';

export interface WebchatDeps {
  database: Database;
  dialogue: InboundHandler;
  liveBus: LiveBus;
  secureCookies: boolean;
  /** Where the bot's texts say the privacy page is (their links are recognised in the chat). */
  publicUrl: string;
  /** Messenger entry points on the landing page; a channel that is not configured is not shown. */
  links: { telegramUsername: string | null; whatsappNumber: string | null };
}

interface TokenParams {
  token: string;
}

/**
 * The de-duplication key of a web chat's start (too short to collide with a
 * client's message ids, which are 8-64 characters).
 */
const WEB_START_ID = 'start';

/** Only our own page posts JSON; a cross-site form cannot (and SameSite keeps the cookie home). */
function requireJson(contentType: string | undefined) {
  if (!contentType?.startsWith('application/json')) throw new InputError('Expected application/json', 'bad_content_type', 415);
}

/**
 * The web chat: the fallback behind every QR code, and the landing page that
 * offers the messengers. Youngster-facing; no login, the card token is the key.
 */
export const webchatRoutes: FastifyPluginAsync<WebchatDeps> = async (app, deps) => {
  const { db } = deps.database;
  // Youngster-facing: no staff login; the card token (and the device cookie) is the key.
  const open = { public: true };

  async function activeCard(token: string): Promise<CardContext | null> {
    if (!isCardTokenShape(token)) return null;
    const card = await findCardByToken(db, token);
    return card && card.status === 'active' ? card : null;
  }

  /**
   * The card for reading this browser's own thread: active, or revoked by this browser's own
   * opt-out - it may still read the goodbye until the erasure removes everything (then: unknown).
   */
  async function readableCard(req: FastifyRequest, token: string): Promise<CardContext | null> {
    if (!isCardTokenShape(token)) return null;
    const card = await findCardByToken(db, token);
    if (!card) return null;
    if (card.status === 'active') return card;
    const contact = await findDeviceContact(db, req, card);
    return contact?.optedOutAt ? card : null;
  }

  function notFound(reply: FastifyReply, lang: Language) {
    return reply.code(404).view('chat/not-found.eta', { t: translator(lang), lang });
  }

  function pageVars(card: CardContext, lang: Language) {
    const vars = { coach: card.coachFirstName ?? '', municipality: card.municipalityName };
    return { t: translator(lang, vars), lang, hasCoach: card.coachFirstName !== null };
  }

  // The short link printed under the QR code (and the code itself): the same landing page.
  // Rate-limited per address (web/plugins/rate-limit.ts): a code is shorter than a token.
  app.get<{ Params: { code: string } }>('/c/:code', { config: open }, async (req, reply) => {
    const code = parseShortCode(req.params.code);
    const card = code ? await findCardByShortCode(db, code) : null;
    if (!card || card.status !== 'active') return notFound(reply, pickLanguage(req));
    reply.header('cache-control', 'no-store');
    return reply.redirect(`/k/${card.token}`, 303);
  });

  app.get<{ Params: TokenParams }>('/k/:token', { config: open }, async (req, reply) => {
    const lang = pickLanguage(req);
    const card = await activeCard(req.params.token);
    if (!card) return notFound(reply, lang);
    const day = today(new Date());
    if (isNewScan(req, day)) {
      // Counted for monitoring, once per device and day; no IP address or user agent is kept.
      await recordEvent(db, {
        type: 'card.scanned',
        municipalityId: card.municipalityId,
        subject: card.monitoringKey,
      });
      markScanned(reply, req.params.token, day, deps.secureCookies);
    }
    reply.header('cache-control', 'no-store');
    const token = req.params.token;
    const t = translator(lang);
    return reply.view('chat/landing.eta', {
      ...pageVars(card, lang),
      token,
      whatsappUrl: deps.links.whatsappNumber
        ? `https://wa.me/${deps.links.whatsappNumber}?text=${encodeURIComponent(t('landing.whatsappPrefill', { token }))}`
        : null,
      telegramUrl: deps.links.telegramUsername ? telegramDeepLink(deps.links.telegramUsername, token) : null,
    });
  });

  // Only the page: a GET writes nothing (link-preview robots, curl and reloads fetch it too). Its script starts the chat.
  app.get<{ Params: TokenParams }>('/k/:token/chat', { config: open }, async (req, reply) => {
    const lang = pickLanguage(req);
    const card = await activeCard(req.params.token);
    if (!card) return notFound(reply, lang);
    reply.header('cache-control', 'no-store');
    return reply.view('chat/chat.eta', {
      ...pageVars(card, lang),
      token: req.params.token,
      maxChars: MAX_MESSAGE_CHARS,
      privacyUrl: `${deps.publicUrl}/privacy`,
    });
  });

  app.post<{ Params: TokenParams }>('/k/:token/start', { config: open, bodyLimit: 1024 }, async (req, reply) => {
    requireJson(req.headers['content-type']);
    const card = await activeCard(req.params.token);
    if (!card) return reply.code(404).send({ error: 'unknown_card' });
    const existing = await findDeviceContact(db, req, card);
    if (!existing || existing.dialogueState === 'new') {
      // A new browser: the dialogue greets it (the greeting arrives through the live stream).
      // The fixed message id makes a second start of this contact - another tab, a reload racing
      // this one - a duplicate the service drops, so a contact is greeted once.
      const deviceId = ensureDeviceId(req, reply, req.params.token, deps.secureCookies);
      await deps.dialogue.handle({
        channel: 'web',
        externalContactId: deviceId,
        externalMessageId: WEB_START_ID,
        event: { type: 'start', token: req.params.token },
      });
    }
    reply.header('cache-control', 'no-store');
    return reply.code(200).send({ started: true });
  });

  app.get<{ Params: TokenParams }>('/k/:token/messages', { config: open }, async (req, reply) => {
    const card = await readableCard(req, req.params.token);
    if (!card) return reply.code(404).send({ error: 'unknown_card' });
    const contact = await findDeviceContact(db, req, card);
    reply.header('cache-control', 'no-store');
    // optedOut: the page shows why there is no typing box any more.
    return { messages: contact ? await messagesForContact(db, contact.id) : [], optedOut: contact?.optedOutAt != null };
  });

  app.post<{ Params: TokenParams; Body: { text?: unknown; choice?: string; clientId?: string } }>(
    '/k/:token/messages',
    {
      config: open,
      bodyLimit: MESSAGE_POST_BODY_LIMIT,
      schema: {
        body: {
          type: 'object',
          anyOf: [{ required: ['text'] }, { required: ['choice'] }],
          properties: {
            text: { type: 'string' },
            // An option id: a word, optionally with an id (a municipality, a consent) or a visit's type and minute;
            // or a reason under the opt-out's goodbye (why:<reason>).
            choice: { type: 'string', pattern: '^([a-z_]{1,20}(:[0-9a-f-]{36}|:[a-z]{1,10}(:[0-9]{6,9})?)?|why:[a-z_]{1,30})$' },
            clientId: { type: 'string', pattern: '^[A-Za-z0-9_-]{8,64}$' },
          },
        },
      },
    },
    async (req, reply) => {
      requireJson(req.headers['content-type']);
      // Readable, not only active: this browser's own opt-out revoked the card, and it is told so (410).
      const card = await readableCard(req, req.params.token);
      if (!card) return reply.code(404).send({ error: 'unknown_card' });
      const contact = await findDeviceContact(db, req, card);
      if (!contact) return reply.code(409).send({ error: 'no_chat_session', message: 'Open the chat page first' });
      // Opted out: nothing more can be written (410) - except a reason tapped under the goodbye, which
      // is counted anonymously and answered with nothing (bot/dialogue/service.ts countOptOutReason).
      // After the erasure (ERASURE_DELAY_MS after the goodbye was delivered) the contact and card are
      // gone: such a late tap gets the 404 above and is simply not counted.
      const reasonTap = typeof req.body.text !== 'string' && (req.body.choice ?? '').startsWith(CHOICE.optOutReasonPrefix);
      if (contact.optedOutAt && !reasonTap) return reply.code(410).send({ error: 'opted_out' });
      const result = await deps.dialogue.handle({
        channel: 'web',
        externalContactId: contact.externalId,
        externalMessageId: req.body.clientId ?? null,
        event:
          typeof req.body.text === 'string'
            ? { type: 'text', text: req.body.text }
            : { type: 'choice', choice: req.body.choice ?? '' },
      });
      if (result.duplicate) return reply.code(200).send({ message: null, duplicate: true });
      // Taken and counted (or not), nothing stored in the thread: nothing to show.
      if (contact.optedOutAt) return reply.code(202).send({ message: null, duplicate: false });
      const [view] = result.messageId ? await messagesForContact(db, contact.id, result.messageId) : [];
      return reply.code(201).send({ message: view ?? null, duplicate: false });
    },
  );

  app.get<{ Params: TokenParams }>('/k/:token/events', { sse: 'only', config: open }, async (req, reply) => {
    const card = await readableCard(req, req.params.token);
    const contact = card ? await findDeviceContact(db, req, card) : null;
    if (!contact) {
      await reply.sse.send({ event: 'gone', data: {} });
      return;
    }
    reply.header('cache-control', 'no-store');
    reply.sse.keepAlive();
    const off = deps.liveBus.onWebchat(contact.id, (signal) => {
      void (async () => {
        const [view] = await messagesForContact(db, contact.id, signal.messageId);
        if (view && reply.sse.isConnected) await reply.sse.send({ id: String(view.seq), event: 'message', data: view });
      })().catch((err: unknown) => req.log.warn({ err }, 'webchat live push failed'));
    });
    app.trackStream(reply, off);
    await reply.sse.send({ event: 'ready', data: {} });
  });

  // The link in the bot's greeting (a full URL that messengers link); no card, so no way back to a chat.
  app.get('/privacy', { config: open }, async (req, reply) => {
    const lang = pickLanguage(req);
    return reply.view('chat/privacy.eta', { t: translator(lang), lang, token: null });
  });

  // The same page reached from a card's landing page or chat, with the way back to both.
  app.get<{ Params: TokenParams }>('/k/:token/privacy', { config: open }, async (req, reply) => {
    const lang = pickLanguage(req);
    const card = await activeCard(req.params.token);
    if (!card) return notFound(reply, lang);
    return reply.view('chat/privacy.eta', { t: translator(lang), lang, token: req.params.token });
  });
};
