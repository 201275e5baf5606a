import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Database } from '../../db/client.js';
import { appendAudit, type AuditDetail } from '../../db/queries/audit-log.js';

/**
 * What a route may add to its own audit entry (or ask to leave it out), set
 * with `noteAudit(req, ...)` in the handler. Ids and codes only: never a name,
 * a message, a search term.
 */
export interface AuditNote {
  /** No entry for this request (e.g. /inbox without a search: the plain worklist is not logged). */
  skip?: boolean;
  /** The object when it is not `req.params.id` (e.g. the id a create just made). */
  objectId?: string;
  municipalityId?: string | null;
  detail?: AuditDetail;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the route (noteAudit); read by the audit hook. */
    auditNote: AuditNote | null;
    /** True once the request got past every onRequest guard (login, role, TOTP) to its handler. */
    auditReached: boolean;
  }
}

export function noteAudit(req: FastifyRequest, note: AuditNote): void {
  req.auditNote = { ...req.auditNote, ...note, detail: { ...req.auditNote?.detail, ...note.detail } };
}

/** A path id as an object id: short and plain, else not stored (it could be anything a person typed). */
function objectIdOf(req: FastifyRequest): string | null {
  const id = (req.params as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : null;
}

/**
 * One audit_log entry for every answered request (< 400) of a route whose
 * `config.audit` is set (web/app.ts `AuditSpec`): who (staff, team), the action,
 * the object's kind and id. Nothing of the request's body or query string.
 *
 * Written in onSend, i.e. BEFORE the first byte of the answer leaves: a view or
 * export whose entry cannot be written is not shown. Deliberately different by
 * method, because of what a failure means:
 * - GET (a view, a download): fail closed. The error becomes a 500 and the
 *   personal data is not sent - an unlogged view is what BIO logging forbids.
 * - POST/PUT/... (a change): the change is already committed when the answer is
 *   sent. A 500 would make the coach try again and, say, send the youngster the
 *   same reply twice; so the answer stands and the failure is logged (ids only)
 *   for an operator. The change itself is also in the events table.
 * Requests that an onRequest guard answered (a login redirect, a 403, the admin
 * TOTP redirect - some of them 303s) never reach `auditReached` and leave nothing.
 */
export const auditPlugin = fp<{ database: Database }>(
  async (app, opts) => {
    const { db } = opts.database;
    app.decorateRequest('auditNote', null);
    app.decorateRequest('auditReached', false);

    // preHandler runs after every onRequest guard and after validation; route-level
    // preHandlers (CSRF) run after this one and answer >= 400 when they refuse.
    app.addHook('preHandler', async (req) => {
      req.auditReached = true;
    });

    app.addHook('onSend', async (req, reply, payload) => {
      const spec = req.routeOptions.config?.audit;
      if (!spec || !req.auditReached || !req.staff || reply.statusCode >= 400 || req.auditNote?.skip) return payload;
      const note = req.auditNote;
      try {
        await appendAudit(db, {
          staffId: req.staff.id,
          teamId: req.staff.teamId,
          action: spec.action,
          objectType: spec.object ?? null,
          objectId: note?.objectId ?? (spec.object ? objectIdOf(req) : null),
          municipalityId: note?.municipalityId ?? null,
          detail: note?.detail ?? {},
        });
      } catch (err) {
        // Ids only: the route's pattern, never the URL (it could carry a query).
        req.log.error({ err, action: spec.action, route: req.routeOptions.url, staffId: req.staff.id, objectId: objectIdOf(req) }, 'audit entry not written');
        if (req.method === 'GET') throw err;
      }
      return payload;
    });
  },
  { name: 'audit', dependencies: ['auth'] },
);
