import { and, eq, isNotNull, notExists, or } from 'drizzle-orm';
import { newShortCode } from '../../core/short-codes.js';
import { newCardToken } from '../../core/tokens.js';
import type { Db } from '../client.js';
import { cards, channelContacts, municipalities, partners, regions, staffUsers, teams, youngsters, type StaffRole } from '../schema/index.js';
import { addStaff, createOrganisation, type StaffSpec, type TeamSpec } from './organisation.js';

/**
 * A demo region shaped like Midden-Limburg: two Doorstroompunt teams, five
 * municipalities, casemanagers, a coordinator and an admin per team, a regional
 * account, and a few (invented) youngsters with cards. Idempotent: a second run
 * changes nothing. The anonymous monitoring history is seeded apart
 * (monitoring-history.ts, seedDemoMonitoringHistory).
 */
export const DEMO_REGION = 'Midden-Limburg (demo)';

interface DemoYoungster {
  firstName: string;
  namePrefix?: string;
  lastName: string;
  street: string;
  houseNumber: string;
  postcode: string;
  city: string;
  birthDate: string;
  municipality: string;
  coachEmail: string;
  kvk?: boolean;
}

const TEAMS: TeamSpec[] = [
  {
    name: 'Doorstroompunt West',
    municipalities: ['Weert', 'Nederweert', 'Leudal'],
    staff: [
      { email: 'bram@west.demo', name: 'Bram Janssen', firstName: 'Bram', role: 'casemanager' },
      { email: 'sanne@west.demo', name: 'Sanne Peeters', firstName: 'Sanne', role: 'casemanager' },
      { email: 'ilse@west.demo', name: 'Ilse Coenen', firstName: 'Ilse', role: 'coordinator' },
    ],
  },
  {
    name: 'Doorstroompunt Oost',
    municipalities: ['Roermond', 'Maasgouw'],
    staff: [
      { email: 'michelle@oost.demo', name: 'Michelle Smeets', firstName: 'Michelle', role: 'casemanager' },
      { email: 'yusuf@oost.demo', name: 'Yusuf Demir', firstName: 'Yusuf', role: 'casemanager' },
      { email: 'karin@oost.demo', name: 'Karin Hendriks', firstName: 'Karin', role: 'coordinator' },
      { email: 'admin@oost.demo', name: 'Beheer Oost', firstName: 'Beheer', role: 'admin' },
      { email: 'privacy@oost.demo', name: 'Fenna Willems', firstName: 'Fenna', role: 'privacy_officer' },
    ],
  },
];

/**
 * The region's own account: the anonymous monitoring figures of every municipality of the region
 * (small counts as "<5"), no youngster of any (its scope is empty: loadSessionPrincipal). It sits
 * in a team for sign-in only. Added on its own, so a demo database seeded before it existed gets it too.
 */
const REGIONAL: StaffSpec & { team: string } = { email: 'regio@midden-limburg.demo', name: 'Regio Midden-Limburg', firstName: 'Regio', role: 'regional', team: 'Doorstroompunt Oost' };

const YOUNGSTERS: DemoYoungster[] = [
  { firstName: 'Sigfrid', lastName: 'Houben', street: 'Kapellerlaan', houseNumber: '12', postcode: '6041 AA', city: 'Roermond', birthDate: '2001-04-17', municipality: 'Roermond', coachEmail: 'michelle@oost.demo' },
  { firstName: 'Noor', namePrefix: 'van', lastName: 'Dijk', street: 'Markt', houseNumber: '3b', postcode: '6041 EM', city: 'Roermond', birthDate: '2002-09-01', municipality: 'Roermond', coachEmail: 'yusuf@oost.demo' },
  { firstName: 'Jayden', lastName: 'Maessen', street: 'Maasstraat', houseNumber: '40', postcode: '6051 CK', city: 'Maasbracht', birthDate: '2000-12-24', municipality: 'Maasgouw', coachEmail: 'michelle@oost.demo', kvk: true },
  { firstName: 'Emre', lastName: 'Yilmaz', street: 'Emmasingel', houseNumber: '16', postcode: '6033 MM', city: 'Nederweert', birthDate: '2003-01-29', municipality: 'Nederweert', coachEmail: 'bram@west.demo' },
  { firstName: 'Lotte', namePrefix: 'de', lastName: 'Vries', street: 'Wilhelminasingel', houseNumber: '88', postcode: '6001 GT', city: 'Weert', birthDate: '2001-07-05', municipality: 'Weert', coachEmail: 'sanne@west.demo' },
  { firstName: 'Çağlar', lastName: 'Öztürk', street: 'Kerkstraat', houseNumber: '147', postcode: '6086 CK', city: 'Haelen', birthDate: '2003-07-17', municipality: 'Leudal', coachEmail: 'bram@west.demo' },
];

