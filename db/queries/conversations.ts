import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../client.js';
import { channelContacts, conversations, messages, staffUsers, youngsters } from '../schema/index.js';
import { listInbox } from './inbox.js';

/*
 * One conversation's own row: reading it inside a scope, finding or creating
 * it for a contact, locking it and changing it. The inbox list is inbox.ts;
 * closing on opt-out is opt-out.ts, and a staff reply's touch is the message
 * lifecycle's.
 */

export type ConversationStatus = (typeof conversations.$inferSelect)['status'];

// Opted out on any of their channels means: contact has stopped, for all of them.
const optedOutAt = sql<Date | null>`(select max(${channelContacts.optedOutAt}) from ${channelContacts}
  where (${conversations.youngsterId} is not null and ${channelContacts.youngsterId} = ${conversations.youngsterId})
     or ${channelContacts.id} = ${conversations.contactId})`.mapWith(channelContacts.optedOutAt);

// The language is that of the channel they last wrote from (their own choice on the card page).
const lastInboundLanguage = sql<string | null>`(select ${channelContacts.language} from ${messages}
  join ${channelContacts} on ${channelContacts.id} = ${messages.contactId}
  where ${messages.conversationId} = ${conversations.id} and ${messages.direction} = 'in'
  order by ${messages.seq} desc limit 1)`;

export async function getConversationInScope(db: DbOrTx, id: string, municipalityIds: string[]) {
  const [item] = await listInbox(db, { municipalityIds, conversationId: id, limit: 1 });
  if (!item) return null;
  const [extra] = await db
    .select({ optedOutAt, youngsterId: youngsters.id, firstName: youngsters.firstName, language: lastInboundLanguage })
    .from(conversations)
    .leftJoin(youngsters, eq(youngsters.id, conversations.youngsterId))
    .where(eq(conversations.id, id));
  return {
    ...item,
    optedOutAt: extra?.optedOutAt ?? null,
    youngsterId: extra?.youngsterId ?? null,
    youngsterFirstName: extra?.firstName ?? null,
    language: extra?.language === 'en' ? ('en' as const) : ('nl' as const),
  };
}
export type ConversationInScope = NonNullable<Awaited<ReturnType<typeof getConversationInScope>>>;

/** What the inbox shows of one message (thread view and live pushes alike). */
const threadColumns = {
  id: messages.id,
  seq: messages.seq,
  conversationId: messages.conversationId,
  direction: messages.direction,
  kind: messages.kind,
  channel: messages.channel,
  body: messages.body,
  status: messages.status,
  lastError: messages.lastError,
  authorName: staffUsers.firstName,
  createdAt: messages.createdAt,
};

export async function listThread(db: DbOrTx, conversationId: string, limit = 500) {
  const rows = await db
    .select(threadColumns)
    .from(messages)
    .leftJoin(staffUsers, eq(staffUsers.id, messages.authorStaffId))
    .where(eq(messages.conversationId, conversationId))
    .orderBy(desc(messages.seq))
    .limit(limit);
  return rows.reverse();
}

/** One message, only if it belongs to a conversation inside the scope. */
export async function getMessageInScope(db: DbOrTx, messageId: string, municipalityIds: string[]) {
  if (municipalityIds.length === 0) return null;
  const rows = await db
    .select(threadColumns)
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .leftJoin(staffUsers, eq(staffUsers.id, messages.authorStaffId))
    .where(and(eq(messages.id, messageId), inArray(conversations.municipalityId, municipalityIds)))
    .limit(1);
  return rows[0] ?? null;
}

/** Is this conversation inside the scope? (A cheap check before anything else is read or validated.) */
export async function conversationInScope(db: DbOrTx, id: string, municipalityIds: string[]): Promise<boolean> {
  if (municipalityIds.length === 0) return false;
  const rows = await db
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.id, id), inArray(conversations.municipalityId, municipalityIds)))
    .limit(1);
  return rows.length > 0;
}

/**
 * The conversation a contact's messages belong to: the youngster's one thread
 * across channels, or - for someone without a card - a thread of this contact,
 * whose municipality stays empty (invisible to all staff) until they name it.
 * Locked for the caller's transaction.
 */
export async function ensureConversation(
  tx: Tx,
  c: { id: string; youngsterId: string | null; municipalityId: string | null },
): Promise<typeof conversations.$inferSelect> {
  const where = c.youngsterId ? eq(conversations.youngsterId, c.youngsterId) : eq(conversations.contactId, c.id);
  const [existing] = await tx.select().from(conversations).where(where).for('update').limit(1);
  if (existing) {
    if (!existing.municipalityId && c.municipalityId) {
      const [updated] = await tx
        .update(conversations)
        .set({ municipalityId: c.municipalityId })
        .where(eq(conversations.id, existing.id))
        .returning();
      return updated!;
    }
    return existing;
  }
  await tx
    .insert(conversations)
    .values(
      c.youngsterId
        ? { municipalityId: c.municipalityId, youngsterId: c.youngsterId }
        : { municipalityId: c.municipalityId, contactId: c.id },
    )
    .onConflictDoNothing();
  const [created] = await tx.select().from(conversations).where(where).for('update').limit(1);
  if (!created) throw new Error('conversation vanished during creation');
  return created;
}

/**
 * The conversation's clock, for every message a youngster sends and every bot
 * reply: a youngster's message reopens it. Raw SQL because it runs on the
 * inbound hot path, where the query builder costs more than the statement.
 */
export async function touchConversation(tx: Tx, id: string, opts: { inbound: boolean; urgent: boolean }) {
  await tx.execute(sql`
    update conversations set last_message_at = now(),
      last_inbound_at = case when ${opts.inbound} then now() else last_inbound_at end,
      status = case when ${opts.inbound} then 'open'::conversation_status else status end,
      urgent = urgent or ${opts.urgent}
    where id = ${id}`);
}

/**
 * Locks a conversation row for the caller's transaction (staff actions and the
 * escalation check take the same lock a staff reply takes). Null when there is
 * no such conversation; the caller checks the scope.
 */
export async function lockConversation(tx: Tx, id: string) {
  const [row] = await tx
    .select({
      id: conversations.id,
      municipalityId: conversations.municipalityId,
      assignedTo: conversations.assignedTo,
      status: conversations.status,
      urgent: conversations.urgent,
    })
    .from(conversations)
    .where(eq(conversations.id, id))
    .for('update')
    .limit(1);
  return row ?? null;
}

export async function setConversationAssignee(tx: DbOrTx, id: string, staffId: string | null) {
  await tx.update(conversations).set({ assignedTo: staffId }).where(eq(conversations.id, id));
}

export async function setConversationStatus(tx: DbOrTx, id: string, status: ConversationStatus) {
  await tx.update(conversations).set({ status }).where(eq(conversations.id, id));
}

export async function setConversationUrgent(tx: DbOrTx, id: string, urgent: boolean) {
  await tx.update(conversations).set({ urgent }).where(eq(conversations.id, id));
}

/**
 * Records the team's alert for this waiting period. Only when none is recorded
 * yet (a staff reply clears it), so two processes escalating at once record
 * one: false when another got there first.
 */
export async function markEscalated(tx: DbOrTx, id: string, at: Date): Promise<boolean> {
  const updated = await tx
    .update(conversations)
    .set({ escalatedAt: at })
    .where(and(eq(conversations.id, id), isNull(conversations.escalatedAt)))
    .returning({ id: conversations.id });
  return updated.length > 0;
}
