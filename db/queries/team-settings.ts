import { asc, eq } from 'drizzle-orm';
import type { OfficeHours } from '../../core/office-hours.js';
import type { DbOrTx } from '../client.js';
import { municipalities, teamMunicipalities, teams } from '../schema/index.js';

/** A team's name and its own settings (office hours, escalation limit), or null for an unknown team. */
export async function findTeamSettings(db: DbOrTx, teamId: string) {
  const [team] = await db
    .select({ name: teams.name, officeHours: teams.officeHours, escalationOfficeMinutes: teams.escalationOfficeMinutes })
    .from(teams)
    .where(eq(teams.id, teamId));
  return team ?? null;
}

/** The municipalities a team serves, by name. */
export async function listServedMunicipalities(db: DbOrTx, teamId: string): Promise<{ id: string; name: string }[]> {
  return db
    .select({ id: municipalities.id, name: municipalities.name })
    .from(teamMunicipalities)
    .innerJoin(municipalities, eq(municipalities.id, teamMunicipalities.municipalityId))
    .where(eq(teamMunicipalities.teamId, teamId))
    .orderBy(asc(municipalities.name));
}

/** Stores both settings in one statement; false when there is no such team. */
export async function saveTeamSettings(
  db: DbOrTx,
  teamId: string,
  s: { officeHours: OfficeHours; escalationOfficeMinutes: number },
): Promise<boolean> {
  const updated = await db
    .update(teams)
    .set({ officeHours: s.officeHours, escalationOfficeMinutes: s.escalationOfficeMinutes })
    .where(eq(teams.id, teamId))
    .returning({ id: teams.id });
  return updated.length === 1;
}
