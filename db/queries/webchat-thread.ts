import { and, asc, eq, inArray, or } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { messages, staffUsers } from '../schema/index.js';

/**
 * What one web-chat browser may see of its thread: its own messages and the
 * replies delivered to it (not what is still queued, failed or cancelled),
 * oldest first; with `messageId`, just that one if it qualifies.
 */
export async function listWebChatMessages(db: DbOrTx, contactId: string, messageId?: string) {
  const visible = or(eq(messages.direction, 'in'), inArray(messages.status, ['sent']));
  return db
    .select({
      id: messages.id,
      seq: messages.seq,
      direction: messages.direction,
      kind: messages.kind,
      body: messages.body,
      menu: messages.menu,
      goodbye: messages.isOptOutAck,
      author: staffUsers.firstName,
      createdAt: messages.createdAt,
    })
    .from(messages)
    .leftJoin(staffUsers, eq(staffUsers.id, messages.authorStaffId))
    .where(and(eq(messages.contactId, contactId), visible, messageId ? eq(messages.id, messageId) : undefined))
    .orderBy(asc(messages.seq))
    .limit(500);
}
