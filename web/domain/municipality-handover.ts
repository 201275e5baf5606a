import { InputError, NotFoundError } from '../../core/errors.js';
import type { LiveBus } from '../../core/live-bus.js';
import type { Database } from '../../db/client.js';
import { recordEvent } from '../../db/queries/events.js';
import { handoverImpact, moveMunicipality, otherTeamsInRegion, servedMunicipality, type HandoverImpact } from '../../db/queries/municipality-handover.js';
import type { StaffPrincipal } from '../../db/queries/staff.js';
import { st, type StaffTextKey } from '../../templates/staff/index.js';

/**
 * An admin of the team that serves a municipality hands it to another team
 * of the same region (the region's teams change). Only that team's admins
 * may (anyone else: 404, as for anything outside their scope); a target
 * outside the region - or unknown, which looks the same - is refused.
 *
 * What happens, shown before confirming and done in one transaction:
 * - the municipality is served by the new team at once (scope is read per
 *   request, so both teams' staff see the change on their next click; open
 *   inbox streams of both teams are told to re-read their scope);
 * - every conversation's assignment is cleared (those are the old team's
 *   people, who lose access), so the new team's routing assigns them - open
 *   ones wait under "unassigned";
 * - the casemanager on the youngsters' cards is cleared (not reassigned: the
 *   old team cannot know who at the new team takes over), so the bot and the
 *   card page speak for the municipality's youth coaches instead of naming
 *   someone who can no longer read along; cards, tokens and QR codes keep working;
 * - one anonymous event (ids and counts) that both teams' audit views show.
 */
export class HandoverInputError extends InputError {
  override name = 'HandoverInputError';
  constructor(
    readonly textKey: StaffTextKey,
    code: string,
  ) {
    super(st('nl', textKey), code);
  }
}

export interface HandoverPreview {
  municipality: { id: string; name: string; regionName: string };
  teamName: string;
  targets: { id: string; name: string }[];
  /** The chosen target and what the move would touch (null until a target is chosen). */
  target: { id: string; name: string } | null;
  impact: HandoverImpact | null;
}

export interface HandoverResult {
  municipalityId: string;
  fromTeamId: string;
  toTeamId: string;
  openConversations: number;
  assignmentsCleared: number;
  closedAssignmentsCleared: number;
  cardCasemanagersCleared: number;
}

export function createMunicipalityHandover(deps: { database: Database; liveBus: LiveBus }) {
  const { db } = deps.database;

  async function preview(admin: StaffPrincipal, municipalityId: string, targetTeamId: string | null): Promise<HandoverPreview> {
    const m = await servedMunicipality(db, admin.teamId, municipalityId);
    if (!m) throw new NotFoundError('municipality');
    const targets = await otherTeamsInRegion(db, m.regionId, admin.teamId);
    const target = targetTeamId === null ? null : (targets.find((t) => t.id === targetTeamId) ?? null);
    if (targetTeamId !== null && !target) throw new HandoverInputError('handover.error.target', 'target_not_in_region');
    return {
      municipality: { id: m.id, name: m.name, regionName: m.regionName },
      teamName: admin.teamName,
      targets,
      target,
      impact: target ? await handoverImpact(db, m.id) : null,
    };
  }

  async function confirm(admin: StaffPrincipal, municipalityId: string, targetTeamId: string): Promise<HandoverResult> {
    const result = await db.transaction(async (tx) => {
      const m = await servedMunicipality(tx, admin.teamId, municipalityId, { lock: true });
      if (!m) throw new NotFoundError('municipality');
      const target = (await otherTeamsInRegion(tx, m.regionId, admin.teamId)).find((t) => t.id === targetTeamId);
      if (!target) throw new HandoverInputError('handover.error.target', 'target_not_in_region');
      const impact = await handoverImpact(tx, m.id);
      const moved = await moveMunicipality(tx, { municipalityId: m.id, fromTeamId: admin.teamId, toTeamId: target.id });
      if (!moved) throw new NotFoundError('municipality');
      const done: HandoverResult = {
        municipalityId: m.id,
        fromTeamId: admin.teamId,
        toTeamId: target.id,
        openConversations: impact.openConversations,
        ...moved,
      };
      // Anonymous: ids of the municipality and the teams, and counts - never names of youngsters or staff.
      const { municipalityId: _m, ...data } = done;
      await recordEvent(tx, { type: 'municipality.transferred', municipalityId: m.id, actorStaffId: admin.id, data });
      return done;
    });
    // Best effort: a stream that misses it keeps its old scope only until its next reconnect or page load.
    await deps.liveBus.publishScope({ teamIds: [result.fromTeamId, result.toTeamId] }).catch(() => {});
    return result;
  }

  return { preview, confirm };
}
export type MunicipalityHandover = ReturnType<typeof createMunicipalityHandover>;
