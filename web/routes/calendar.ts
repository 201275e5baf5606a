import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ConflictError, InputError } from '../../core/errors.js';
import { formatMoment } from '../../core/local-time.js';
import type { BookInput, CalendarQuery, ResultInput, VisitsStaff } from '../domain/visits-staff.js';
import { requireRole, requireStaff } from '../plugins/auth.js';
import { uiOf } from '../plugins/views.js';
import { postedJson, staffOf, uuidParam } from './route-helpers.js';

export interface CalendarRoutesDeps {
  visits: VisitsStaff;
}

const FIELD = { type: 'string', maxLength: 64 } as const;
const bookBody = { type: 'object', properties: { _csrf: { type: 'string' }, type: FIELD, startsAt: FIELD } } as const;
const resultBody = { type: 'object', properties: { _csrf: { type: 'string' }, result: FIELD, minutes: {} } } as const;
const resultParams = {
  type: 'object',
  required: ['id', 'visitId'],
  properties: { id: { type: 'string', format: 'uuid' }, visitId: { type: 'string', format: 'uuid' } },
} as const;
const calendarQuery = { type: 'object', properties: { view: FIELD, date: FIELD, who: FIELD } } as const;

/**
 * The staff calendar (/calendar: day or week, own or team) and the visit forms of a
 * conversation: the booking page (moments from findSlots), booking and a visit's result.
 * Casemanagers and coordinators; for a conversation the scope comes first (404), then the
 * role (403), as for the panel's other forms.
 */
export const calendarRoutes: FastifyPluginAsync<CalendarRoutesDeps> = async (app, deps) => {
  const { visits } = deps;

  app.get<{ Querystring: CalendarQuery }>(
    '/calendar',
    { config: { audit: { action: 'calendar.view' } }, onRequest: requireRole('casemanager', 'coordinator'), schema: { querystring: calendarQuery } },
    async (req, reply) => {
      const staff = staffOf(req);
      const calendar = await visits.calendar(staff, req.query ?? {});
      reply.header('cache-control', 'no-store');
      return reply.view('staff/calendar.eta', { staff, csrf: reply.csrfToken(), calendar });
    },
  );

  async function renderNew(req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, type: unknown, error: InputError | ConflictError | null) {
    const ui = uiOf(req);
    const o = await visits.options(staffOf(req), req.params.id, type);
    reply.header('cache-control', 'no-store');
    return reply.view('staff/visit-new.eta', {
      staff: staffOf(req),
      csrf: reply.csrfToken(),
      conversationId: req.params.id,
      types: o.types,
      type: o.type,
      slots: o.slots.map((s) => ({ value: s.startsAt.toISOString(), label: formatMoment(ui.lang, s.startsAt), with: s.with.join(' + ') })),
      error: error ? ui.refusal(error.code, error.vars) : null,
    });
  }

  app.get<{ Params: { id: string }; Querystring: { type?: string } }>(
    '/inbox/c/:id/visits/new',
    { onRequest: requireStaff, schema: { params: uuidParam, querystring: { type: 'object', properties: { type: FIELD } } } },
    async (req, reply) => renderNew(req, reply, req.query?.type, null),
  );

  /** Booking, or proposing the moment in the chat: a form gets the page again with the refusal and fresh moments ("net weg"). */
  const bookOrPropose = (action: 'book' | 'propose') => async (req: FastifyRequest<{ Params: { id: string }; Body: BookInput }>, reply: FastifyReply) => {
    const body = req.body ?? {};
    try {
      const done = action === 'book' ? await visits.book(staffOf(req), req.params.id, body) : await visits.propose(staffOf(req), req.params.id, body);
      if (postedJson(req)) return reply.code(action === 'book' ? 201 : 202).send(done);
      return reply.redirect(`/inbox/c/${req.params.id}${action === 'book' ? '#visit' : ''}`, 303);
    } catch (err) {
      // JSON gets the error handler's answer; so does a refusal of scope or role (404, 403).
      const shown = err instanceof ConflictError || (err instanceof InputError && err.statusCode === 400);
      if (postedJson(req) || !shown) throw err;
      reply.code(err.statusCode);
      return renderNew(req, reply, body.type, err);
    }
  };
  const visitForm = (action: string) =>
    ({
      config: { audit: { action, object: 'conversation' } },
      onRequest: requireStaff,
      preHandler: app.csrfProtection,
      bodyLimit: 8 * 1024,
      schema: { params: uuidParam, body: bookBody },
    }) as const;

  app.post<{ Params: { id: string }; Body: BookInput }>('/inbox/c/:id/visits', visitForm('visit.book'), bookOrPropose('book'));
  app.post<{ Params: { id: string }; Body: BookInput }>('/inbox/c/:id/visits/propose', visitForm('visit.propose'), bookOrPropose('propose'));

  app.post<{ Params: { id: string; visitId: string }; Body: ResultInput }>(
    '/inbox/c/:id/visits/:visitId/result',
    {
      config: { audit: { action: 'visit.result', object: 'conversation' } },
      onRequest: requireStaff,
      preHandler: app.csrfProtection,
      bodyLimit: 8 * 1024,
      schema: { params: resultParams, body: resultBody },
    },
    async (req, reply) => {
      await visits.result(staffOf(req), req.params.id, req.params.visitId, req.body ?? {});
      if (postedJson(req)) return reply.code(200).send({ ok: true });
      return reply.redirect(`/inbox/c/${req.params.id}#visit`, 303);
    },
  );
};
