import { newCardToken } from '../../core/tokens.js';
import type { Db } from '../../db/client.js';
import {
  cards,
  municipalities,
  regions,
  staffUsers,
  teamMunicipalities,
  teams,
  youngsters,
  type StaffRole,
} from '../../db/schema/index.js';
import { hashPassword } from '../../web/domain/login.js';

export const PASSWORD = 'correct horse battery staple';
let cachedHash: Promise<string> | undefined;
const passwordHash = () => (cachedHash ??= hashPassword(PASSWORD));

export async function createTeam(db: Db, name: string, municipalityNames: string[]) {
  const [region] = await db
    .insert(regions)
    .values({ name: `Regio ${name}` })
    .returning();
  const [team] = await db.insert(teams).values({ regionId: region!.id, name }).returning();
  const ms: Record<string, string> = {};
  for (const n of municipalityNames) {
    const [m] = await db.insert(municipalities).values({ regionId: region!.id, name: n }).returning();
    ms[n] = m!.id;
    await db.insert(teamMunicipalities).values({ teamId: team!.id, municipalityId: m!.id });
  }
  return { teamId: team!.id, municipalities: ms };
}

export async function createStaff(
  db: Db,
  teamId: string,
  s: { email: string; firstName: string; role?: StaffRole; active?: boolean },
) {
  const [u] = await db
    .insert(staffUsers)
    .values({
      teamId,
      email: s.email,
      name: `${s.firstName} Test`,
      firstName: s.firstName,
      role: s.role ?? 'casemanager',
      passwordHash: await passwordHash(),
      active: s.active ?? true,
    })
    .returning();
  return u!;
}

export async function createYoungsterWithCard(
  db: Db,
  municipalityId: string,
  casemanagerId: string | null,
  person: { firstName?: string; lastName?: string } = {},
) {
  const [y] = await db
    .insert(youngsters)
    .values({ municipalityId, firstName: person.firstName ?? 'Sigfrid', lastName: person.lastName ?? 'Houben' })
    .returning();
  const token = newCardToken();
  const [card] = await db.insert(cards).values({ youngsterId: y!.id, token, casemanagerId }).returning();
  return { youngster: y!, card: card!, token };
}

/** Two teams in two regions: the standard scope fixture. */
export async function twoTeams(db: Db) {
  const oost = await createTeam(db, 'Team Oost', ['Roermond', 'Maasgouw']);
  const west = await createTeam(db, 'Team West', ['Weert']);
  const michelle = await createStaff(db, oost.teamId, { email: 'michelle@oost.test', firstName: 'Michelle' });
  const yusuf = await createStaff(db, oost.teamId, { email: 'yusuf@oost.test', firstName: 'Yusuf' });
  const karin = await createStaff(db, oost.teamId, { email: 'karin@oost.test', firstName: 'Karin', role: 'coordinator' });
  const bram = await createStaff(db, west.teamId, { email: 'bram@west.test', firstName: 'Bram' });
  return { oost, west, michelle, yusuf, karin, bram };
}
