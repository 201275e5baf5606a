import { and, eq, gt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { staffSessions, staffUsers, teamMunicipalities, teams, type StaffRole } from '../schema/index.js';

export interface StaffPrincipal {
  id: string;
  name: string;
  firstName: string;
  email: string;
  role: StaffRole;
  teamId: string;
  teamName: string;
  /** The only municipalities whose youngsters this person may ever see. */
  municipalityIds: string[];
}

export async function findStaffByEmail(db: DbOrTx, email: string) {
  const rows = await db
    .select()
    .from(staffUsers)
    .where(eq(staffUsers.email, email.trim().toLowerCase()))
    .limit(1);
  return rows[0] ?? null;
}

export async function teamMunicipalityIds(db: DbOrTx, teamId: string): Promise<string[]> {
  const rows = await db
    .select({ id: teamMunicipalities.municipalityId })
    .from(teamMunicipalities)
    .where(eq(teamMunicipalities.teamId, teamId));
  return rows.map((r) => r.id);
}

export async function createSession(db: DbOrTx, s: { idHash: string; staffUserId: string; expiresAt: Date }) {
  await db.insert(staffSessions).values({ id: s.idHash, staffUserId: s.staffUserId, expiresAt: s.expiresAt });
}

export async function deleteSession(db: DbOrTx, idHash: string) {
  await db.delete(staffSessions).where(eq(staffSessions.id, idHash));
}

/** The signed-in person behind a session, or null when expired, unknown or deactivated. */
export async function loadSessionPrincipal(db: DbOrTx, idHash: string): Promise<StaffPrincipal | null> {
  const rows = await db
    .select({
      id: staffUsers.id,
      name: staffUsers.name,
      firstName: staffUsers.firstName,
      email: staffUsers.email,
      role: staffUsers.role,
      teamId: staffUsers.teamId,
      teamName: teams.name,
    })
    .from(staffSessions)
    .innerJoin(staffUsers, eq(staffUsers.id, staffSessions.staffUserId))
    .innerJoin(teams, eq(teams.id, staffUsers.teamId))
    .where(and(eq(staffSessions.id, idHash), gt(staffSessions.expiresAt, sql`now()`), eq(staffUsers.active, true)))
    .limit(1);
  const row = rows[0];
  if (!row) return null;
  return { ...row, municipalityIds: await teamMunicipalityIds(db, row.teamId) };
}

export async function recordLoginFailure(db: DbOrTx, userId: string, lockAfter: number, lockMinutes: number) {
  await db
    .update(staffUsers)
    .set({
      failedLogins: sql`${staffUsers.failedLogins} + 1`,
      lockedUntil: sql`case when ${staffUsers.failedLogins} + 1 >= ${lockAfter}
        then now() + make_interval(mins => ${lockMinutes}) else ${staffUsers.lockedUntil} end`,
    })
    .where(eq(staffUsers.id, userId));
}

export async function recordLoginSuccess(db: DbOrTx, userId: string) {
  await db.update(staffUsers).set({ failedLogins: 0, lockedUntil: null }).where(eq(staffUsers.id, userId));
}
