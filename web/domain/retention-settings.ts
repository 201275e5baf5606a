import { z } from 'zod';
import { InputError, NotFoundError } from '../../core/errors.js';
import type { Database } from '../../db/client.js';
import { recentDeletionRuns } from '../../db/queries/deletion-log.js';
import { recordEvent } from '../../db/queries/events.js';
import { exitedDates } from '../../db/queries/municipality-exit.js';
import { countsOf, listRetentionMunicipalities, saveRetentionSettings, selectRetention, type RetentionCounts, type RetentionSettings } from '../../db/queries/retention.js';
import type { StaffPrincipal } from '../../db/queries/staff.js';
import { listServedMunicipalities } from '../../db/queries/team-settings.js';

/**
 * Each municipality's retention months (its admins set them; the nightly run,
 * worker/retention-run.ts, keeps them) and the dry run: what the next night
 * would erase, counted with the very selection the run uses.
 */

export const MIN_RETENTION_MONTHS = 1;
/** Ten years: anything longer is no retention period any more. */
export const MAX_RETENTION_MONTHS = 120;

/** Form fields (strings) or JSON numbers alike; a refusal names the field in the reader's language. */
const months = (field: string) =>
  z.coerce
    .number({ error: field })
    .int({ error: field })
    .min(MIN_RETENTION_MONTHS, { error: field })
    .max(MAX_RETENTION_MONTHS, { error: field });
const retentionInput = z.object({
  noReactionMonths: months('retention_no_reaction'),
  closedMonths: months('retention_closed'),
  messageMonths: months('retention_messages'),
});
export type RetentionInput = Record<string, unknown>;

export function parseRetentionInput(input: RetentionInput) {
  const parsed = retentionInput.safeParse(input);
  if (parsed.success) return parsed.data;
  const field = parsed.error.issues[0]?.message ?? 'retention_no_reaction';
  throw new InputError(`retention months invalid: ${field}`, 'retention_months_invalid', 400, { field });
}

export interface RetentionOverviewItem {
  id: string;
  name: string;
  /** Null once the contract ended (exited): nothing is kept or erased there any more. */
  settings: RetentionSettings | null;
  exitedAt: Date | null;
  dryRun: RetentionCounts | null;
}

export function createRetentionSettings(deps: { database: Database }) {
  const { db } = deps.database;

  /** The admin's team's municipalities with their months and the dry run at `now`; and the last runs. */
  async function overview(admin: StaffPrincipal, now = new Date()) {
    const served = await listServedMunicipalities(db, admin.teamId);
    const active = new Map((await listRetentionMunicipalities(db, served.map((m) => m.id))).map((m) => [m.id, m]));
    const exited = await exitedDates(db, served.map((m) => m.id));
    const items: RetentionOverviewItem[] = [];
    for (const m of served) {
      const settings = active.get(m.id) ?? null;
      items.push({ id: m.id, name: m.name, settings, exitedAt: exited.get(m.id) ?? null, dryRun: settings ? countsOf(await selectRetention(db, settings, now)) : null });
    }
    const runs = await recentDeletionRuns(db, served.map((m) => m.id), ['retention', 'exit', 'exit_export'], 30);
    const names = new Map(served.map((m) => [m.id, m.name]));
    return { municipalities: items, runs: runs.map((r) => ({ ...r, municipality: names.get(r.municipalityId ?? '') ?? '' })) };
  }

  /** Checks the three numbers, then stores them for one municipality of the admin's own team, with an event. */
  async function save(admin: StaffPrincipal, municipalityId: string, input: RetentionInput) {
    if (!admin.municipalityIds.includes(municipalityId)) throw new NotFoundError('municipality');
    const parsed = parseRetentionInput(input);
    await db.transaction(async (tx) => {
      if (!(await saveRetentionSettings(tx, municipalityId, parsed))) throw new NotFoundError('municipality');
      await recordEvent(tx, {
        type: 'team.settings_changed',
        municipalityId,
        actorStaffId: admin.id,
        data: { teamId: admin.teamId, setting: 'retention', ...parsed },
      });
    });
    return parsed;
  }

  return { overview, save };
}
export type RetentionSettingsService = ReturnType<typeof createRetentionSettings>;
