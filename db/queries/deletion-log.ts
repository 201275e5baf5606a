import { and, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { deletionLog } from '../schema/index.js';

/**
 * The deletion log (db/schema/privacy.ts): proof of every retention run, exit
 * and erasure, with numbers only - never a name, an id of a person or text.
 */

/** Why a row was written; 'exit_export' records that the running dossiers were handed over before the exit erase. */
export type DeletionReason = 'retention' | 'exit' | 'exit_export';

export async function writeDeletionLog(
  db: DbOrTx,
  row: { reason: DeletionReason; municipalityId: string | null; staffId?: string | null; counts: Record<string, number>; at?: Date },
): Promise<void> {
  await db.insert(deletionLog).values({
    reason: row.reason,
    municipalityId: row.municipalityId,
    staffId: row.staffId ?? null,
    counts: row.counts,
    ...(row.at ? { at: row.at } : {}),
  });
}

/** The latest runs of these municipalities (not the per-person rows of an erasure), newest first. */
export async function recentDeletionRuns(db: DbOrTx, municipalityIds: readonly string[], reasons: readonly DeletionReason[], limit = 20) {
  if (!municipalityIds.length) return [];
  return db
    .select({ at: deletionLog.at, reason: deletionLog.reason, municipalityId: deletionLog.municipalityId, counts: deletionLog.counts })
    .from(deletionLog)
    .where(and(inArray(deletionLog.municipalityId, [...municipalityIds]), inArray(deletionLog.reason, [...reasons]), isNull(deletionLog.erasureId)))
    .orderBy(desc(deletionLog.at), desc(deletionLog.id))
    .limit(limit);
}

/** Has the exit export of this municipality been downloaded at least once? */
export async function exitExportDownloaded(db: DbOrTx, municipalityId: string): Promise<boolean> {
  const rows = await db
    .select({ id: deletionLog.id })
    .from(deletionLog)
    .where(and(eq(deletionLog.municipalityId, municipalityId), eq(deletionLog.reason, 'exit_export')))
    .limit(1);
  return rows.length > 0;
}
