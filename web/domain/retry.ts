import { and, eq } from 'drizzle-orm';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Queues } from '../../core/queues.js';
import type { Database } from '../../db/client.js';
import { recordEvent } from '../../db/queries/events.js';
import { enqueueHeads } from '../../db/queries/outbox.js';
import type { StaffPrincipal } from '../../db/queries/staff.js';
import { channelContacts, conversations, messages } from '../../db/schema/index.js';

/**
 * "Opnieuw versturen" on a failed message: a person decided it should go
 * (again). Back to queued, and a new job round so the earlier finished job id
 * does not swallow it. The opt-out gate still applies when it is delivered.
 */
export function createRetry(deps: { database: Database; queues: Queues; logger: Logger }) {
  const { db } = deps.database;
  return async function retry(staff: StaffPrincipal, conversationId: string, messageId: string) {
    const row = await db.transaction(async (tx) => {
      const [m] = await tx
        .select({
          id: messages.id,
          status: messages.status,
          channel: messages.channel,
          attempts: messages.attempts,
          contactId: messages.contactId,
          municipalityId: conversations.municipalityId,
          optedOutAt: channelContacts.optedOutAt,
        })
        .from(messages)
        .innerJoin(conversations, eq(conversations.id, messages.conversationId))
        .leftJoin(channelContacts, eq(channelContacts.id, messages.contactId))
        .where(and(eq(messages.id, messageId), eq(messages.conversationId, conversationId), eq(messages.direction, 'out')))
        .for('update', { of: messages })
        .limit(1);
      if (!m?.municipalityId || !staff.municipalityIds.includes(m.municipalityId)) throw new NotFoundError('message');
      if (m.status !== 'failed') throw new ConflictError('only a failed message can be retried', 'not_failed');
      if (m.optedOutAt) throw new ConflictError('the youngster opted out', 'opted_out');
      await tx
        .update(messages)
        .set({ status: 'queued', lastError: null, sendingSince: null })
        .where(eq(messages.id, messageId));
      await recordEvent(tx, {
        type: 'message.retried',
        municipalityId: m.municipalityId,
        conversationId,
        actorStaffId: staff.id,
        data: { channel: m.channel },
      });
      return m;
    });
    if (row.contactId) await enqueueHeads(db, deps.queues, [row.contactId]);
  };
}
export type Retry = ReturnType<typeof createRetry>;
