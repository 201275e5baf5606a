import { and, desc, eq, gte, inArray, lt, or, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { auditLog, staffUsers } from '../schema/index.js';

/**
 * The append-only audit log (BIO: logging of access). The only INSERT into
 * audit_log; there is no UPDATE or DELETE here - the migration's trigger would
 * refuse them anyway, and retention goes through purge_audit_log() alone.
 */

export type AuditDetail = Record<string, string | number | boolean | null>;

export interface AuditEntryInput {
  staffId: string | null;
  teamId: string | null;
  action: string;
  objectType?: string | null;
  objectId?: string | null;
  municipalityId?: string | null;
  /** Numbers and codes only (a count, a step's name, `search: true`), never text a person typed. */
  detail?: AuditDetail;
}

export async function appendAudit(db: DbOrTx, e: AuditEntryInput): Promise<void> {
  await db.insert(auditLog).values({
    staffId: e.staffId,
    teamId: e.teamId,
    action: e.action,
    objectType: e.objectType ?? null,
    objectId: e.objectId ?? null,
    municipalityId: e.municipalityId ?? null,
    detail: e.detail ?? {},
  });
}

/**
 * Whose entries a viewer may read: those of their own team, and those about the
 * municipalities the team serves now (so after a handover the new team sees
 * who touched its youngsters). Never another team's otherwise.
 */
export interface AuditScope {
  teamId: string;
  municipalityIds: string[];
}

export interface AuditFilter {
  staffId?: string | null;
  action?: string | null;
  /** Inclusive. */
  from?: Date | null;
  /** Exclusive. */
  until?: Date | null;
  objectId?: string | null;
}

export interface AuditEntryRow {
  id: number;
  at: Date;
  staffId: string | null;
  staffName: string | null;
  action: string;
  objectType: string | null;
  objectId: string | null;
  municipalityId: string | null;
  detail: AuditDetail;
}

function whereOf(scope: AuditScope, f: AuditFilter): SQL {
  const inScope =
    scope.municipalityIds.length > 0 ? or(eq(auditLog.teamId, scope.teamId), inArray(auditLog.municipalityId, scope.municipalityIds))! : eq(auditLog.teamId, scope.teamId);
  const parts: SQL[] = [inScope];
  if (f.staffId) parts.push(eq(auditLog.staffId, f.staffId));
  if (f.action) parts.push(eq(auditLog.action, f.action));
  if (f.from) parts.push(gte(auditLog.at, f.from));
  if (f.until) parts.push(lt(auditLog.at, f.until));
  if (f.objectId) parts.push(eq(auditLog.objectId, f.objectId));
  return and(...parts)!;
}

const columns = {
  id: auditLog.id,
  at: auditLog.at,
  staffId: auditLog.staffId,
  staffName: staffUsers.name,
  action: auditLog.action,
  objectType: auditLog.objectType,
  objectId: auditLog.objectId,
  municipalityId: auditLog.municipalityId,
  detail: auditLog.detail,
};

/**
 * One page of entries, newest first. Asks for one row more than the page, so the
 * caller knows whether there is a next page without counting the whole log.
 */
export async function listAuditEntries(
  db: DbOrTx,
  scope: AuditScope,
  filter: AuditFilter,
  page: { limit: number; offset: number },
): Promise<{ entries: AuditEntryRow[]; more: boolean }> {
  const rows = await db
    .select(columns)
    .from(auditLog)
    .leftJoin(staffUsers, eq(staffUsers.id, auditLog.staffId))
    .where(whereOf(scope, filter))
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(page.limit + 1)
    .offset(page.offset);
  return { entries: rows.slice(0, page.limit), more: rows.length > page.limit };
}

/**
 * Every matching entry for the CSV, newest first, in batches (keyset on id, which
 * grows with time), so a year of entries never sits in memory at once.
 */
export async function* auditEntryBatches(db: DbOrTx, scope: AuditScope, filter: AuditFilter, batchSize = 1000): AsyncGenerator<AuditEntryRow[]> {
  let below: number | null = null;
  for (;;) {
    const where: SQL = below === null ? whereOf(scope, filter) : and(whereOf(scope, filter), lt(auditLog.id, below))!;
    const rows = await db.select(columns).from(auditLog).leftJoin(staffUsers, eq(staffUsers.id, auditLog.staffId)).where(where).orderBy(desc(auditLog.id)).limit(batchSize);
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < batchSize) return;
    below = rows[rows.length - 1]!.id;
  }
}
