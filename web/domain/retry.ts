import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { RETRYABLE } from '../../core/message-lifecycle.js';
import type { Queues } from '../../core/queues.js';
import type { Database } from '../../db/client.js';
import { requeueForRetry } from '../../db/queries/messages.js';
import { findHeads, lockOutgoingForRetry } from '../../db/queries/outbox.js';
import type { StaffPrincipal } from '../../db/queries/staff.js';

/**
 * "Opnieuw versturen" on a failed message, or one that may not have arrived:
 * a person decided it should go (again). Back in line, with a new job round
 * so the earlier finished job id does not swallow it. The opt-out gate still
 * applies when it is delivered.
 */
export function createRetry(deps: { database: Database; queues: Queues; logger: Logger }) {
  const { db } = deps.database;
  return async function retry(staff: StaffPrincipal, conversationId: string, messageId: string) {
    const row = await db.transaction(async (tx) => {
      const m = await lockOutgoingForRetry(tx, conversationId, messageId);
      if (!m?.municipalityId || !staff.municipalityIds.includes(m.municipalityId)) throw new NotFoundError('message');
      if (!RETRYABLE.includes(m.status)) throw new ConflictError('only a failed or in-doubt message can be retried', 'not_failed');
      if (m.optedOutAt) throw new ConflictError('the youngster opted out', 'opted_out');
      await requeueForRetry(tx, { messageId, conversationId, municipalityId: m.municipalityId, channel: m.channel, staffId: staff.id });
      return m;
    });
    if (row.contactId) await deps.queues.enqueueHeads(await findHeads(db, [row.contactId]));
  };
}
export type Retry = ReturnType<typeof createRetry>;
