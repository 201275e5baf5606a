import type { FastifyPluginAsync } from 'fastify';
import { coalesce } from '../../core/coalesce.js';
import { NotFoundError } from '../../core/errors.js';
import { loadYoungsterPanel } from '../domain/youngster-panel.js';
import type { LiveBus } from '../../core/live-bus.js';
import { MAX_MESSAGE_CHARS, MESSAGE_POST_BODY_LIMIT, messagePostSchema } from '../../core/message-text.js';
import type { Database } from '../../db/client.js';
import { conversationInScope, getConversationInScope, getMessageInScope, listThread, type ConversationInScope } from '../../db/queries/conversations.js';
import { countInboxViews, INBOX_VIEWS, listInbox, normaliseSearch, SEARCH_MAX_CHARS, type InboxView } from '../../db/queries/inbox.js';
import { getNoteInScope, listAssignableColleagues, listNotes } from '../../db/queries/notes.js';
import { markNoticeRead, unreadNotices } from '../../db/queries/erasure.js';
import type { StaffPrincipal } from '../../db/queries/staff.js';
import { cannedReplies, fillCannedReply, pickDate } from '../domain/canned-replies.js';
import { MAX_NOTE_CHARS } from '../domain/note-limit.js';
import type { Replies } from '../domain/replies.js';
import type { Retry } from '../domain/retry.js';
import { noteAudit } from '../plugins/audit.js';
import { requireRole, requireStaff } from '../plugins/auth.js';
import { staffLanguageOf } from '../plugins/views.js';
import { postedJson, staffOf, uuidParam } from './route-helpers.js';

/** How long a page's counts may lag behind a signal; a burst of signals within it is counted once. */
export const COUNTS_DELAY_MS = 300;
/** How many of an open conversation's newest messages a (re)connected stream brings up to date. */
const READY_MESSAGES = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface InboxDeps {
  database: Database;
  replies: Replies;
  retry: Retry;
  liveBus: LiveBus;
}


