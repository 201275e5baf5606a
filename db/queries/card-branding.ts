import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { municipalities, staffUsers, teamMunicipalities, type CardColours } from '../schema/index.js';

/** What the cards print of a team's municipalities and casemanagers (admins edit it: /admin/cards). */
export async function teamCardBranding(db: DbOrTx, teamId: string) {
  const served = await db
    .select({
      id: municipalities.id,
      name: municipalities.name,
      colours: municipalities.cardColours,
      hasLogo: sql<boolean>`${municipalities.cardLogo} is not null`,
      defaultCasemanagerId: municipalities.defaultCasemanagerId,
    })
    .from(municipalities)
    .innerJoin(teamMunicipalities, eq(teamMunicipalities.municipalityId, municipalities.id))
    .where(eq(teamMunicipalities.teamId, teamId))
    .orderBy(municipalities.name);
  const coaches = await db
    .select({
      id: staffUsers.id,
      name: staffUsers.name,
      firstName: staffUsers.firstName,
      email: staffUsers.email,
      phone: staffUsers.cardPhone,
      hasPhoto: sql<boolean>`${staffUsers.cardPhoto} is not null`,
    })
    .from(staffUsers)
    .where(and(eq(staffUsers.teamId, teamId), eq(staffUsers.role, 'casemanager'), eq(staffUsers.active, true)))
    .orderBy(staffUsers.name);
  return { served, coaches };
}

/** Only a municipality the team serves is changed; false otherwise (the caller answers 404). */
export async function saveMunicipalityBranding(
  db: DbOrTx,
  teamId: string,
  id: string,
  b: { colours: CardColours; logo?: Buffer | null; defaultCasemanagerId: string | null },
): Promise<boolean> {
  const inScope = sql`${municipalities.id} in (select tm.municipality_id from ${teamMunicipalities} tm where tm.team_id = ${teamId})`;
  const rows = await db
    .update(municipalities)
    .set({ cardColours: b.colours, defaultCasemanagerId: b.defaultCasemanagerId, ...(b.logo !== undefined ? { cardLogo: b.logo } : {}) })
    .where(and(eq(municipalities.id, id), inScope))
    .returning({ id: municipalities.id });
  return rows.length > 0;
}

/** Only a casemanager of the team; false otherwise. */
export async function saveCoachCard(db: DbOrTx, teamId: string, id: string, c: { phone: string | null; photo?: Buffer | null }): Promise<boolean> {
  const rows = await db
    .update(staffUsers)
    .set({ cardPhone: c.phone, ...(c.photo !== undefined ? { cardPhoto: c.photo } : {}) })
    .where(and(eq(staffUsers.id, id), eq(staffUsers.teamId, teamId), eq(staffUsers.role, 'casemanager')))
    .returning({ id: staffUsers.id });
  return rows.length > 0;
}

/** A team's active casemanagers among these ids (a default casemanager must be one). */
export async function activeCasemanagersOf(db: DbOrTx, teamId: string, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  const rows = await db
    .select({ id: staffUsers.id })
    .from(staffUsers)
    .where(and(inArray(staffUsers.id, ids), eq(staffUsers.teamId, teamId), eq(staffUsers.role, 'casemanager'), eq(staffUsers.active, true)));
  return rows.map((r) => r.id);
}
