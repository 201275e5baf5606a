import { newCardToken } from '../../core/tokens.js';
import type { Db } from '../../db/client.js';
import { addStaff, createOrganisation } from '../../db/seed/organisation.js';
import { cards, youngsters, type StaffRole } from '../../db/schema/index.js';
import { hashPassword } from '../../web/domain/login.js';

export const PASSWORD = 'correct horse battery staple';
let cachedHash: Promise<string> | undefined;
const passwordHash = () => (cachedHash ??= hashPassword(PASSWORD));

/** A team of its own region (so two of them never share one) serving these municipalities. */
export async function createTeam(db: Db, name: string, municipalityNames: string[]) {
  const org = await createOrganisation(db, { region: `Regio ${name}`, teams: [{ name, municipalities: municipalityNames }] }, { passwordHash: null });
  const team = org.teams[name]!;
  return { teamId: team.id, municipalities: team.municipalities };
}

export async function createStaff(
  db: Db,
  teamId: string,
  s: { email: string; firstName: string; role?: StaffRole; active?: boolean },
) {
  const [u] = await addStaff(db, teamId, [s], await passwordHash());
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

/**
 * A conversation straight in the database (no bot, no routing): a youngster,
 * a web-chat contact, and the given messages in order. For inbox tests that
 * need many conversations in many states quickly.
 */
export async function createConversationFixture(
  db: Db,
  c: {
    municipalityId: string;
    firstName: string;
    lastName?: string;
    assignedTo?: string | null;
    status?: 'open' | 'waiting' | 'closed';
    urgent?: boolean;
    lastMessageAt?: Date;
    channel?: 'web' | 'telegram' | 'whatsapp';
    language?: 'nl' | 'en';
    messages?: { direction: 'in' | 'out'; body: string; kind?: 'text' | 'choice' | 'bot'; authorStaffId?: string }[];
  },
) {
  const { randomUUID } = await import('node:crypto');
  const { channelContacts, conversations, messages } = await import('../../db/schema/index.js');
  const [y] = await db
    .insert(youngsters)
    .values({ municipalityId: c.municipalityId, firstName: c.firstName, lastName: c.lastName ?? 'Test' })
    .returning();
  const channel = c.channel ?? 'web';
  const [contact] = await db
    .insert(channelContacts)
    .values({ channel, externalId: `fixture-${randomUUID()}`, youngsterId: y!.id, municipalityId: c.municipalityId, language: c.language ?? 'nl' })
    .returning();
  const [conv] = await db
    .insert(conversations)
    .values({
      municipalityId: c.municipalityId,
      youngsterId: y!.id,
      assignedTo: c.assignedTo ?? null,
      status: c.status ?? 'open',
      urgent: c.urgent ?? false,
      lastMessageAt: c.lastMessageAt ?? new Date(),
    })
    .returning();
  for (const m of c.messages ?? [{ direction: 'in' as const, body: `hoi van ${c.firstName}` }]) {
    await db.insert(messages).values({
      conversationId: conv!.id,
      contactId: contact!.id,
      channel,
      direction: m.direction,
      kind: m.kind ?? 'text',
      authorStaffId: m.authorStaffId ?? null,
      body: m.body,
      status: m.direction === 'in' ? 'routed' : 'sent',
    });
  }
  return { youngster: y!, contact: contact!, conversation: conv! };
}

/** A staff member of any role with the standard test password (an alias that reads better in role tests). */
export function createStaffWithRole(db: Db, teamId: string, email: string, firstName: string, role: StaffRole) {
  return createStaff(db, teamId, { email, firstName, role });
}
