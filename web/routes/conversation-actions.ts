import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError } from '../../core/errors.js';
import { MESSAGE_POST_BODY_LIMIT } from '../../core/message-text.js';
import type { Database } from '../../db/client.js';
import { conversationInScope, getConversationInScope } from '../../db/queries/conversations.js';
import { CONVERSATION_STATUSES, type ConversationActions } from '../domain/conversation-actions.js';
import { requireRole, requireStaff } from '../plugins/auth.js';
import { postedJson, staffOf, uuidParam } from './route-helpers.js';

export interface ConversationActionDeps {
  database: Database;
  actions: ConversationActions;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Small forms: a status, a flag, an id (plus the CSRF token). */
const SMALL_BODY_LIMIT = 4 * 1024;

/**
 * Notes, assign / transfer, status and urgent flag on a conversation. Each
 * works as a plain form post (303 back to the conversation) and as JSON.
 */
export const conversationActionRoutes: FastifyPluginAsync<ConversationActionDeps> = async (app, deps) => {
  const { db } = deps.database;
  app.addHook('onRequest', requireStaff);
  app.addHook('onRequest', requireRole('casemanager', 'coordinator'));
  // Outside the scope the conversation does not exist - whatever the body says, before it is even validated.
  app.addHook('preValidation', async (req) => {
    const id = (req.params as { id?: unknown }).id;
    if (typeof id !== 'string' || !UUID.test(id)) return; // the params schema answers 400
    if (!(await conversationInScope(db, id, staffOf(req).municipalityIds))) throw new NotFoundError('conversation');
  });

  async function done(req: FastifyRequest, reply: FastifyReply, id: string, extra: Record<string, unknown> = {}) {
    if (postedJson(req)) {
      const conversation = await getConversationInScope(db, id, staffOf(req).municipalityIds);
      return reply.send({ conversation, ...extra });
    }
    return reply.redirect(`/inbox/c/${id}`, 303);
  }

  app.post<{ Params: { id: string }; Body: { body: string } }>(
    '/inbox/c/:id/notes',
    {
      config: { audit: { action: 'note.add', object: 'conversation' } },
      preHandler: app.csrfProtection,
      bodyLimit: MESSAGE_POST_BODY_LIMIT,
      schema: {
        params: uuidParam,
        body: {
          type: 'object',
          required: ['body'],
          additionalProperties: false,
          properties: { body: { type: 'string' }, _csrf: { type: 'string' } },
        },
      },
    },
    async (req, reply) => {
      const result = await deps.actions.addNote(staffOf(req), req.params.id, req.body.body);
      if (postedJson(req)) reply.code(201);
      return done(req, reply, req.params.id, { noteId: result.noteId });
    },
  );

  app.post<{ Params: { id: string }; Body: { staffId: string; note?: string } }>(
    '/inbox/c/:id/assign',
    {
      config: { audit: { action: 'conversation.assign', object: 'conversation' } },
      preHandler: app.csrfProtection,
      bodyLimit: MESSAGE_POST_BODY_LIMIT,
      schema: {
        params: uuidParam,
        body: {
          type: 'object',
          required: ['staffId'],
          additionalProperties: false,
          properties: { staffId: { type: 'string', format: 'uuid' }, note: { type: 'string' }, _csrf: { type: 'string' } },
        },
      },
    },
    async (req, reply) => {
      const result = await deps.actions.assign(staffOf(req), req.params.id, req.body.staffId, req.body.note);
      return done(req, reply, req.params.id, { changed: result.changed });
    },
  );

  app.post<{ Params: { id: string }; Body: { status: (typeof CONVERSATION_STATUSES)[number] } }>(
    '/inbox/c/:id/status',
    {
      config: { audit: { action: 'conversation.status', object: 'conversation' } },
      preHandler: app.csrfProtection,
      bodyLimit: SMALL_BODY_LIMIT,
      schema: {
        params: uuidParam,
        body: {
          type: 'object',
          required: ['status'],
          additionalProperties: false,
          properties: { status: { type: 'string', enum: [...CONVERSATION_STATUSES] }, _csrf: { type: 'string' } },
        },
      },
    },
    async (req, reply) => {
      const result = await deps.actions.setStatus(staffOf(req), req.params.id, req.body.status);
      return done(req, reply, req.params.id, { changed: result.changed });
    },
  );

  app.post<{ Params: { id: string }; Body: { urgent?: boolean | 'true' | 'false' } | undefined }>(
    '/inbox/c/:id/urgent',
    {
      config: { audit: { action: 'conversation.urgent', object: 'conversation' } },
      preHandler: app.csrfProtection,
      bodyLimit: SMALL_BODY_LIMIT,
      schema: {
        params: uuidParam,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { urgent: { enum: [true, false, 'true', 'false'] }, _csrf: { type: 'string' } },
        },
      },
    },
    async (req, reply) => {
      const raw = req.body?.urgent;
      const urgent = raw === undefined ? null : raw === true || raw === 'true';
      const result = await deps.actions.setUrgent(staffOf(req), req.params.id, urgent);
      return done(req, reply, req.params.id, { changed: result.changed, urgent: result.urgent });
    },
  );
};
