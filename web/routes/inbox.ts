import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { NotFoundError } from '../../core/errors.js';
import type { LiveBus } from '../../core/live-bus.js';
import { MAX_MESSAGE_CHARS, MESSAGE_POST_BODY_LIMIT, messagePostSchema } from '../../core/message-text.js';
import type { Database } from '../../db/client.js';
import { getConversationInScope, getMessageInScope, listInbox, listThread } from '../../db/queries/conversations.js';
import type { StaffPrincipal } from '../../db/queries/staff.js';
import type { Replies } from '../domain/replies.js';
import type { Retry } from '../domain/retry.js';
import { requireStaff } from '../plugins/auth.js';

export interface InboxDeps {
  database: Database;
  replies: Replies;
  retry: Retry;
  liveBus: LiveBus;
}

const uuidParam = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid' } },
} as const;

function staffOf(req: FastifyRequest): StaffPrincipal {
  if (!req.staff) throw new Error('requireStaff must run before this handler');
  return req.staff;
}

/** The casemanager's inbox. Every query takes the viewer's municipality scope. */
export const inboxRoutes: FastifyPluginAsync<InboxDeps> = async (app, deps) => {
  const { db } = deps.database;
  // onRequest: an anonymous caller is turned away before the body is even parsed or validated.
  app.addHook('onRequest', requireStaff);

  app.get<{ Querystring: { view?: string } }>('/inbox', async (req, reply) => {
    const staff = staffOf(req);
    const view = req.query.view === 'team' ? 'team' : 'mine';
    const items = await listInbox(db, {
      municipalityIds: staff.municipalityIds,
      assignedTo: view === 'mine' ? staff.id : undefined,
    });
    reply.header('cache-control', 'no-store');
    return reply.view('staff/inbox.eta', { staff, items, view, csrf: reply.generateCsrf() });
  });

  app.get<{ Params: { id: string } }>('/inbox/c/:id', { schema: { params: uuidParam } }, async (req, reply) => {
    const staff = staffOf(req);
    const conversation = await getConversationInScope(db, req.params.id, staff.municipalityIds);
    if (!conversation) throw new NotFoundError('conversation');
    const thread = await listThread(db, conversation.id);
    reply.header('cache-control', 'no-store');
    return reply.view('staff/conversation.eta', {
      staff,
      conversation,
      thread,
      csrf: reply.generateCsrf(),
      maxChars: MAX_MESSAGE_CHARS,
      error: null,
    });
  });

  app.post<{ Params: { id: string }; Body: { text?: unknown; clientId?: string } }>(
    '/inbox/c/:id/replies',
    {
      preHandler: app.csrfProtection,
      bodyLimit: MESSAGE_POST_BODY_LIMIT,
      schema: { params: uuidParam, body: messagePostSchema },
    },
    async (req, reply) => {
      const staff = staffOf(req);
      const result = await deps.replies.send(staff, req.params.id, req.body.text, req.body.clientId ?? null);
      if (req.headers['content-type']?.startsWith('application/json')) {
        const message = await getMessageInScope(db, result.messageId, staff.municipalityIds);
        return reply.code(result.duplicate ? 200 : 201).send({ message, duplicate: result.duplicate });
      }
      return reply.redirect(`/inbox/c/${req.params.id}`, 303);
    },
  );

  app.post<{ Params: { id: string; messageId: string } }>(
    '/inbox/c/:id/messages/:messageId/retry',
    {
      preHandler: app.csrfProtection,
      schema: {
        params: {
          type: 'object',
          required: ['id', 'messageId'],
          properties: { id: { type: 'string', format: 'uuid' }, messageId: { type: 'string', format: 'uuid' } },
        },
      },
    },
    async (req, reply) => {
      const staff = staffOf(req);
      await deps.retry(staff, req.params.id, req.params.messageId);
      if (req.headers['content-type']?.startsWith('application/json')) {
        return reply.code(202).send({ message: await getMessageInScope(db, req.params.messageId, staff.municipalityIds) });
      }
      return reply.redirect(`/inbox/c/${req.params.id}`, 303);
    },
  );

  /** Live updates: a signal from a worker becomes a scoped re-read, never a forwarded payload. */
  app.get('/inbox/events', { sse: 'only' }, async (req, reply) => {
    const staff = staffOf(req);
    reply.header('cache-control', 'no-store');
    reply.sse.keepAlive();
    const off = deps.liveBus.onInbox((signal) => {
      if (!staff.municipalityIds.includes(signal.municipalityId)) return;
      void (async () => {
        const conversation = await getConversationInScope(db, signal.conversationId, staff.municipalityIds);
        const message = signal.messageId ? await getMessageInScope(db, signal.messageId, staff.municipalityIds) : null;
        if (!conversation || !reply.sse.isConnected) return;
        await reply.sse.send({ event: 'inbox', data: { conversation, message, forMe: conversation.assignedTo === staff.id } });
      })().catch((err: unknown) => req.log.warn({ err }, 'inbox live push failed'));
    });
    app.trackStream(reply, off);
    await reply.sse.send({ event: 'ready', data: {} });
  });
};
