import { and, desc, eq, inArray, isNull, ne, sql, type SQL } from 'drizzle-orm';
import { stripBidiControls } from '../../core/message-text.js';
import type { DbOrTx } from '../client.js';
import { recordEvent } from './events.js';
import { alias } from 'drizzle-orm/pg-core';
import { conversations, messages, municipalities, searchableName, staffUsers, youngsters } from '../schema/index.js';

export interface InboxItem {
  id: string;
  municipalityId: string;
  municipalityName: string;
  youngsterName: string | null;
  assignedTo: string | null;
  assigneeName: string | null;
  status: 'open' | 'waiting' | 'closed';
  urgent: boolean;
  /** The youngster waited too long (or it was urgent) and the team was alerted; null once staff replied. */
  escalatedAt: Date | null;
  lastMessageAt: Date;
  lastDirection: 'in' | 'out' | null;
  lastPreview: string | null;
  /** The youngster asked for no contact (on any of their channels): information, not an unanswered message. */
  optedOut: boolean;
}

/** The inbox views a casemanager switches between all day. */
export const INBOX_VIEWS = ['mine', 'unassigned', 'team', 'urgent', 'waiting', 'closed'] as const;
export type InboxView = (typeof INBOX_VIEWS)[number];
export type InboxCounts = Record<InboxView, number>;

/**
 * Three, because the search runs on trigram indexes (pg_trgm): a shorter term
 * has no trigram to look up and would read every row.
 */
export const SEARCH_MIN_CHARS = 3;
export const SEARCH_MAX_CHARS = 100;

const PREVIEW_CHARS = 120;

/** Urgent ones stay on top (someone may be in danger); otherwise newest activity first. */
const INBOX_ORDER = [desc(conversations.urgent), desc(conversations.lastMessageAt), desc(conversations.id)];

const youngsterName = sql<string | null>`nullif(concat_ws(' ', ${youngsters.firstName}, ${youngsters.namePrefix}, ${youngsters.lastName}), '')`;

/** Which conversations a view holds (besides the scope). Everything but "closed" hides closed conversations. */
function viewFilter(view: InboxView, staffId: string): SQL {
  const notClosed = ne(conversations.status, 'closed');
  switch (view) {
    case 'mine':
      return and(eq(conversations.assignedTo, staffId), notClosed)!;
    case 'unassigned':
      return and(isNull(conversations.assignedTo), notClosed)!;
    case 'team':
      return notClosed;
    case 'urgent':
      return and(eq(conversations.urgent, true), notClosed)!;
    case 'waiting':
      return eq(conversations.status, 'waiting');
    case 'closed':
      return eq(conversations.status, 'closed');
  }
}

/** ILIKE pattern for a substring search: the user's %, _ and \ are matched literally. */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** A search term as the inbox accepts it, or null when it is too short to search with. Over-long terms are cut. */
export function normaliseSearch(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  // eslint-disable-next-line no-control-regex
  const q = raw.replace(/[\u0000-\u001F\u007F]/g, '').trim().slice(0, SEARCH_MAX_CHARS);
  return q.length >= SEARCH_MIN_CHARS ? q : null;
}

// The search's own youngsters row (the outer query joins youngsters too).
const searchYoungster = alias(youngsters, 'sy');

/**
 * The youngster's name or a message of theirs or staff (not the bot's stock
 * texts) matches, ignoring case. Written as one set of conversation ids from
 * two trigram index lookups (youngsters_name_trgm_idx, messages_search_trgm_idx):
 * an OR across the two tables, or an EXISTS per conversation, would make the
 * planner read every conversation in scope instead. Messages are matched on
 * their stored lower-case copy (search_text) with the pattern lowered by the
 * same lower(); `kind <> 'bot'` is the message index's own predicate, spelled
 * the same so the planner can use it.
 */
