import { ConflictError, InputError, NotFoundError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Queues } from '../../core/queues.js';
import type { Database } from '../../db/client.js';
import { loadDossiers } from '../../db/queries/access-export.js';
import { exitExportDownloaded, writeDeletionLog } from '../../db/queries/deletion-log.js';
import { requestErasure } from '../../db/queries/erasure-requests.js';
import { exitImpact, exitSubjects, lockMunicipality, markExited, municipalityInScope, runningDossierIds } from '../../db/queries/municipality-exit.js';
import { lockMunicipalityRetention } from '../../db/queries/retention.js';
import type { StaffPrincipal } from '../../db/queries/staff.js';

/**
 * The exit plan at a contract's end (domain.md): the admin downloads the
 * running dossiers for the municipality, then - typing its name to confirm -
 * has all its personal data erased: an erasure request (reason 'exit') for
 * every youngster and every contact without a card, the municipality marked
 * exited (the nightly retention skips it from then on), numbers in the
 * deletion log. The worker erases within the 24-hour horizon.
 */

/** Same name, ignoring case and spacing: the point is a deliberate act, not a spelling test. */
const sameName = (a: string, b: string) => a.trim().replace(/\s+/g, ' ').toLocaleLowerCase('nl') === b.trim().replace(/\s+/g, ' ').toLocaleLowerCase('nl');

export function createMunicipalityExit(deps: { database: Database; queues: Pick<Queues, 'enqueueErasure'>; logger: Logger }) {
  const { db } = deps.database;

  async function scoped(admin: StaffPrincipal, id: string) {
    const m = await municipalityInScope(db, id, admin.municipalityIds);
    if (!m) throw new NotFoundError('municipality');
    return m;
  }

  /** What the exit would do, counted; and whether the dossiers were downloaded. */
  async function preview(admin: StaffPrincipal, id: string) {
    const municipality = await scoped(admin, id);
    return { municipality, impact: await exitImpact(db, id), downloaded: await exitExportDownloaded(db, id) };
  }

  /** The running dossiers (youngsters without an outcome) for the hand-over; the download is logged (numbers only). */
  async function exportDossiers(admin: StaffPrincipal, id: string, now = new Date()) {
    const municipality = await scoped(admin, id);
    if (municipality.exitedAt) throw new ConflictError('municipality exited', 'municipality_exited');
    const dossiers = await loadDossiers(db, await runningDossierIds(db, id));
    await writeDeletionLog(db, { reason: 'exit_export', municipalityId: id, staffId: admin.id, counts: { dossiers: dossiers.length }, at: now });
    return { municipality: municipality.name, exportedAt: now.toISOString(), dossiers };
  }

  async function erase(admin: StaffPrincipal, id: string, typedName: unknown, now = new Date()) {
    const municipality = await scoped(admin, id);
    if (typeof typedName !== 'string' || !sameName(typedName, municipality.name)) {
      throw new InputError('exit not confirmed', 'exit_confirm_mismatch');
    }
    const done = await db.transaction(async (tx) => {
      const state = await lockMunicipality(tx, id);
      if (!state) throw new NotFoundError('municipality');
      if (state.exitedAt) throw new ConflictError('municipality exited', 'municipality_exited');
      if (!(await exitExportDownloaded(tx, id))) throw new ConflictError('exit export not downloaded', 'exit_export_missing');
      // Not at the same time as a retention run of this municipality.
      await lockMunicipalityRetention(tx, id);
      const subjects = await exitSubjects(tx, id);
      const ids: string[] = [];
      for (const s of subjects) ids.push((await requestErasure(tx, { ...s, municipalityId: id, reason: 'exit', requestedBy: admin.id, now })).id);
      await markExited(tx, id, now);
      const youngsters = subjects.filter((s) => s.youngsterId).length;
      await writeDeletionLog(tx, {
        reason: 'exit',
        municipalityId: id,
        staffId: admin.id,
        counts: { people: subjects.length, youngsters, cardless: subjects.length - youngsters },
        at: now,
      });
      return ids;
    });
    for (const erasureId of done) {
      // A missed enqueue is not lost: the sweeper re-enqueues open requests.
      await deps.queues.enqueueErasure(erasureId).catch((err: unknown) => deps.logger.warn({ err, erasureId }, 'exit erasure not enqueued; the sweeper will'));
    }
    return { requested: done.length, exitedAt: now };
  }

  return { preview, exportDossiers, erase };
}
export type MunicipalityExit = ReturnType<typeof createMunicipalityExit>;
