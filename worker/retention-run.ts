import type { Logger } from '../core/logger.js';
import type { Queues } from '../core/queues.js';
import type { Database } from '../db/client.js';
import { writeDeletionLog } from '../db/queries/deletion-log.js';
import { requestErasure } from '../db/queries/erasure-requests.js';
import {
  countsOf,
  deleteRetainedMessages,
  listRetentionMunicipalities,
  lockMunicipalityRetention,
  purgeAuditLog,
  selectRetention,
  type RetentionCounts,
} from '../db/queries/retention.js';

/**
 * How long the audit log (who looked at or changed what) is kept. Long enough
 * for a youngster's or a municipality's question "who saw my file last year"
 * and a complaint procedure after it; short enough not to become a record of
 * every casemanager's day forever. purge_audit_log() itself refuses less than
 * 180 days.
 */
export const AUDIT_KEEP_MONTHS = 24;

export interface RunSummary {
  municipalities: { municipalityId: string; counts: RetentionCounts; erasureIds: string[] }[];
  auditEntriesPurged: number;
}

export interface RetentionDeps {
  database: Database;
  queues: Pick<Queues, 'enqueueErasure'>;
  logger: Logger;
  /** The run's moment (tests pass their own); the rules' months are counted back from it. */
  now?: Date;
}

/**
 * The nightly retention run (job 'retention' on queue 'privacy'). Per
 * municipality still under contract, in one transaction: the same selection
 * the admin's dry run shows (db/queries/retention.ts), an erasure request
 * (reason 'retention') for every person it names, the old messages of
 * everyone else deleted, and one deletion_log row with the counts. The
 * erasures are enqueued after the commit; the worker erases (worker/erasure.ts)
 * and the sweeper picks up what an enqueue missed. Then the audit log past
 * AUDIT_KEEP_MONTHS is purged. Logs carry counts only.
 */
export async function runRetention(deps: RetentionDeps): Promise<RunSummary> {
  const { db } = deps.database;
  const now = deps.now ?? new Date();
  const summary: RunSummary = { municipalities: [], auditEntriesPurged: 0 };

  for (const m of await listRetentionMunicipalities(db)) {
    const done = await db.transaction(async (tx) => {
      await lockMunicipalityRetention(tx, m.id);
      const selection = await selectRetention(tx, m, now);
      const erasureIds: string[] = [];
      for (const subject of [...selection.noReaction, ...selection.closed, ...selection.cardless]) {
        const r = await requestErasure(tx, { ...subject, municipalityId: m.id, reason: 'retention', requestedBy: null, now });
        erasureIds.push(r.id);
      }
      const deleted = await deleteRetainedMessages(tx, selection.messageIds);
      const counts = { ...countsOf(selection), messages: deleted };
      await writeDeletionLog(tx, { reason: 'retention', municipalityId: m.id, staffId: null, counts });
      return { municipalityId: m.id, counts, erasureIds };
    });
    for (const id of done.erasureIds) await deps.queues.enqueueErasure(id);
    summary.municipalities.push(done);
    deps.logger.info({ municipalityId: m.id, ...done.counts }, 'retention run');
  }

  summary.auditEntriesPurged = await purgeAuditLog(db, AUDIT_KEEP_MONTHS);
  await writeDeletionLog(db, { reason: 'retention', municipalityId: null, staffId: null, counts: { auditEntries: summary.auditEntriesPurged } });
  deps.logger.info({ auditEntries: summary.auditEntriesPurged }, 'audit log purged past retention');
  return summary;
}