function searchFilter(q: string): SQL {
  const pattern = likePattern(q);
  return sql`${conversations.id} in (
    select sc.id from ${conversations} sc join ${youngsters} sy on sy.id = sc.youngster_id
      where ${searchableName(searchYoungster)} ilike ${pattern}
    union
    select sm.conversation_id from ${messages} sm where sm.kind <> 'bot' and sm.search_text like lower(${pattern}))`;
}

export interface InboxQuery {
  municipalityIds: string[];
  assignedTo?: string;
  conversationId?: string;
  view?: InboxView;
  staffId?: string;
  search?: string | null;
  limit?: number;
}

/**
 * Every read of a conversation goes through a municipality scope: the caller
 * passes the ids their team serves, and rows outside it simply do not exist.
 * `view` needs `staffId` for "mine"; `search` looks through every conversation in scope (closed ones too).
 */
export async function listInbox(db: DbOrTx, q: InboxQuery): Promise<InboxItem[]> {
  if (q.municipalityIds.length === 0) return [];
  const rows = await inboxStatement(db, q);
  // The inner join on municipalities means municipalityId is never null here.
  return rows.map((r) => ({
    ...r,
    municipalityId: r.municipalityId!,
    lastPreview: r.lastPreview === null ? null : stripBidiControls(r.lastPreview),
  }));
}

/** The statement behind listInbox, unexecuted: tests EXPLAIN it (test/integration/search-index.test.ts). */
export function inboxStatement(db: DbOrTx, q: InboxQuery) {
  const filters: SQL[] = [inArray(conversations.municipalityId, q.municipalityIds)];
  if (q.assignedTo) filters.push(eq(conversations.assignedTo, q.assignedTo));
  if (q.conversationId) filters.push(eq(conversations.id, q.conversationId));
  if (q.search) filters.push(searchFilter(q.search));
  else if (q.view) filters.push(viewFilter(q.view, q.staffId ?? '00000000-0000-0000-0000-000000000000'));
  // The page of conversations is chosen first (order and limit on conversations alone), and only
  // its rows are joined to names and their last message: a view or a search that matches thousands
  // of conversations must not look up thousands of last messages to show 200.
  const page = db
    .select({
      id: conversations.id,
      municipalityId: conversations.municipalityId,
      youngsterId: conversations.youngsterId,
      contactId: conversations.contactId,
      assignedTo: conversations.assignedTo,
      status: conversations.status,
      urgent: conversations.urgent,
      escalatedAt: conversations.escalatedAt,
      lastMessageAt: conversations.lastMessageAt,
    })
    .from(conversations)
    .where(and(...filters))
    .orderBy(...INBOX_ORDER)
    .limit(q.limit ?? 200)
    .as('page');
  return db
    .select({
      id: page.id,
      municipalityId: page.municipalityId,
      municipalityName: municipalities.name,
      youngsterName,
      assignedTo: page.assignedTo,
      assigneeName: staffUsers.name,
      status: page.status,
      urgent: page.urgent,
      escalatedAt: page.escalatedAt,
      lastMessageAt: page.lastMessageAt,
      lastDirection: sql<'in' | 'out' | null>`last_msg.direction`,
      lastPreview: sql<string | null>`last_msg.preview`,
      optedOut: sql<boolean>`exists (select 1 from channel_contacts oc where oc.opted_out_at is not null
        and (oc.youngster_id = ${page.youngsterId} or oc.id = ${page.contactId}))`,
    })
    .from(page)
    .innerJoin(municipalities, eq(municipalities.id, page.municipalityId))
    .leftJoin(youngsters, eq(youngsters.id, page.youngsterId))
    .leftJoin(staffUsers, eq(staffUsers.id, page.assignedTo))
    .leftJoinLateral(
      db
        .select({
          direction: messages.direction,
          preview: sql<string>`left(${messages.body}, ${PREVIEW_CHARS})`.as('preview'),
        })
        .from(messages)
        // The bot's automatic answers are not an answer from a person: they neither preview nor mark "answered".
        .where(and(eq(messages.conversationId, page.id), ne(messages.kind, 'bot')))
        .orderBy(desc(messages.seq))
        .limit(1)
        .as('last_msg'),
      sql`true`,
    )
    .orderBy(desc(page.urgent), desc(page.lastMessageAt), desc(page.id));
}

