import type { DbOrTx } from '../client.js';
import { municipalities, regions, staffUsers, teamMunicipalities, teams, type OfficeHours, type StaffRole } from '../schema/index.js';

/**
 * The shape every organisation in Lijntje has: a region, its Doorstroompunt
 * teams, the municipalities each team serves, and each team's staff. The demo
 * region, the tests' fixtures and the benchmark all build theirs with
 * createOrganisation, so a change to that shape (a new required column, a
 * rule about who serves what) is made once.
 */
export interface StaffSpec {
  email: string;
  firstName: string;
  /** Defaults to "<first name> Test". */
  name?: string;
  role?: StaffRole;
  active?: boolean;
}

export interface TeamSpec {
  name: string;
  municipalities: string[];
  staff?: StaffSpec[];
  officeHours?: OfficeHours;
}

export interface OrganisationSpec {
  region: string;
  teams: TeamSpec[];
}

export type StaffRow = typeof staffUsers.$inferSelect;

export interface Organisation {
  regionId: string;
  /** Per team name: its id and its municipalities' ids by name. */
  teams: Record<string, { id: string; municipalities: Record<string, string> }>;
  /** Every municipality's id by name. */
  municipalities: Record<string, string>;
  /** Every staff member by e-mail address. */
  staff: Record<string, StaffRow>;
}

/**
 * Inserts the whole organisation (run it in a transaction to get all or
 * nothing). `passwordHash` is every staff member's; null for an install
 * where nobody signs in (the benchmark).
 */
export async function createOrganisation(db: DbOrTx, spec: OrganisationSpec, opts: { passwordHash: string | null }): Promise<Organisation> {
  const [region] = await db.insert(regions).values({ name: spec.region }).returning({ id: regions.id });
  if (!region) throw new Error('region insert returned no row');
  const org: Organisation = { regionId: region.id, teams: {}, municipalities: {}, staff: {} };
  for (const t of spec.teams) {
    const [team] = await db
      .insert(teams)
      .values({ regionId: region.id, name: t.name, ...(t.officeHours ? { officeHours: t.officeHours } : {}) })
      .returning({ id: teams.id });
    if (!team) throw new Error('team insert returned no row');
    const served: Record<string, string> = {};
    for (const name of t.municipalities) {
      const [m] = await db.insert(municipalities).values({ regionId: region.id, name }).returning({ id: municipalities.id });
      if (!m) throw new Error('municipality insert returned no row');
      await db.insert(teamMunicipalities).values({ teamId: team.id, municipalityId: m.id });
      served[name] = m.id;
    }
    org.teams[t.name] = { id: team.id, municipalities: served };
    Object.assign(org.municipalities, served);
    for (const s of await addStaff(db, team.id, t.staff ?? [], opts.passwordHash)) org.staff[s.email] = s;
  }
  return org;
}

/** Staff members of an existing team. */
export async function addStaff(db: DbOrTx, teamId: string, staff: StaffSpec[], passwordHash: string | null): Promise<StaffRow[]> {
  if (!staff.length) return [];
  return db
    .insert(staffUsers)
    .values(
      staff.map((s) => ({
        teamId,
        email: s.email,
        name: s.name ?? `${s.firstName} Test`,
        firstName: s.firstName,
        role: s.role ?? 'casemanager',
        active: s.active ?? true,
        passwordHash,
      })),
    )
    .returning();
}
