import { z } from 'zod';
import type { ErasureRegistry } from '../../core/erasure-registry.js';
import { InputError, NotFoundError } from '../../core/errors.js';
import type { LiveBus } from '../../core/live-bus.js';
import type { Logger } from '../../core/logger.js';
import type { Queues } from '../../core/queues.js';
import type { Database, Tx } from '../../db/client.js';
import { lockConversationForOptOut, stopAllContact } from '../../db/queries/opt-out.js';
import type { StaffPrincipal } from '../../db/queries/staff.js';

/** How the youngster said it, when not in the chat. */
export const STAFF_OPT_OUT_HOW = ['door', 'phone', 'letter', 'other'] as const;
export type StaffOptOutHow = (typeof STAFF_OPT_OUT_HOW)[number];

const input = z.object({ how: z.enum(STAFF_OPT_OUT_HOW) });

/**
 * An opt-out said at the door, by phone or by letter, recorded by a casemanager:
 * the same effects as a "Nee bedankt" in the chat (db/queries/opt-out.ts
 * stopAllContact), but no goodbye is sent - they were told in person - so the
 * erasure is enqueued at once.
 */
export function createStaffOptOut(deps: { database: Database; queues: Queues; liveBus: LiveBus; logger: Logger; erasure: ErasureRegistry<Tx> }) {
  return {
    async record(staff: StaffPrincipal, conversationId: string, body: unknown): Promise<{ erasureId: string }> {
      const parsed = input.safeParse(body ?? {});
      // Scope first: a conversation out of scope is a 404 whatever was sent.
      const result = await deps.database.db.transaction(async (tx) => {
        const conv = await lockConversationForOptOut(tx, conversationId, staff.municipalityIds);
        if (!conv) throw new NotFoundError('conversation');
        if (!parsed.success) throw new InputError('how the youngster said it is required', 'optout_how_required');
        return stopAllContact(tx, deps.erasure, {
          contact: { id: conv.contactId, youngsterId: conv.youngsterId, cardId: null },
          conversationId: conv.conversationId,
          municipalityId: conv.municipalityId,
          goodbyeIds: [],
          how: parsed.data.how,
          staffId: staff.id,
          monitoringKey: conv.monitoringKey,
        });
      });
      await deps.erasure.afterCommit(result.afterCommit, deps.logger);
      await deps.queues.enqueueErasure(result.erasureId).catch((err: unknown) => deps.logger.warn({ err, erasureId: result.erasureId }, 'erasure not enqueued; the sweep will'));
      if (result.closed) {
        await deps.liveBus.publishInbox({ kind: 'conversation', ...result.closed }).catch(() => {});
      }
      return { erasureId: result.erasureId };
    },
  };
}
export type StaffOptOut = ReturnType<typeof createStaffOptOut>;
