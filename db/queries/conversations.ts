import { and, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx, Tx } from '../client.js';
import { channelContacts, conversationStatus, conversations, messages, staffUsers, youngsters } from '../schema/index.js';
import { recordEvent } from './events.js';
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
 * reply: a youngster's message reopens it. Also gives an unowned conversation
 * the owner routing chose inline (`claimFor`: the card's casemanager) - in this
 * same UPDATE, since one statement may change a row only once; an owner set in
 * the meantime is kept. Returns the owner after it. A statement for
 * recordIncoming (messages.ts) to embed: raw SQL on the inbound hot path, where
 * the query builder costs more than the statement.
 */
export function touchStatement(id: string, opts: { inbound: boolean; urgent: boolean; claimFor?: string | null }): SQL {
  return sql`update conversations set last_message_at = now(),
      last_inbound_at = case when ${opts.inbound} then now() else last_inbound_at end,
      status = case when ${opts.inbound} then 'open'::conversation_status else status end,
      urgent = urgent or ${opts.urgent},
      assigned_to = coalesce(assigned_to, ${opts.claimFor ?? null}::uuid)
    where id = ${id}
    returning assigned_to`;
}

/**
 * Locks a conversation row for the caller's transaction (staff actions and the
 * escalation check take the same lock a staff reply takes). Null when there is
 * no such conversation; the caller checks the scope.
 */
export async function lockConversation(tx: DbOrTx, id: string) {
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

/* ------------------------------------------- what a message's life does to its conversation */

/** A person answered: the waiting is over, and so is its escalation (the next unanswered message starts anew). */
export async function markAnsweredByStaff(tx: DbOrTx, id: string) {
  await tx.update(conversations).set({ lastMessageAt: sql`now()`, escalatedAt: null }).where(eq(conversations.id, id));
}

/**
 * The routing decision's write, as a statement for markRouted (messages.ts) to
 * run together with the message's own: the new owner, only if it differs and
 * only while the owner is still the one the decision was based on.
 */
export function assignIfStill(c: { id: string; from: string | null; to: string | null }): SQL {
  return sql`update conversations set assigned_to = ${c.to}
    where ${c.to !== c.from} and id = ${c.id} and assigned_to is not distinct from ${c.from}
    returning id`;
}

/**
 * A confirmed opt-out is information, not work: the conversation is closed (so
 * it is no longer unanswered in "Niet toegewezen" or "Heel het team") and stays
 * with the person who should know - its owner, or else the casemanager on the
 * card (the one who might otherwise still plan a home visit). Runs in the
 * dialogue's transaction; returns the municipality for the live signal.
 */
/** A row of closeOptedOutConversation's statement: the conversation before and after. */
export const closedConversationRow = z.strictObject({
  municipality_id: z.uuid().nullable(),
  old_status: z.enum(conversationStatus.enumValues),
  old_assignee: z.uuid().nullable(),
  new_assignee: z.uuid().nullable(),
});
type ClosedConversationRow = z.infer<typeof closedConversationRow>;

export async function closeOptedOutConversation(
  tx: DbOrTx,
  c: { conversationId: string; cardId: string | null; youngsterId: string | null },
): Promise<{ municipalityId: string | null; ownerId: string | null } | null> {
  const rows = await tx.execute<ClosedConversationRow>(sql`
    with before as (
      select id, municipality_id, status, assigned_to from conversations where id = ${c.conversationId} for update
    ), card_coach as (
      select k.casemanager_id from cards k join staff_users s on s.id = k.casemanager_id and s.active
      where (${c.cardId}::uuid is not null and k.id = ${c.cardId}::uuid)
         or (${c.youngsterId}::uuid is not null and k.youngster_id = ${c.youngsterId}::uuid)
      order by (k.id = ${c.cardId}::uuid) desc nulls last, k.created_at desc
      limit 1
    ), owner as (
      select coalesce(
        (select b.assigned_to from before b join staff_users s on s.id = b.assigned_to and s.active),
        (select casemanager_id from card_coach),
        (select assigned_to from before)) as id
    ), updated as (
      update conversations set status = 'closed', escalated_at = null, assigned_to = (select id from owner)
      where id = ${c.conversationId}
      returning municipality_id, assigned_to
    )
    select u.municipality_id, b.status as old_status, b.assigned_to as old_assignee, u.assigned_to as new_assignee
    from updated u, before b`);
  const r = rows[0];
  if (!r) return null;
  const base = { municipalityId: r.municipality_id, conversationId: c.conversationId };
  if (r.old_status !== 'closed') {
    await recordEvent(tx, { ...base, type: 'conversation.status_changed', data: { from: r.old_status, to: 'closed', reason: 'opted_out' } });
  }
  if (r.old_assignee !== r.new_assignee) {
    await recordEvent(tx, { ...base, type: 'conversation.assigned', data: { from: r.old_assignee, to: r.new_assignee, reason: 'opted_out' } });
  }
  return { municipalityId: r.municipality_id, ownerId: r.new_assignee };
}
