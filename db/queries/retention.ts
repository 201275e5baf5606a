import { and, asc, eq, inArray, isNull, notInArray, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../client.js';
import {
  cards,
  channelContacts,
  consents,
  contactAttempts,
  conversations,
  erasureRequests,
  messages,
  municipalities,
  youngsters,
} from '../schema/index.js';

/**
 * The retention rules (domain.md, "Privacy ground rules"; the months are each
 * municipality's own, set by its team's admins). ONE selection, used by the
 * admin's dry run and by the nightly run alike, so what the page announces is
 * exactly what the night erases. People with an open erasure request are left
 * out: they are being erased already.
 */

export interface RetentionSettings {
  id: string;
  name: string;
  noReactionMonths: number;
  closedMonths: number;
  messageMonths: number;
}

/** A person to erase: a youngster with their contacts, or a contact without a card (youngsterId null). */
export interface RetentionSubject {
  youngsterId: string | null;
  contactIds: string[];
}

export interface RetentionSelection {
  municipalityId: string;
  /** A card older than noReactionMonths, never a message from them, no talk at the door or on the phone. */
  noReaction: RetentionSubject[];
  /** Outcome recorded, or conversation closed, longer than closedMonths ago. */
  closed: RetentionSubject[];
  /** Wrote without a card, silent for longer than noReactionMonths. */
  cardless: RetentionSubject[];
  /** Chat messages older than messageMonths of everyone else (never one still on its way). */
  messageIds: string[];
}

export type RetentionCounts = { noReaction: number; closed: number; cardless: number; messages: number };

export const countsOf = (s: RetentionSelection): RetentionCounts => ({
  noReaction: s.noReaction.length,
  closed: s.closed.length,
  cardless: s.cardless.length,
  messages: s.messageIds.length,
});

/** Statuses of a message still on its way: never deleted under it. */
const IN_FLIGHT = ['received', 'queued', 'sending'] as const;
/** Contact attempts where the youngster answered: a reaction, even without a chat. */
const REACTED_KINDS = ['home_visit_spoke', 'phone'] as const;

/**
 * `now` minus whole calendar months, in PostgreSQL (month lengths, leap years).
 * Raw fragment: drizzle turns off date parsing, so `now` goes in as ISO text.
 */
const monthsBefore = (now: Date, months: number): SQL => sql`(${now.toISOString()}::timestamptz - make_interval(months => ${months}::int))`;

/** The municipalities the night runs over: every one still under contract (not exited). */
export async function listRetentionMunicipalities(db: DbOrTx, ids?: readonly string[]): Promise<RetentionSettings[]> {
  if (ids && ids.length === 0) return [];
  return db
    .select({
      id: municipalities.id,
      name: municipalities.name,
      noReactionMonths: municipalities.retentionNoReactionMonths,
      closedMonths: municipalities.retentionClosedMonths,
      messageMonths: municipalities.retentionMessageMonths,
    })
    .from(municipalities)
    .where(and(isNull(municipalities.exitedAt), ids ? inArray(municipalities.id, [...ids]) : undefined))
    .orderBy(asc(municipalities.name));
}

/** Stores one municipality's months; false when it is not there (or exited). */
export async function saveRetentionSettings(
  db: DbOrTx,
  municipalityId: string,
  s: { noReactionMonths: number; closedMonths: number; messageMonths: number },
): Promise<boolean> {
  const rows = await db
    .update(municipalities)
    .set({ retentionNoReactionMonths: s.noReactionMonths, retentionClosedMonths: s.closedMonths, retentionMessageMonths: s.messageMonths })
    .where(and(eq(municipalities.id, municipalityId), isNull(municipalities.exitedAt)))
    .returning({ id: municipalities.id });
  return rows.length === 1;
}

const openRequestForYoungster = sql`exists (select 1 from ${erasureRequests} er where er.youngster_id = ${youngsters.id} and er.erased_at is null)`;
const openRequestForContact = sql`exists (select 1 from ${erasureRequests} er where ${channelContacts.id} = any(er.contact_ids) and er.erased_at is null)`;

/** The youngsters of one rule, with their messenger contacts (the erasure request names them). */
async function youngstersWhere(db: DbOrTx, municipalityId: string, rule: SQL): Promise<RetentionSubject[]> {
  const rows = await db
    .select({ id: youngsters.id })
    .from(youngsters)
    .where(and(eq(youngsters.municipalityId, municipalityId), sql`not ${openRequestForYoungster}`, rule))
    .orderBy(asc(youngsters.id));
  if (!rows.length) return [];
  const contacts = await db
    .select({ id: channelContacts.id, youngsterId: channelContacts.youngsterId })
    .from(channelContacts)
    .where(inArray(channelContacts.youngsterId, rows.map((r) => r.id)))
    .orderBy(asc(channelContacts.id));
  return rows.map((r) => ({ youngsterId: r.id, contactIds: contacts.filter((c) => c.youngsterId === r.id).map((c) => c.id) }));
}

/** What the rules select in one municipality at `now` (no writes). */
export async function selectRetention(db: DbOrTx, m: RetentionSettings, now: Date): Promise<RetentionSelection> {
  const noReactionCutoff = monthsBefore(now, m.noReactionMonths);
  const closedCutoff = monthsBefore(now, m.closedMonths);

  const noReactionRule = sql`(
    (select min(c.created_at) from ${cards} c where c.youngster_id = ${youngsters.id}) < ${noReactionCutoff}
    and not exists (select 1 from ${messages} msg join ${conversations} cv on cv.id = msg.conversation_id
                    where cv.youngster_id = ${youngsters.id} and msg.direction = 'in')
    and not exists (select 1 from ${contactAttempts} ca where ca.youngster_id = ${youngsters.id}
                    and ca.kind in (${sql.join(REACTED_KINDS.map((k) => sql`${k}`), sql`, `)}))
    and not exists (select 1 from ${consents} co where co.youngster_id = ${youngsters.id}))`;
  // A consent is only ever given by someone who reacted; without this rule it would be erased as "no reaction".
  const closedRule = sql`(
    (${youngsters.outcome} is not null and ${youngsters.outcomeOn} < (${closedCutoff})::date)
    or exists (select 1 from ${conversations} cv where cv.youngster_id = ${youngsters.id}
               and cv.status = 'closed' and cv.last_message_at < ${closedCutoff}))`;

  const noReaction = await youngstersWhere(db, m.id, noReactionRule);
  // A person falls under one rule only: "no reaction" first.
  const closed = await youngstersWhere(db, m.id, sql`${closedRule} and not ${noReactionRule}`);

  // Someone who wrote without a card: their own conversation (or, without one, the contact) is the clock.
  const cardlessRows = await db
    .select({ id: channelContacts.id })
    .from(channelContacts)
    .leftJoin(conversations, eq(conversations.contactId, channelContacts.id))
    .where(
      and(
        isNull(channelContacts.youngsterId),
        sql`coalesce(${conversations.municipalityId}, ${channelContacts.municipalityId}) = ${m.id}`,
        sql`coalesce(${conversations.lastMessageAt}, ${channelContacts.createdAt}) < ${noReactionCutoff}`,
        sql`not ${openRequestForContact}`,
      ),
    )
    .orderBy(asc(channelContacts.id));
  const cardless = cardlessRows.map((r) => ({ youngsterId: null, contactIds: [r.id] }));

  // Old messages of everyone else: not of a person erased above, nor of one with an open request.
  const erasedYoungsters = [...noReaction, ...closed].map((s) => s.youngsterId!);
  const erasedContacts = cardless.map((s) => s.contactIds[0]!);
  const messageRows = await db
    .select({ id: messages.id })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .leftJoin(youngsters, eq(youngsters.id, conversations.youngsterId))
    .leftJoin(channelContacts, eq(channelContacts.id, conversations.contactId))
    .where(
      and(
        eq(conversations.municipalityId, m.id),
        sql`${messages.createdAt} < ${monthsBefore(now, m.messageMonths)}`,
        notInArray(messages.status, [...IN_FLIGHT]),
        erasedYoungsters.length ? sql`(${conversations.youngsterId} is null or ${notInArray(conversations.youngsterId, erasedYoungsters)})` : undefined,
        erasedContacts.length ? sql`(${conversations.contactId} is null or ${notInArray(conversations.contactId, erasedContacts)})` : undefined,
        sql`(${youngsters.id} is null or not ${openRequestForYoungster})`,
        sql`(${channelContacts.id} is null or not ${openRequestForContact})`,
      ),
    )
    .orderBy(asc(messages.id));

  return { municipalityId: m.id, noReaction, closed, cardless, messageIds: messageRows.map((r) => r.id) };
}

/**
 * Serialises retention runs of one municipality (two workers, or a run and an
 * exit at once): a transaction-scoped advisory lock, raw because drizzle has none.
 */
export async function lockMunicipalityRetention(tx: Tx, municipalityId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`retention:${municipalityId}`}))`);
}

/**
 * Deletes the selected old messages. The conditions are checked again in the
 * statement, so a row that started moving since the selection is kept. Batched:
 * a first run over years of chat can select many rows. (messages.ts writes a
 * message's life; this is its end by retention, owned by the rules above.)
 */
export async function deleteRetainedMessages(tx: DbOrTx, ids: readonly string[]): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < ids.length; i += 5000) {
    const part = ids.slice(i, i + 5000);
    const rows = await tx
      .delete(messages)
      .where(and(inArray(messages.id, part), notInArray(messages.status, [...IN_FLIGHT])))
      .returning({ id: messages.id });
    deleted += rows.length;
  }
  return deleted;
}

/**
 * Deletes audit entries older than `months` through the migration's
 * purge_audit_log() (the only way past the append-only trigger; it refuses
 * anything younger than 180 days). Returns how many.
 */
export async function purgeAuditLog(db: DbOrTx, months: number): Promise<number> {
  // Nothing typed to read but one bigint (arrives as text): untyped, converted here.
  const rows = await db.execute(sql`select purge_audit_log(now() - make_interval(months => ${months}::int)) as n`);
  return Number((rows[0] as { n?: unknown } | undefined)?.n ?? 0);
}
