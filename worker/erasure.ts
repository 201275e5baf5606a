import type { ErasureRegistry } from '../core/erasure-registry.js';
import type { Logger } from '../core/logger.js';
import { entriesFor, type SuppressionKeys } from '../core/suppression.js';
import type { Database, Tx } from '../db/client.js';
import { appendAudit } from '../db/queries/audit-log.js';
import { goodbyePending, lockOpenRequest, markErased } from '../db/queries/erasure-requests.js';
import { appendDeletionLog, deletePersonalRows, loadErasureFacts } from '../db/queries/erasure.js';
import { recordEvent } from '../db/queries/events.js';
import { storeSuppression } from '../db/queries/suppression.js';

export interface ErasureDeps {
  database: Database;
  erasure: ErasureRegistry<Tx>;
  suppressionKeys: SuppressionKeys;
  logger: Logger;
  now?: () => Date;
}

export type ErasureOutcome = 'erased' | 'waiting' | 'gone';

/**
 * Erases the person of one request, in one transaction: their suppression
 * entries (keyed hashes only, core/suppression.ts) and the anonymous events
 * monitoring keeps (outcome "afzien van deelname" for an opt-out, the age in
 * years, the random subject key) are written, every registered step's erase
 * runs, and the youngster and contact rows go - everything personal cascades
 * with them. Then the steps' after-commit work (card PDF files).
 * 'waiting': the goodbye is still on its way (and the horizon not reached);
 * 'gone': done before, or another worker holds it. Safe to run twice.
 */
export async function eraseRequest(deps: ErasureDeps, erasureId: string): Promise<ErasureOutcome> {
  const now = deps.now?.() ?? new Date();
  const result = await deps.database.db.transaction(async (tx) => {
    const req = await lockOpenRequest(tx, erasureId);
    if (!req) return { outcome: 'gone' as const };
    if (req.dueAt > now && (await goodbyePending(tx, req.goodbyeMessageId))) return { outcome: 'waiting' as const };
    const facts = await loadErasureFacts(tx, { youngsterId: req.youngsterId, contactIds: req.contactIds });
    const optedOut = req.reason === 'opt_out' || req.reason === 'staff_opt_out';
    // Only an opt-out is remembered: retention and a contract's end are not the person's "no".
    const stored = optedOut ? await storeSuppression(tx, entriesFor(deps.suppressionKeys, facts)) : 0;
    const subject = { youngsterId: req.youngsterId, contactIds: facts.contactIds, municipalityId: req.municipalityId };
    const work = await deps.erasure.erase(tx, subject);
    const monitoring = { municipalityId: req.municipalityId, subject: facts.monitoringKey };
    if (optedOut && facts.monitoringKey && facts.outcome === null) {
      await recordEvent(tx, { ...monitoring, type: 'youngster.outcome_set', data: { category: 'afzien_van_deelname', on: now.toISOString().slice(0, 10) } });
    }
    await recordEvent(tx, { ...monitoring, type: 'youngster.erased', data: { reason: req.reason, age: ageInYears(facts.birthDate, now) } });
    const counts = { ...(await deletePersonalRows(tx, { youngsterId: req.youngsterId, contactIds: facts.contactIds })), suppression_entries: stored };
    await markErased(tx, req.id, counts, now);
    await appendDeletionLog(tx, { reason: req.reason, municipalityId: req.municipalityId, erasureId: req.id, staffId: req.requestedBy, counts, at: now });
    // The erasure in the audit log too: who asked (null: the youngster in the chat, or retention), which object.
    await appendAudit(tx, {
      staffId: req.requestedBy,
      teamId: null,
      action: 'youngster.erase',
      objectType: req.youngsterId ? 'youngster' : 'contact',
      objectId: req.youngsterId ?? facts.contactIds[0] ?? null,
      municipalityId: req.municipalityId,
      detail: { reason: req.reason, erasure: req.id },
    });
    return { outcome: 'erased' as const, work };
  });
  if (result.outcome === 'erased') await deps.erasure.afterCommit(result.work, deps.logger);
  return result.outcome;
}

/** Whole years on `now` (monitoring counts ages, never birth dates); null when unknown. */
export function ageInYears(birthDate: string | null, now: Date): number | null {
  if (!birthDate) return null;
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  const ny = now.getUTCFullYear();
  const beforeBirthday = now.getUTCMonth() + 1 < m || (now.getUTCMonth() + 1 === m && now.getUTCDate() < d);
  return ny - y - (beforeBirthday ? 1 : 0);
}
