import { and, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { conversations, messages, municipalities, staffUsers, youngsters } from '../schema/index.js';

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
}

const PREVIEW_CHARS = 120;

const youngsterName = sql<string | null>`nullif(concat_ws(' ', ${youngsters.firstName}, ${youngsters.namePrefix}, ${youngsters.lastName}), '')`;

/**
 * Every read of a conversation goes through a municipality scope: the caller
 * passes the ids their team serves, and rows outside it simply do not exist.
 */
export async function listInbox(
  db: DbOrTx,
  q: { municipalityIds: string[]; assignedTo?: string; conversationId?: string; limit?: number },
): Promise<InboxItem[]> {
  if (q.municipalityIds.length === 0) return [];
  const filters = [inArray(conversations.municipalityId, q.municipalityIds)];
  if (q.assignedTo) filters.push(eq(conversations.assignedTo, q.assignedTo));
  if (q.conversationId) filters.push(eq(conversations.id, q.conversationId));
  const rows = await db
    .select({
      id: conversations.id,
      municipalityId: conversations.municipalityId,
      municipalityName: municipalities.name,
      youngsterName,
      assignedTo: conversations.assignedTo,
      assigneeName: staffUsers.name,
      status: conversations.status,
      urgent: conversations.urgent,
      escalatedAt: conversations.escalatedAt,
      lastMessageAt: conversations.lastMessageAt,
      lastDirection: sql<'in' | 'out' | null>`last_msg.direction`,
      lastPreview: sql<string | null>`last_msg.preview`,
    })
    .from(conversations)
    .innerJoin(municipalities, eq(municipalities.id, conversations.municipalityId))
    .leftJoin(youngsters, eq(youngsters.id, conversations.youngsterId))
    .leftJoin(staffUsers, eq(staffUsers.id, conversations.assignedTo))
    .leftJoinLateral(
      db
        .select({
          direction: messages.direction,
          preview: sql<string>`left(${messages.body}, ${PREVIEW_CHARS})`.as('preview'),
        })
        .from(messages)
        // The bot's automatic answers are not an answer from a person: they neither preview nor mark "answered".
        .where(and(eq(messages.conversationId, conversations.id), ne(messages.kind, 'bot')))
        .orderBy(desc(messages.seq))
        .limit(1)
        .as('last_msg'),
      sql`true`,
    )
    .where(and(...filters))
    .orderBy(desc(conversations.urgent), desc(conversations.lastMessageAt))
    .limit(q.limit ?? 200);
  // The inner join on municipalities means municipalityId is never null here.
  return rows.map((r) => ({ ...r, municipalityId: r.municipalityId! }));
}

export async function getConversationInScope(db: DbOrTx, id: string, municipalityIds: string[]) {
  const [item] = await listInbox(db, { municipalityIds, conversationId: id, limit: 1 });
  if (!item) return null;
  // Opted out on any of their channels means: contact has stopped, for all of them.
  const [stopped] = await db.execute<{ opted_out_at: Date | null }>(sql`
    select max(c.opted_out_at) as opted_out_at
    from conversations conv
    join channel_contacts c on (conv.youngster_id is not null and c.youngster_id = conv.youngster_id) or c.id = conv.contact_id
    where conv.id = ${id}`);
  return { ...item, optedOutAt: stopped?.opted_out_at ?? null };
}

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
