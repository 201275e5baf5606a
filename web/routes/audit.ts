import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { ZONE } from '../../core/local-time.js';
import type { Database } from '../../db/client.js';
import { auditCounts, auditStaffActions, type StaffPrincipal } from '../../db/queries/staff.js';
import { requireRole, requireStaff } from '../plugins/auth.js';

export const AUDIT_DAYS = 30;

const moment = new Intl.DateTimeFormat('nl-NL', {
  timeZone: ZONE,
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

function staffOf(req: FastifyRequest): StaffPrincipal {
  if (!req.staff) throw new Error('requireStaff must run before this handler');
  return req.staff;
}

/**
 * The privacy officer's overview, built only from the anonymous events table
 * for the municipalities of the viewer's team: counts per event type and the
 * latest staff actions (type, time, who, where). Never message text,
 * youngster names or contact ids.
 */
export const auditRoutes: FastifyPluginAsync<{ database: Database }> = async (app, deps) => {
  const { db } = deps.database;
  app.addHook('onRequest', requireStaff);
  app.addHook('onRequest', requireRole('privacy_officer', 'admin'));

  app.get('/audit', async (req, reply) => {
    const staff = staffOf(req);
    const since = new Date(Date.now() - AUDIT_DAYS * 24 * 3600_000);
    const [counts, actions] = await Promise.all([
      auditCounts(db, staff.municipalityIds, since),
      auditStaffActions(db, staff.teamId, staff.municipalityIds, 100),
    ]);
    // One table: a row per event type, a column per municipality.
    const municipalities = [...new Set(counts.map((c) => c.municipality))].sort((a, b) => a.localeCompare(b, 'nl'));
    const types = [...new Set(counts.map((c) => c.type))].sort();
    const cell = new Map(counts.map((c) => [`${c.type}\u0000${c.municipality}`, c.count]));
    reply.header('cache-control', 'no-store');
    return reply.view('staff/audit.eta', {
      staff,
      csrf: reply.generateCsrf(),
      days: AUDIT_DAYS,
      municipalities,
      rows: types.map((type) => ({
        type,
        counts: municipalities.map((m) => cell.get(`${type}\u0000${m}`) ?? 0),
        total: municipalities.reduce((sum, m) => sum + (cell.get(`${type}\u0000${m}`) ?? 0), 0),
      })),
      actions: actions.map((a) => ({
        type: a.type,
        at: moment.format(a.occurredAt),
        actor: a.actorName ?? 'onbekend (account verwijderd)',
        municipality: a.municipality ?? '(team)',
      })),
    });
  });
};
