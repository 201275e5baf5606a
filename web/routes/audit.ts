import type { FastifyPluginAsync } from 'fastify';
import type { Database } from '../../db/client.js';
import { auditCounts, auditStaffActions } from '../../db/queries/staff.js';
import type { EventType } from '../../db/schema/events.js';
import type { StaffEventType } from '../../templates/staff/index.js';
import { requireRole, requireStaff } from '../plugins/auth.js';
import { uiOf } from '../plugins/views.js';
import { staffOf } from './route-helpers.js';

export const AUDIT_DAYS = 30;

/** Every event type of the schema has a plain label in templates/staff (and no label without a type): else the build fails. */
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _eventLabelsCoverTypes: Exactly<StaffEventType, EventType> = true;
void _eventLabelsCoverTypes;

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
    const ui = uiOf(req);
    const since = new Date(Date.now() - AUDIT_DAYS * 24 * 3600_000);
    const [counts, actions] = await Promise.all([
      auditCounts(db, staff.municipalityIds, since),
      auditStaffActions(db, staff.teamId, staff.municipalityIds, 100),
    ]);
    // One table: a row per event type, a column per municipality.
    const municipalities = [...new Set(counts.map((c) => c.municipality))].sort((a, b) => a.localeCompare(b, ui.locale));
    const types = [...new Set(counts.map((c) => c.type))].sort();
    const cell = new Map(counts.map((c) => [`${c.type}\u0000${c.municipality}`, c.count]));
    reply.header('cache-control', 'no-store');
    return reply.view('staff/audit.eta', {
      staff,
      csrf: reply.csrfToken(),
      days: AUDIT_DAYS,
      municipalities,
      rows: types.map((type) => ({
        type,
        label: ui.event(type),
        counts: municipalities.map((m) => cell.get(`${type}\u0000${m}`) ?? 0),
        total: municipalities.reduce((sum, m) => sum + (cell.get(`${type}\u0000${m}`) ?? 0), 0),
      })),
      actions: actions.map((a) => ({
        type: a.type,
        label: ui.event(a.type),
        at: ui.auditWhen(a.occurredAt),
        actor: a.actorName ?? ui.t('audit.unknownActor'),
        municipality: a.municipality ?? ui.t('audit.team'),
        detail: a.fromTeam && a.toTeam ? ui.t('audit.transfer', { from: a.fromTeam, to: a.toTeam }) : null,
      })),
    });
  });
};
