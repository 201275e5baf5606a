import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../client.js';
import { breachNotifications, breaches, staffUsers } from '../schema/index.js';

/**
 * The data breach register of a team (processor agreement: a detailed log of
 * breaches and measures). Every read and write takes the team: another team's
 * breach does not exist for the caller.
 */

export interface NewBreach {
  teamId: string;
  title: string;
  description: string;
  discoveredAt: Date;
  dataCategories: string[];
  peopleCount: number | null;
  measures: string;
  municipalityIds: string[];
  createdBy: string;
}

export async function insertBreach(db: DbOrTx, b: NewBreach): Promise<string> {
  const [row] = await db.insert(breaches).values(b).returning({ id: breaches.id });
  return row!.id;
}

/**
 * When a controller (a municipality: party `municipality:<id>`) was first told, or null.
 * `breaches.id` is spelled out: drizzle renders a column of a one-table select unqualified,
 * and inside this subquery a bare "id" would be the notification's own.
 */
const controllerToldAt = sql`(select min(n.told_at) from breach_notifications n where n.breach_id = breaches.id and n.party like 'municipality:%')`.mapWith(
  breachNotifications.toldAt,
);

export interface BreachListRow {
  id: string;
  title: string;
  discoveredAt: Date;
  closedAt: Date | null;
  peopleCount: number | null;
  controllerToldAt: Date | null;
}

/** Open breaches first (newest discovery first), then the closed ones. */
export async function listTeamBreaches(db: DbOrTx, teamId: string): Promise<BreachListRow[]> {
  const rows = await db
    .select({
      id: breaches.id,
      title: breaches.title,
      discoveredAt: breaches.discoveredAt,
      closedAt: breaches.closedAt,
      peopleCount: breaches.peopleCount,
      controllerToldAt,
    })
    .from(breaches)
    .where(eq(breaches.teamId, teamId))
    .orderBy(sql`${breaches.closedAt} is not null`, desc(breaches.discoveredAt));
  return rows.map((r) => ({ ...r, controllerToldAt: (r.controllerToldAt as Date | null) ?? null }));
}

export async function findTeamBreach(db: DbOrTx, teamId: string, id: string) {
  const [row] = await db
    .select({ breach: breaches, createdByName: staffUsers.name, controllerToldAt })
    .from(breaches)
    .leftJoin(staffUsers, eq(staffUsers.id, breaches.createdBy))
    .where(and(eq(breaches.teamId, teamId), eq(breaches.id, id)))
    .limit(1);
  if (!row) return null;
  return { ...row.breach, createdByName: row.createdByName, controllerToldAt: (row.controllerToldAt as Date | null) ?? null };
}
export type TeamBreach = NonNullable<Awaited<ReturnType<typeof findTeamBreach>>>;

const teller = alias(staffUsers, 'teller');

export async function listBreachNotifications(db: DbOrTx, breachId: string) {
  return db
    .select({
      id: breachNotifications.id,
      party: breachNotifications.party,
      toldAt: breachNotifications.toldAt,
      note: breachNotifications.note,
      toldByName: teller.name,
    })
    .from(breachNotifications)
    .leftJoin(teller, eq(teller.id, breachNotifications.toldBy))
    .where(eq(breachNotifications.breachId, breachId))
    .orderBy(asc(breachNotifications.toldAt), asc(breachNotifications.createdAt));
}

/** Only an open breach of the team changes; false otherwise. */
export async function updateOpenBreach(db: DbOrTx, teamId: string, id: string, change: { measures: string; peopleCount: number | null }): Promise<boolean> {
  const rows = await db
    .update(breaches)
    .set(change)
    .where(and(eq(breaches.teamId, teamId), eq(breaches.id, id), isNull(breaches.closedAt)))
    .returning({ id: breaches.id });
  return rows.length === 1;
}

export async function insertBreachNotification(db: DbOrTx, n: { breachId: string; party: string; toldAt: Date; toldBy: string; note: string }): Promise<void> {
  await db.insert(breachNotifications).values(n);
}

export async function closeOpenBreach(db: DbOrTx, teamId: string, id: string, at: Date): Promise<boolean> {
  const rows = await db
    .update(breaches)
    .set({ closedAt: at })
    .where(and(eq(breaches.teamId, teamId), eq(breaches.id, id), isNull(breaches.closedAt)))
    .returning({ id: breaches.id });
  return rows.length === 1;
}
