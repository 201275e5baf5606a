import { and, desc, eq, inArray, isNull, ne, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { stripBidiControls } from '../../core/message-text.js';
import type { DbOrTx } from '../client.js';
import { conversations, messages, municipalities, searchableName, staffUsers, youngsters } from '../schema/index.js';

/*
 * The inbox list: its views, their counts and the search, always inside the
 * viewer's municipality scope. One conversation's own row (reading it in
 * scope, locking and changing it) is conversations.ts.
 */

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