/** How many conversations each view holds, in one grouped scan of the scope. */
export async function countInboxViews(db: DbOrTx, municipalityIds: string[], staffId: string): Promise<InboxCounts> {
  const zero: InboxCounts = { mine: 0, unassigned: 0, team: 0, urgent: 0, waiting: 0, closed: 0 };
  if (municipalityIds.length === 0) return zero;
  const count = (view: InboxView) => sql<number>`(count(*) filter (where ${viewFilter(view, staffId)}))::int`;
  const [row] = await db
    .select({
      mine: count('mine'),
      unassigned: count('unassigned'),
      team: count('team'),
      urgent: count('urgent'),
      waiting: count('waiting'),
      closed: count('closed'),
    })
    .from(conversations)
    .where(inArray(conversations.municipalityId, municipalityIds));
  return row ?? zero;
}

export async function getConversationInScope(db: DbOrTx, id: string, municipalityIds: string[]) {
  const [item] = await listInbox(db, { municipalityIds, conversationId: id, limit: 1 });
  if (!item) return null;
  // Opted out on any of their channels means: contact has stopped, for all of them.
  // The language is that of the channel they last wrote from (their own choice on the card page).
  const [extra] = await db.execute<{ opted_out_at: Date | null; first_name: string | null; language: string | null; youngster_id: string | null }>(sql`
    select
      (select max(c.opted_out_at) from channel_contacts c
        where (conv.youngster_id is not null and c.youngster_id = conv.youngster_id) or c.id = conv.contact_id) as opted_out_at,
      y.first_name,
      y.id as youngster_id,
      (select c.language from messages m join channel_contacts c on c.id = m.contact_id
        where m.conversation_id = conv.id and m.direction = 'in' order by m.seq desc limit 1) as language
    from conversations conv
    left join youngsters y on y.id = conv.youngster_id
    where conv.id = ${id}`);
  return {
    ...item,
    optedOutAt: extra?.opted_out_at ?? null,
    youngsterId: extra?.youngster_id ?? null,
    youngsterFirstName: extra?.first_name ?? null,
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

/* ------------------------------------------- what a message's life does to its conversation */

/**
 * The conversation's clock, for every message of a youngster (raw SQL: the
 * hot path): their message reopens it and marks when they last wrote; a crisis
 * makes it urgent. `inbound: false` for an opt-out and what follows it: that
 * waits for no answer.
 */
export async function touchConversation(tx: DbOrTx, id: string, opts: { inbound: boolean; urgent: boolean }) {
  await tx.execute(sql`
    update conversations set last_message_at = now(),
      last_inbound_at = case when ${opts.inbound} then now() else last_inbound_at end,
      status = case when ${opts.inbound} then 'open'::conversation_status else status end,
      urgent = urgent or ${opts.urgent}
    where id = ${id}`);
}

/** Locks a conversation for the rest of the transaction (a staff reply), with its municipality for the scope check. */
export async function lockConversation(tx: DbOrTx, id: string) {
  const [conv] = await tx
    .select({ id: conversations.id, municipalityId: conversations.municipalityId })
    .from(conversations)
    .where(eq(conversations.id, id))
    .for('update')
    .limit(1);
  return conv ?? null;
}

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
export async function closeOptedOutConversation(
  tx: DbOrTx,
  c: { conversationId: string; cardId: string | null; youngsterId: string | null },
): Promise<{ municipalityId: string | null } | null> {
  const rows = await tx.execute<{
    municipality_id: string | null;
    old_status: string;
    old_assignee: string | null;
    new_assignee: string | null;
  }>(sql`
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
  return { municipalityId: r.municipality_id };
}
