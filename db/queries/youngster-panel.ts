import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { cards, contactAttempts, conversations, events, municipalities, staffUsers, youngsters } from '../schema/index.js';

/*
 * What the panel next to a conversation reads: the youngster's list data, their
 * cards, what happened with the cards and the first contact (anonymous events,
 * keyed by the monitoring key), and the contact attempts. The labels and the
 * shape the page shows are web/domain/youngster-panel.ts.
 */

/** The conversation with its municipality, only inside the scope; null otherwise. */
export async function findPanelConversation(db: DbOrTx, conversationId: string, municipalityIds: string[]) {
  if (municipalityIds.length === 0) return null;
  const [row] = await db
    .select({
      id: conversations.id,
      municipalityId: conversations.municipalityId,
      municipalityName: municipalities.name,
      youngsterId: conversations.youngsterId,
    })
    .from(conversations)
    .innerJoin(municipalities, eq(municipalities.id, conversations.municipalityId))
    .where(and(eq(conversations.id, conversationId), inArray(conversations.municipalityId, municipalityIds)))
    .limit(1);
  // The inner join on municipalities means municipalityId is set here.
  return row?.municipalityId ? { ...row, municipalityId: row.municipalityId } : null;
}

export async function findYoungster(db: DbOrTx, id: string): Promise<typeof youngsters.$inferSelect | null> {
  const [row] = await db.select().from(youngsters).where(eq(youngsters.id, id)).limit(1);
  return row ?? null;
}

/** Oldest first, with the casemanager on each. */
export async function listYoungsterCards(db: DbOrTx, youngsterId: string) {
  return db
    .select({
      id: cards.id,
      status: cards.status,
      createdAt: cards.createdAt,
      revokedAt: cards.revokedAt,
      casemanagerName: staffUsers.name,
    })
    .from(cards)
    .leftJoin(staffUsers, eq(staffUsers.id, cards.casemanagerId))
    .where(eq(cards.youngsterId, youngsterId))
    .orderBy(asc(cards.createdAt));
}

export type PanelEventType = 'card.scanned' | 'contact.linked' | 'message.received';

/**
 * The newest `maxScans` scans and links, and the first message per channel
 * (one row each), in no particular order.
 */
export async function listYoungsterEvents(db: DbOrTx, monitoringKey: string, maxScans: number) {
  const columns = { type: events.type, occurredAt: events.occurredAt, data: events.data };
  const scans = await db
    .select(columns)
    .from(events)
    .where(and(eq(events.subject, monitoringKey), inArray(events.type, ['card.scanned', 'contact.linked'])))
    .orderBy(desc(events.occurredAt), desc(events.id))
    .limit(maxScans);
  const channelOf = sql<string | null>`${events.data}->>'channel'`;
  const firstMessages = await db
    .selectDistinctOn([channelOf], columns)
    .from(events)
    .where(and(eq(events.subject, monitoringKey), eq(events.type, 'message.received')))
    .orderBy(channelOf, asc(events.occurredAt), asc(events.id));
  return [...scans, ...firstMessages].map((e) => ({ ...e, type: e.type as PanelEventType }));
}

/** Newest first, with the first name of who made each. */
export async function listContactAttempts(db: DbOrTx, youngsterId: string) {
  return db
    .select({
      id: contactAttempts.id,
      kind: contactAttempts.kind,
      occurredOn: contactAttempts.occurredOn,
      minutes: contactAttempts.minutes,
      note: contactAttempts.note,
      staffFirstName: staffUsers.firstName,
    })
    .from(contactAttempts)
    .leftJoin(staffUsers, eq(staffUsers.id, contactAttempts.staffId))
    .where(eq(contactAttempts.youngsterId, youngsterId))
    .orderBy(desc(contactAttempts.occurredOn), desc(contactAttempts.createdAt));
}

/** All minutes spent on contact attempts with this youngster (0 without any). */
export async function totalAttemptMinutes(db: DbOrTx, youngsterId: string): Promise<number> {
  const [row] = await db
    // sum() of an integer is a bigint, which arrives as text: cast back, the total stays far below 2^31.
    .select({ minutes: sql<number>`coalesce(sum(${contactAttempts.minutes}), 0)::int`.mapWith(Number) })
    .from(contactAttempts)
    .where(eq(contactAttempts.youngsterId, youngsterId));
  return row?.minutes ?? 0;
}
