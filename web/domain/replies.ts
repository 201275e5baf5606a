import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { normaliseMessageText } from '../../core/message-text.js';
import type { Queues } from '../../core/queues.js';
import type { Database } from '../../db/client.js';
import { lockConversation, markAnsweredByStaff } from '../../db/queries/conversations.js';
import { createReply } from '../../db/queries/messages.js';
import { findHeads, findReplyByClientRef, replyTarget } from '../../db/queries/outbox.js';
import type { StaffPrincipal } from '../../db/queries/staff.js';

/**
 * A casemanager's reply: written to the outbox (status queued) in one
 * transaction with the conversation update, then the head of the youngster's
 * line is enqueued. The reply goes to the channel the youngster last wrote from.
 */
export function createReplies(deps: { database: Database; queues: Queues; logger: Logger }) {
  const { db } = deps.database;

  async function send(staff: StaffPrincipal, conversationId: string, text: unknown, clientId: string | null) {
    const body = normaliseMessageText(text);
    const result = await db.transaction(async (tx) => {
      const conv = await lockConversation(tx, conversationId);
      // Outside the staff member's scope it does not exist for them.
      if (!conv?.municipalityId || !staff.municipalityIds.includes(conv.municipalityId)) throw new NotFoundError('conversation');

      const dup = clientId ? await findReplyByClientRef(tx, conversationId, clientId) : null;
      if (dup) return { messageId: dup, contactId: null as string | null, duplicate: true };

      const to = await replyTarget(tx, conversationId);
      if (!to) throw new ConflictError('no channel to reply on yet', 'no_channel');
      if (to.optedOut) throw new ConflictError('the youngster opted out', 'opted_out');

      const messageId = await createReply(tx, { conversationId, contactId: to.contactId, channel: to.channel, authorStaffId: staff.id, body, clientRef: clientId });
      await markAnsweredByStaff(tx, conversationId);
      return { messageId, contactId: to.contactId as string | null, duplicate: false };
    });
    if (!result.duplicate && result.contactId) {
      try {
        await deps.queues.enqueueHeads(await findHeads(db, [result.contactId]));
      } catch (err) {
        deps.logger.warn({ err, messageId: result.messageId }, 'outbound enqueue failed; sweeper will retry');
      }
    }
    return result;
  }

  return { send };
}
export type Replies = ReturnType<typeof createReplies>;