const DEMO_PARTNERS = ['Leerwerkloket Midden-Limburg', 'ROC Gilde Opleidingen', 'Jongerenwerk (Punt Welzijn)'];

export interface DemoSummary {
  logins: { email: string; name: string; role: StaffRole; team: string }[];
  cards: { youngster: string; municipality: string; coach: string; token: string }[];
}

export async function seedDemo(db: Db, passwordHash: string): Promise<DemoSummary> {
  await db.transaction(async (tx) => {
    const existing = await tx.select().from(regions).where(eq(regions.name, DEMO_REGION)).limit(1);
    if (existing[0]) return;
    const org = await createOrganisation(tx, { region: DEMO_REGION, teams: TEAMS }, { passwordHash });
    // The partners a youngster can consent to share with (admins keep the list per municipality).
    await tx.insert(partners).values(
      Object.values(org.municipalities).flatMap((municipalityId) => DEMO_PARTNERS.map((name) => ({ municipalityId, name }))),
    );
    for (const y of YOUNGSTERS) {
      const { municipality, coachEmail, kvk, ...person } = y;
      const [row] = await tx
        .insert(youngsters)
        .values({
          ...person,
          municipalityId: org.municipalities[municipality]!,
          listInflowDate: '2026-11-01',
          newInflow: true,
          kvkRegistered: kvk ?? false,
        })
        .returning();
      if (!row) throw new Error('youngster insert failed');
      await tx.insert(cards).values({
        youngsterId: row.id,
        token: newCardToken(),
        shortCode: newShortCode(),
        variant: kvk ? 'entrepreneur' : 'regular',
        casemanagerId: org.staff[coachEmail]!.id,
      });
    }
  });
  await db.transaction(async (tx) => {
    const [present] = await tx.select({ id: staffUsers.id }).from(staffUsers).where(eq(staffUsers.email, REGIONAL.email)).limit(1);
    if (present) return;
    const [team] = await tx
      .select({ id: teams.id })
      .from(teams)
      .innerJoin(regions, eq(regions.id, teams.regionId))
      .where(and(eq(regions.name, DEMO_REGION), eq(teams.name, REGIONAL.team)))
      .limit(1);
    if (team) await addStaff(tx, team.id, [REGIONAL], passwordHash);
  });
  return demoSummary(db);
}

export async function demoSummary(db: Db): Promise<DemoSummary> {
  const logins = await db
    .select({ email: staffUsers.email, name: staffUsers.name, role: staffUsers.role, team: teams.name })
    .from(staffUsers)
    .innerJoin(teams, eq(teams.id, staffUsers.teamId))
    .innerJoin(regions, eq(regions.id, teams.regionId))
    .where(eq(regions.name, DEMO_REGION))
    .orderBy(teams.name, staffUsers.email);
  const cardRows = await db
    .select({
      youngster: youngsters.firstName,
      municipality: municipalities.name,
      coach: staffUsers.firstName,
      token: cards.token,
    })
    .from(cards)
    .innerJoin(youngsters, eq(youngsters.id, cards.youngsterId))
    .innerJoin(municipalities, eq(municipalities.id, youngsters.municipalityId))
    .innerJoin(regions, eq(regions.id, municipalities.regionId))
    .leftJoin(staffUsers, eq(staffUsers.id, cards.casemanagerId))
    .where(
      and(
        eq(regions.name, DEMO_REGION),
        eq(cards.status, 'active'),
        // Never offer the card of someone who said no: any of their contacts opted out (art. 4.2: never contacted again).
        notExists(
          db
            .select({ id: channelContacts.id })
            .from(channelContacts)
            .where(
              and(
                isNotNull(channelContacts.optedOutAt),
                or(eq(channelContacts.youngsterId, youngsters.id), eq(channelContacts.cardId, cards.id)),
              ),
            ),
        ),
      ),
    )
    .orderBy(municipalities.name, youngsters.firstName);
  return { logins, cards: cardRows.map((c) => ({ ...c, coach: c.coach ?? '-' })) };
}
