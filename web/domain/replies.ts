import { and, desc, eq, sql } from 'drizzle-orm';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { normaliseMessageText } from '../../core/message-text.js';
import type { Queues } from '../../core/queues.js';
import type { Database } from '../../db/client.js';
import { enqueueHeads } from '../../db/queries/outbox.js';
import type { StaffPrincipal } from '../../db/queries/staff.js';
import { channelContacts, conversations, messages } from '../../db/schema/index.js';

/**
 * A casemanager's reply: written to the outbox (status queued) in one
 * transaction with the conversation update, then its id is enqueued. The reply
 * goes to the channel the youngster last wrote from.
 */
export function createReplies(deps: { database: Database; queues: Queues; logger: Logger }) {
  const { db } = deps.database;

  async function send(staff: StaffPrincipal, conversationId: string, text: unknown, clientId: string | null) {
    const body = normaliseMessageText(text);
    const result = await db.transaction(async (tx) => {
      const [conv] = await tx
        .select({ id: conversations.id, municipalityId: conversations.municipalityId })
        .from(conversations)
        .where(eq(conversations.id, conversationId))
        .for('update')
        .limit(1);
      // Outside the staff member's scope it does not exist for them.
      if (!conv?.municipalityId || !staff.municipalityIds.includes(conv.municipalityId)) throw new NotFoundError('conversation');

      if (clientId) {
        const [dup] = await tx
          .select({ id: messages.id, channel: messages.channel })
          .from(messages)
          .where(
            and(
              eq(messages.conversationId, conversationId),
              eq(messages.direction, 'out'),
              eq(messages.clientRef, clientId),
            ),
          )
          .limit(1);
        if (dup) return { messageId: dup.id, contactId: null as string | null, duplicate: true };
      }

      const [lastInbound] = await tx
        .select({ contactId: messages.contactId, channel: messages.channel, optedOutAt: channelContacts.optedOutAt })
        .from(messages)
        .innerJoin(channelContacts, eq(channelContacts.id, messages.contactId))
        .where(and(eq(messages.conversationId, conversationId), eq(messages.direction, 'in')))
        .orderBy(desc(messages.seq))
        .limit(1);
      if (!lastInbound?.contactId) throw new ConflictError('no channel to reply on yet', 'no_channel');
      if (lastInbound.optedOutAt) throw new ConflictError('the youngster opted out', 'opted_out');

      const [msg] = await tx
        .insert(messages)
        .values({
          conversationId,
          contactId: lastInbound.contactId,
          channel: lastInbound.channel,
          direction: 'out',
          authorStaffId: staff.id,
          body,
          status: 'queued',
          clientRef: clientId,
        })
        .returning({ id: messages.id });
      if (!msg) throw new Error('insert returned no row');
      await tx
        .update(conversations)
        // A person answered: the waiting is over, so is its escalation (the next unanswered message starts anew).
        .set({ lastMessageAt: sql`now()`, escalatedAt: null })
        .where(eq(conversations.id, conversationId));
      return { messageId: msg.id, contactId: lastInbound.contactId as string | null, duplicate: false };
    });
    if (!result.duplicate && result.contactId) {
      try {
        await enqueueHeads(db, deps.queues, [result.contactId]);
      } catch (err) {
        deps.logger.warn({ err, messageId: result.messageId }, 'outbound enqueue failed; sweeper will retry');
      }
    }
    return result;
  }

  return { send };
}
export type Replies = ReturnType<typeof createReplies>;
