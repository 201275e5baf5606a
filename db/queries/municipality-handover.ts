import { and, asc, eq, inArray, isNotNull, ne, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { cards, conversations, municipalities, regions, staffUsers, teamMunicipalities, teams, youngsters } from '../schema/index.js';

/**
 * Handing a municipality from one team to another team of the same region
 * (the region's teams change). Reads for the admin's preview, and the move
 * itself; the rules (who may, which targets) live in web/domain/municipality-handover.ts.
 */

/** A municipality the team serves now, with its region; null when the team does not serve it. */
export async function servedMunicipality(db: DbOrTx, teamId: string, municipalityId: string, opts: { lock?: boolean } = {}) {
  const q = db
    .select({ id: municipalities.id, name: municipalities.name, regionId: municipalities.regionId, regionName: regions.name })
    .from(teamMunicipalities)
    .innerJoin(municipalities, eq(municipalities.id, teamMunicipalities.municipalityId))
    .innerJoin(regions, eq(regions.id, municipalities.regionId))
    .where(and(eq(teamMunicipalities.teamId, teamId), eq(teamMunicipalities.municipalityId, municipalityId)))
    .limit(1);
  // FOR UPDATE on the team_municipalities row: two admins (or two clicks) cannot move it at once.
  const rows = opts.lock ? await q.for('update', { of: teamMunicipalities }) : await q;
  return rows[0] ?? null;
}

/** The other teams of a region: where a municipality of it may go. */
export async function otherTeamsInRegion(db: DbOrTx, regionId: string, exceptTeamId: string) {
  return db
    .select({ id: teams.id, name: teams.name })
    .from(teams)
    .where(and(eq(teams.regionId, regionId), ne(teams.id, exceptTeamId)))
    .orderBy(asc(teams.name));
}

/** What a handover would touch: open conversations per assignee, closed ones, active cards. */
export async function handoverImpact(db: DbOrTx, municipalityId: string) {
  const perAssignee = await db
    .select({ staffId: conversations.assignedTo, name: staffUsers.name, open: sql<number>`count(*)::int` })
    .from(conversations)
    .leftJoin(staffUsers, eq(staffUsers.id, conversations.assignedTo))
    .where(and(eq(conversations.municipalityId, municipalityId), ne(conversations.status, 'closed')))
    .groupBy(conversations.assignedTo, staffUsers.name)
    .orderBy(asc(staffUsers.name));
  const [closed] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(conversations)
    .where(and(eq(conversations.municipalityId, municipalityId), eq(conversations.status, 'closed')));
  const [card] = await db
    .select({
      active: sql<number>`count(*) filter (where ${cards.status} = 'active')::int`,
      withCasemanager: sql<number>`count(*) filter (where ${cards.status} = 'active' and ${cards.casemanagerId} is not null)::int`,
    })
    .from(cards)
    .innerJoin(youngsters, eq(youngsters.id, cards.youngsterId))
    .where(eq(youngsters.municipalityId, municipalityId));
  return {
    openConversations: perAssignee.reduce((sum, r) => sum + r.open, 0),
    /** Assigned open conversations per person (they lose access); unassigned ones as `staffId: null`. */
    perAssignee,
    closedConversations: closed?.n ?? 0,
    activeCards: card?.active ?? 0,
    activeCardsWithCasemanager: card?.withCasemanager ?? 0,
  };
}
export type HandoverImpact = Awaited<ReturnType<typeof handoverImpact>>;

/**
 * The move, inside the caller's transaction (after servedMunicipality with
 * lock): the municipality goes to the new team; every assignment of its
 * conversations and every casemanager on its youngsters' cards is cleared,
 * because those are people of the old team, who lose access now. Returns
 * what was cleared.
 */
export async function moveMunicipality(tx: DbOrTx, m: { municipalityId: string; fromTeamId: string; toTeamId: string }) {
  const moved = await tx
    .update(teamMunicipalities)
    .set({ teamId: m.toTeamId })
    .where(and(eq(teamMunicipalities.municipalityId, m.municipalityId), eq(teamMunicipalities.teamId, m.fromTeamId)))
    .returning({ municipalityId: teamMunicipalities.municipalityId });
  if (moved.length !== 1) return null;
  const unassigned = await tx
    .update(conversations)
    .set({ assignedTo: null })
    .where(and(eq(conversations.municipalityId, m.municipalityId), isNotNull(conversations.assignedTo)))
    .returning({ id: conversations.id, status: conversations.status });
  const ofMunicipality = tx.select({ id: youngsters.id }).from(youngsters).where(eq(youngsters.municipalityId, m.municipalityId));
  const cleared = await tx
    .update(cards)
    .set({ casemanagerId: null })
    .where(and(inArray(cards.youngsterId, ofMunicipality), isNotNull(cards.casemanagerId)))
    .returning({ id: cards.id });
  return {
    assignmentsCleared: unassigned.filter((c) => c.status !== 'closed').length,
    closedAssignmentsCleared: unassigned.filter((c) => c.status === 'closed').length,
    cardCasemanagersCleared: cleared.length,
  };
}
