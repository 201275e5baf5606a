import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { CalendarFeed } from '../domain/calendar-feed.js';
import { requireStaff } from '../plugins/auth.js';
import { staffOf } from './route-helpers.js';

export interface CalendarFeedRoutesDeps {
  feed: CalendarFeed;
  publicUrl: string;
}

/**
 * The private iCalendar feed (public: the URL's secret token is the key, like a card link;
 * an unknown or revoked token is a plain 404) and the own account page that makes the URL
 * (shown once) or stops it.
 */
export const calendarFeedRoutes: FastifyPluginAsync<CalendarFeedRoutesDeps> = async (app, deps) => {
  const { feed } = deps;

  app.get<{ Params: { token: string } }>(
    '/calendar/feed/:token.ics',
    { config: { public: true }, schema: { params: { type: 'object', required: ['token'], properties: { token: { type: 'string', maxLength: 64 } } } } },
    async (req, reply) => {
      const text = await feed.render(req.params.token);
      if (text === null) return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
      // The URL is a secret: no shared cache may keep it, no referrer carry it.
      reply.header('cache-control', 'private, no-store').header('referrer-policy', 'no-referrer');
      return reply.type('text/calendar; charset=utf-8').send(text);
    },
  );

  async function render(req: FastifyRequest, reply: FastifyReply, notice: { url?: string; revoked?: boolean }) {
    const staff = staffOf(req);
    reply.header('cache-control', 'no-store');
    return reply.view('staff/calendar-feed.eta', { staff, csrf: reply.csrfToken(), on: await feed.exists(staff.id), url: notice.url ?? null, revoked: notice.revoked ?? false });
  }

  app.get('/account/calendar-feed', { onRequest: requireStaff }, async (req, reply) => render(req, reply, {}));

  app.post(
    '/account/calendar-feed',
    { config: { audit: { action: 'calendar_feed.change' } }, onRequest: requireStaff, preHandler: app.csrfProtection },
    async (req, reply) => {
      const token = await feed.create(staffOf(req).id);
      // Shown once, on this answer only (never in a redirect's URL).
      return render(req, reply, { url: `${deps.publicUrl.replace(/\/$/, '')}/calendar/feed/${token}.ics` });
    },
  );

  app.post(
    '/account/calendar-feed/revoke',
    { config: { audit: { action: 'calendar_feed.change' } }, onRequest: requireStaff, preHandler: app.csrfProtection },
    async (req, reply) => {
      await feed.revoke(staffOf(req).id);
      return render(req, reply, { revoked: true });
    },
  );
};
