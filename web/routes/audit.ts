import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { FastifyPluginAsync } from 'fastify';
import type { Database } from '../../db/client.js';
import { auditEntryBatches, listAuditEntries, type AuditEntryRow } from '../../db/queries/audit-log.js';
import { auditCounts, auditStaffActions, listTeamAccounts } from '../../db/queries/staff.js';
import { AUDIT_ACTIONS, auditActionLabel, auditCsvHeaders, auditObjectLabel } from '../../templates/staff/audit-actions.js';
import { AUDIT_PAGE_SIZE, auditQueryString, parseAuditQuery, type AuditQuery } from '../domain/audit-filter.js';
import { noteAudit } from '../plugins/audit.js';
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

  app.get<{ Querystring: AuditQuery }>('/audit', { config: { audit: { action: 'audit.view' } } }, async (req, reply) => {
    const staff = staffOf(req);
    const ui = uiOf(req);
    const since = new Date(Date.now() - AUDIT_DAYS * 24 * 3600_000);
    const q = parseAuditQuery(req.query);
    // The filters are ids, codes and dates; only how many were used goes into the entry of this view.
    noteAudit(req, { detail: { filters: q.count, page: q.page } });
    const [counts, actions, log, colleagues] = await Promise.all([
      auditCounts(db, staff.municipalityIds, since),
      auditStaffActions(db, staff.teamId, staff.municipalityIds, 100),
      listAuditEntries(db, staff, q.filter, { limit: AUDIT_PAGE_SIZE, offset: (q.page - 1) * AUDIT_PAGE_SIZE }),
      listTeamAccounts(db, staff.teamId),
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
      // The append-only audit log: who looked at or changed what, filtered and paged.
      form: q.form,
      colleagues: colleagues.map((c) => ({ id: c.id, name: c.name })),
      actionChoices: AUDIT_ACTIONS.map((a) => ({ code: a, label: auditActionLabel(ui.lang, a) })),
      entries: log.entries.map((e) => entryView(ui.lang, e, ui.auditWhen(e.at), ui.t('audit.unknownActor'), ui.t('audit.automatic'))),
      page: q.page,
      prev: q.page > 1 ? `/audit${auditQueryString(q.form, { page: q.page - 1 })}#log` : null,
      next: log.more ? `/audit${auditQueryString(q.form, { page: q.page + 1 })}#log` : null,
      csv: `/audit.csv${auditQueryString(q.form)}`,
    });
  });

  /** The same entries as the page's filters select, all of them, as a file (streamed in batches). */
  app.get<{ Querystring: AuditQuery }>('/audit.csv', { config: { audit: { action: 'audit.export' } } }, async (req, reply) => {
    const staff = staffOf(req);
    const ui = uiOf(req);
    const q = parseAuditQuery(req.query);
    noteAudit(req, { detail: { filters: q.count } });
    const csv = stringify({ header: true, columns: auditCsvHeaders(ui.lang), bom: true });
    const rows = async function* () {
      for await (const batch of auditEntryBatches(db, staff, q.filter)) {
        for (const e of batch) {
          const v = entryView(ui.lang, e, e.at.toISOString(), '', ui.t('audit.automatic'));
          // A name that starts like a formula is not run by a spreadsheet.
          yield [v.at, /^[=+\-@\t\r]/.test(v.who) ? `'${v.who}` : v.who, e.staffId ?? '', v.label, e.action, v.objectLabel, e.objectId ?? '', e.municipalityId ?? ''];
        }
      }
    };
    const source = Readable.from(rows());
    source.on('error', (err) => csv.destroy(err));
    csv.on('error', (err: unknown) => req.log.error({ err, route: req.routeOptions.url }, 'audit export failed'));
    const day = new Date().toISOString().slice(0, 10);
    return reply
      .header('cache-control', 'no-store')
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="audit-${day}.csv"`)
      .send(source.pipe(csv));
  });
};

/** One entry as the page and the CSV show it: labels in the viewer's language, ids as they are. */
function entryView(lang: 'nl' | 'en', e: AuditEntryRow, at: string, unknown: string, automatic: string) {
  return {
    at,
    // No staff member: a failed sign-in with an unknown e-mail (''), or Lijntje itself (an erasure after a chat opt-out, retention).
    who: e.staffName ?? (e.staffId ? unknown : e.action === 'staff.sign_in_failed' ? '' : automatic),
    action: e.action,
    label: auditActionLabel(lang, e.action),
    objectType: e.objectType ?? '',
    objectLabel: auditObjectLabel(lang, e.objectType),
    objectId: e.objectId ?? '',
  };
}
