import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../client.js';
import { channelContacts, conversations, erasureRequests, messages, municipalities, youngsters } from '../schema/index.js';
import type { RetentionSubject } from './retention.js';

/**
 * A municipality's contract ends (domain.md: the exit plan - hand over the
 * running dossiers, delete the rest). What the admin's page shows, who the
 * exit erases, and the mark that it happened.
 */

export interface ExitMunicipality {
  id: string;
  name: string;
  exitedAt: Date | null;
}

/** One of these municipalities (the admin's team's), or null. */
export async function municipalityInScope(db: DbOrTx, id: string, municipalityIds: readonly string[]): Promise<ExitMunicipality | null> {
  if (!municipalityIds.includes(id)) return null;
  const [row] = await db
    .select({ id: municipalities.id, name: municipalities.name, exitedAt: municipalities.exitedAt })
    .from(municipalities)
    .where(eq(municipalities.id, id));
  return row ?? null;
}

/** Someone who wrote without a card belongs to the municipality they named (or their thread's). */
const cardlessOf = (municipalityId: string) =>
  and(isNull(channelContacts.youngsterId), sql`coalesce(${conversations.municipalityId}, ${channelContacts.municipalityId}) = ${municipalityId}`);

/** What the exit would hand over and erase, counted. */
export async function exitImpact(db: DbOrTx, municipalityId: string) {
  const [y] = await db
    .select({
      youngsters: sql<number>`count(*)::int`,
      running: sql<number>`(count(*) filter (where ${youngsters.outcome} is null))::int`,
    })
    .from(youngsters)
    .where(eq(youngsters.municipalityId, municipalityId));
  const [c] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(channelContacts)
    .leftJoin(conversations, eq(conversations.contactId, channelContacts.id))
    .where(cardlessOf(municipalityId));
  const [m] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(eq(conversations.municipalityId, municipalityId));
  return { youngsters: y?.youngsters ?? 0, running: y?.running ?? 0, cardless: c?.n ?? 0, messages: m?.n ?? 0 };
}

/** The running dossiers: youngsters without an outcome (still in the caseload). */
export async function runningDossierIds(db: DbOrTx, municipalityId: string): Promise<string[]> {
  const rows = await db
    .select({ id: youngsters.id })
    .from(youngsters)
    .where(and(eq(youngsters.municipalityId, municipalityId), isNull(youngsters.outcome)))
    .orderBy(asc(youngsters.lastName), asc(youngsters.firstName), asc(youngsters.id));
  return rows.map((r) => r.id);
}

/** Locks the municipality row for the exit (one exit at a time); its state after the lock. */
export async function lockMunicipality(tx: Tx, id: string): Promise<{ exitedAt: Date | null } | null> {
  const [row] = await tx.select({ exitedAt: municipalities.exitedAt }).from(municipalities).where(eq(municipalities.id, id)).for('update');
  return row ?? null;
}

/**
 * Everyone the exit erases: every youngster of the municipality (with their
 * contacts) and every contact without a card; a contact that already has an
 * open request is left to it (requestErasure returns a youngster's open one itself).
 */
export async function exitSubjects(tx: DbOrTx, municipalityId: string): Promise<RetentionSubject[]> {
  const ys = await tx.select({ id: youngsters.id }).from(youngsters).where(eq(youngsters.municipalityId, municipalityId)).orderBy(asc(youngsters.id));
  const contacts = ys.length
    ? await tx
        .select({ id: channelContacts.id, youngsterId: channelContacts.youngsterId })
        .from(channelContacts)
        .where(inArray(channelContacts.youngsterId, ys.map((y) => y.id)))
    : [];
  const cardless = await tx
    .select({ id: channelContacts.id })
    .from(channelContacts)
    .leftJoin(conversations, eq(conversations.contactId, channelContacts.id))
    .where(
      and(
        cardlessOf(municipalityId),
        sql`not exists (select 1 from ${erasureRequests} er where ${channelContacts.id} = any(er.contact_ids) and er.erased_at is null)`,
      ),
    )
    .orderBy(asc(channelContacts.id));
  return [
    ...ys.map((y) => ({ youngsterId: y.id, contactIds: contacts.filter((c) => c.youngsterId === y.id).map((c) => c.id) })),
    ...cardless.map((c) => ({ youngsterId: null, contactIds: [c.id] })),
  ];
}

export async function markExited(tx: DbOrTx, id: string, at: Date): Promise<void> {
  await tx.update(municipalities).set({ exitedAt: at }).where(eq(municipalities.id, id));
}

/** When each of these municipalities' contract ended (absent: still running). */
export async function exitedDates(db: DbOrTx, ids: readonly string[]): Promise<Map<string, Date>> {
  if (!ids.length) return new Map();
  const rows = await db
    .select({ id: municipalities.id, exitedAt: municipalities.exitedAt })
    .from(municipalities)
    .where(and(inArray(municipalities.id, [...ids]), sql`${municipalities.exitedAt} is not null`));
  return new Map(rows.map((r) => [r.id, r.exitedAt!]));
}
