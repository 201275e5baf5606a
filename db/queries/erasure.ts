import { and, eq, inArray, isNull, like, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { ErasureSubject } from '../../core/erasure-registry.js';
import type { ListedPerson } from '../../core/suppression.js';
import type { ChannelName } from '../../core/channel.js';
import type { DbOrTx } from '../client.js';
import { channelContacts, channelUpdates, deletionLog, staffNotices, youngsters } from '../schema/index.js';

/**
 * Erasing one person: what their suppression entries and anonymous events need
 * (read first), then the rows. Everything personal hangs off the youngster row
 * or a contact row with ON DELETE CASCADE (db/schema/personal.ts), so deleting
 * those two is complete; the counts are taken before, for the deletion log.
 */
export interface ErasureFacts {
  person: ListedPerson | null;
  identities: { channel: ChannelName; externalId: string }[];
  monitoringKey: string | null;
  birthDate: string | null;
  outcome: string | null;
  contactIds: string[];
}

export async function loadErasureFacts(tx: DbOrTx, subject: Pick<ErasureSubject, 'youngsterId' | 'contactIds'>): Promise<ErasureFacts> {
  const [y] = subject.youngsterId ? await tx.select().from(youngsters).where(eq(youngsters.id, subject.youngsterId)) : [];
  const whose = or(
    subject.contactIds.length ? inArray(channelContacts.id, subject.contactIds) : undefined,
    subject.youngsterId ? eq(channelContacts.youngsterId, subject.youngsterId) : undefined,
  );
  const contacts = whose
    ? await tx
        .select({ id: channelContacts.id, channel: channelContacts.channel, externalId: channelContacts.externalId, alt: channelContacts.externalAltId })
        .from(channelContacts)
        .where(whose)
    : [];
  return {
    person:
      y && y.birthDate
        ? { firstName: y.firstName, namePrefix: y.namePrefix, lastName: y.lastName, birthDate: y.birthDate, postcode: y.postcode }
        : null,
    identities: contacts.flatMap((c) => [{ channel: c.channel, externalId: c.externalId }, ...(c.alt ? [{ channel: c.channel, externalId: c.alt }] : [])]),
    monitoringKey: y?.monitoringKey ?? null,
    birthDate: y?.birthDate ?? null,
    outcome: y?.outcome ?? null,
    contactIds: contacts.map((c) => c.id),
  };
}

const countsRow = z.object({
  youngsters: z.coerce.number(),
  cards: z.coerce.number(),
  contacts: z.coerce.number(),
  conversations: z.coerce.number(),
  messages: z.coerce.number(),
  notes: z.coerce.number(),
  contact_attempts: z.coerce.number(),
  consents: z.coerce.number(),
});

/** Deletes the person's rows; returns how many of each there were (numbers only). */
export async function deletePersonalRows(tx: DbOrTx, s: { youngsterId: string | null; contactIds: string[] }): Promise<Record<string, number>> {
  const y = s.youngsterId;
  const c = s.contactIds;
  const [raw] = await tx.execute(sql`
    with conv as (
      select id from conversations
      where (${y}::uuid is not null and youngster_id = ${y}::uuid) or contact_id = any(${sql.param(c)}::uuid[])
    )
    select
      (select count(*) from youngsters where id = ${y}::uuid) as youngsters,
      (select count(*) from cards where youngster_id = ${y}::uuid) as cards,
      (select count(*) from channel_contacts where id = any(${sql.param(c)}::uuid[]) or youngster_id = ${y}::uuid) as contacts,
      (select count(*) from conv) as conversations,
      (select count(*) from messages where conversation_id in (select id from conv)) as messages,
      (select count(*) from conversation_notes where conversation_id in (select id from conv)) as notes,
      (select count(*) from contact_attempts where youngster_id = ${y}::uuid) as contact_attempts,
      (select count(*) from consents where youngster_id = ${y}::uuid) as consents`);
  const counts = countsRow.parse(raw);
  // The de-duplication keys of their messages name the contact ("msg:<contact>:<platform id>").
  if (c.length) {
    await tx.delete(channelUpdates).where(or(...c.map((id) => like(channelUpdates.updateKey, `msg:${id}:%`))));
  }
  if (y) await tx.delete(youngsters).where(eq(youngsters.id, y));
  if (c.length) await tx.delete(channelContacts).where(inArray(channelContacts.id, c));
  return counts;
}

/** A row of the deletion log (numbers only). */
export async function appendDeletionLog(
  tx: DbOrTx,
  row: { reason: string; municipalityId: string | null; erasureId?: string | null; staffId?: string | null; counts: Record<string, number>; at?: Date },
): Promise<void> {
  await tx.insert(deletionLog).values({
    reason: row.reason,
    municipalityId: row.municipalityId,
    erasureId: row.erasureId ?? null,
    staffId: row.staffId ?? null,
    counts: row.counts,
    ...(row.at ? { at: row.at } : {}),
  });
}

/** The casemanager is told, without content: "a youngster of yours asked for no contact; their data is being erased". */
export async function noticeOptOut(tx: DbOrTx, n: { staffId: string; municipalityId: string | null }): Promise<void> {
  await tx.insert(staffNotices).values({ staffId: n.staffId, kind: 'opt_out', municipalityId: n.municipalityId });
}

/** A staff member's unread notices, newest first. */
export async function unreadNotices(db: DbOrTx, staffId: string, limit = 20) {
  return db
    .select({ id: staffNotices.id, kind: staffNotices.kind, createdAt: staffNotices.createdAt })
    .from(staffNotices)
    .where(and(eq(staffNotices.staffId, staffId), isNull(staffNotices.readAt)))
    .orderBy(sql`${staffNotices.createdAt} desc`)
    .limit(limit);
}

/** Marks one of their own notices read (another's is left alone: 0). */
export async function markNoticeRead(db: DbOrTx, staffId: string, noticeId: string): Promise<number> {
  const rows = await db
    .update(staffNotices)
    .set({ readAt: sql`now()` })
    .where(and(eq(staffNotices.id, noticeId), eq(staffNotices.staffId, staffId), isNull(staffNotices.readAt)))
    .returning({ id: staffNotices.id });
  return rows.length;
}

/** Is anything of this person in this database (a restored backup may predate them)? */
export async function personExists(db: DbOrTx, s: { youngsterId: string | null; contactIds: string[] }): Promise<boolean> {
  const [y] = s.youngsterId ? await db.select({ id: youngsters.id }).from(youngsters).where(eq(youngsters.id, s.youngsterId)).limit(1) : [];
  if (y) return true;
  if (!s.contactIds.length) return false;
  const [c] = await db.select({ id: channelContacts.id }).from(channelContacts).where(inArray(channelContacts.id, s.contactIds)).limit(1);
  return c !== undefined;
}