/** The casemanager's inbox. Every query takes the viewer's municipality scope. */
export const inboxRoutes: FastifyPluginAsync<InboxDeps> = async (app, deps) => {
  const { db } = deps.database;
  // onRequest: an anonymous caller is turned away before the body is even parsed or validated.
  app.addHook('onRequest', requireStaff);
  // Message content is for casemanagers and coordinators only (not admins, not privacy officers).
  app.addHook('onRequest', requireRole('casemanager', 'coordinator'));

  // Only a search is logged (the term itself is personal data: just `search: true`); the plain worklist is not.
  app.get<{ Querystring: { view?: string; q?: string; optedOut?: string } }>('/inbox', { config: { audit: { action: 'inbox.search' } } }, async (req, reply) => {
    const staff = staffOf(req);
    const view: InboxView = (INBOX_VIEWS as readonly string[]).includes(req.query.view ?? '') ? (req.query.view as InboxView) : 'mine';
    const rawQ = typeof req.query.q === 'string' ? req.query.q.slice(0, SEARCH_MAX_CHARS) : '';
    const search = normaliseSearch(rawQ);
    noteAudit(req, rawQ.trim() ? { detail: { search: true } } : { skip: true });
    const [items, counts, optOuts] = await Promise.all([
      listInbox(db, { municipalityIds: staff.municipalityIds, view, staffId: staff.id, search }),
      countInboxViews(db, staff.municipalityIds, staff.id),
      // Their own opt-outs, without content (the conversation is being erased): not work, but they should know.
      view === 'mine' && !search ? unreadNotices(db, staff.id) : [],
    ]);
    reply.header('cache-control', 'no-store');
    return reply.view('staff/inbox.eta', {
      staff,
      items,
      view,
      counts,
      optOuts,
      q: rawQ,
      search,
      searchTooShort: rawQ.trim().length > 0 && !search,
      // Back from recording an opt-out (web/routes/opt-out.ts): its conversation is gone from the list.
      optedOutDone: req.query.optedOut === '1',
      csrf: reply.csrfToken(),
    });
  });

  // "Gezien": a notice of their own leaves the list (another's is a 404: nothing to see there).
  app.post<{ Params: { id: string } }>('/inbox/notices/:id/read', { schema: { params: uuidParam } }, async (req, reply) => {
    const staff = staffOf(req);
    if ((await markNoticeRead(db, staff.id, req.params.id)) === 0) throw new NotFoundError('notice');
    if (postedJson(req)) return reply.send({ ok: true });
    return reply.redirect('/inbox', 303);
  });

  /** Canned replies are filled in here, on the server: the youngster's first name, the coach, a date. */
  function cannedText(staff: StaffPrincipal, conversation: ConversationInScope, id: unknown, datum: unknown) {
    if (typeof id !== 'string' || id.length > 40) return null;
    return fillCannedReply(id, conversation.language, {
      voornaam: conversation.youngsterFirstName,
      coach: staff.firstName,
      datum: pickDate(datum),
    });
  }

  app.get<{ Params: { id: string }; Querystring: { canned?: string; datum?: string } }>(
    '/inbox/c/:id',
    { schema: { params: uuidParam }, config: { audit: { action: 'conversation.view', object: 'conversation' } } },
    async (req, reply) => {
      const staff = staffOf(req);
      const conversation = await getConversationInScope(db, req.params.id, staff.municipalityIds);
      if (!conversation) throw new NotFoundError('conversation');
      noteAudit(req, { municipalityId: conversation.municipalityId });
      const [thread, notes, colleagues, counts, panel] = await Promise.all([
        listThread(db, conversation.id),
        listNotes(db, conversation.id),
        listAssignableColleagues(db, staff.teamId),
        countInboxViews(db, staff.municipalityIds, staff.id),
        loadYoungsterPanel(db, conversation.id, staff.municipalityIds, { lang: staffLanguageOf(req) }),
      ]);
      // One timeline: messages and internal notes in the order they happened.
      const timeline = [
        ...thread.map((m) => ({ type: 'message' as const, at: m.createdAt, m })),
        ...notes.map((n) => ({ type: 'note' as const, at: n.createdAt, n })),
      ].sort((a, b) => a.at.getTime() - b.at.getTime());
      reply.header('cache-control', 'no-store');
      return reply.view('staff/conversation.eta', {
        staff,
        conversation,
        timeline,
        colleagues,
        counts,
        panel,
        canned: cannedReplies(conversation.language),
        cannedId: req.query.canned ?? '',
        datum: pickDate(req.query.datum),
        draft: cannedText(staff, conversation, req.query.canned, req.query.datum) ?? '',
        csrf: reply.csrfToken(),
        maxChars: MAX_MESSAGE_CHARS,
        maxNoteChars: MAX_NOTE_CHARS,
        error: null,
      });
    },
  );

  app.get<{ Params: { id: string }; Querystring: { canned?: string; datum?: string } }>(
    '/inbox/c/:id/canned',
    { schema: { params: uuidParam }, config: { audit: { action: 'conversation.canned', object: 'conversation' } } },
    async (req, reply) => {
      const staff = staffOf(req);
      const conversation = await getConversationInScope(db, req.params.id, staff.municipalityIds);
      if (!conversation) throw new NotFoundError('conversation');
      const text = cannedText(staff, conversation, req.query.canned, req.query.datum);
      if (text === null) throw new NotFoundError('canned reply');
      reply.header('cache-control', 'no-store');
      return { text };
    },
  );

  app.post<{ Params: { id: string }; Body: { text?: unknown; clientId?: string } }>(
    '/inbox/c/:id/replies',
    {
      config: { audit: { action: 'conversation.reply', object: 'conversation' } },
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
      config: { audit: { action: 'message.retry', object: 'conversation' } },
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

  /**
   * Live updates: a signal from a worker becomes a scoped re-read, never a
   * forwarded payload. `inbox` carries the conversation and the message or
   * note the signal names; `counts` the viewer's view counts, re-counted once
   * per COUNTS_DELAY_MS however many signals arrive (a note moves nothing
   * between views, so it does not count). `ready` carries the counts too, so a
   * reconnected page catches up.
   */
  app.get<{ Querystring: { conversation?: string } }>('/inbox/events', { sse: 'only' }, async (req, reply) => {
    const staff = staffOf(req);
    reply.header('cache-control', 'no-store');
    reply.sse.keepAlive();
    const counts = coalesce(() => {
      void countInboxViews(db, staff.municipalityIds, staff.id)
        .then((c) => (reply.sse.isConnected ? reply.sse.send({ event: 'counts', data: { counts: c } }) : undefined))
        .catch((err: unknown) => req.log.warn({ err }, 'inbox live counts failed'));
    }, COUNTS_DELAY_MS);
    const off = deps.liveBus.onInbox((signal) => {
      if (!staff.municipalityIds.includes(signal.municipalityId)) return;
      if (signal.kind !== 'note') counts.soon();
      void (async () => {
        const [conversation, message, note] = await Promise.all([
          getConversationInScope(db, signal.conversationId, staff.municipalityIds),
          signal.messageId ? getMessageInScope(db, signal.messageId, staff.municipalityIds) : null,
          signal.noteId ? getNoteInScope(db, signal.noteId, staff.municipalityIds) : null,
        ]);
        if (!conversation || !reply.sse.isConnected) return;
        await reply.sse.send({ event: 'inbox', data: { conversation, message, note, forMe: conversation.assignedTo === staff.id } });
      })().catch((err: unknown) => req.log.warn({ err }, 'inbox live push failed'));
    });
    // The team's municipalities changed (a handover): this stream's scope is stale, so it ends;
    // the browser reconnects on its own and the new stream reads the scope afresh.
    const offScope = deps.liveBus.onScope((s) => {
      if (s.teamIds.includes(staff.teamId)) reply.sse.close();
    });
    app.trackStream(reply, () => {
      off();
      offScope();
      counts.stop();
    });
    // A conversation page also gets its newest messages as they are now: a status that changed between the
    // page's render and this stream's start (a reply delivered in that moment) would otherwise stay stale.
    const open = typeof req.query.conversation === 'string' && UUID.test(req.query.conversation) ? req.query.conversation : null;
    const [counted, recent] = await Promise.all([
      countInboxViews(db, staff.municipalityIds, staff.id),
      open && (await conversationInScope(db, open, staff.municipalityIds)) ? listThread(db, open, READY_MESSAGES) : [],
    ]);
    await reply.sse.send({ event: 'ready', data: { counts: counted, messages: recent } });
  });
};
