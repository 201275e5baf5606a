import type { Job } from 'bullmq';
import type { InboundJob } from '../core/queues.js';
import type { LiveBus } from '../core/live-bus.js';
import { decideRoute } from '../core/routing.js';
import type { Database } from '../db/client.js';
import { markRouted } from '../db/queries/messages.js';
import { readRoutingFacts } from '../db/queries/routing.js';

/**
 * Routes a stored youngster message: decides who owns the conversation, marks
 * the message routed, records the decision and tells the inbox. Every inbound
 * message passes here, so it is two statements and no held lock: one read
 * gathers the facts, one write applies the decision - on the condition that
 * the conversation's assignee is still the one the decision was based on.
 * If someone else changed it in between (another message of the same
 * youngster, a transfer), the facts are read again. Idempotent: a message
 * that is already routed (a retried or duplicated job) changes nothing.
 */
const MAX_TRIES = 5;

export function createRoutingProcessor(deps: { database: Database; liveBus: LiveBus; now?: () => Date }) {
  const { db } = deps.database;

  return async function routeMessage(job: Job<InboundJob>): Promise<{ routed: boolean }> {
    const { messageId } = job.data;
    for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
      const facts = await readRoutingFacts(db, messageId);
      // Erased in the meantime (opt-out), already routed, or no municipality yet
      // (someone without a card still choosing): nothing to do now.
      if (!facts || facts.status !== 'received' || !facts.municipalityId) return { routed: false };
      const decision = decideRoute({
        currentAssigneeId: facts.assignedTo,
        cardCasemanagerId: facts.cardCasemanagerId,
        team: facts.team,
        now: deps.now?.() ?? new Date(),
      });
      const applied = await markRouted(db, {
        messageId,
        conversationId: facts.conversationId,
        municipalityId: facts.municipalityId,
        assignee: { from: facts.assignedTo, to: decision.assigneeId },
        reason: decision.reason,
      });
      if (applied === 'raced') continue;
      if (applied === 'not_received') return { routed: false };
      await deps.liveBus.publishInbox({ kind: 'message', messageId, conversationId: facts.conversationId, municipalityId: facts.municipalityId });
      return { routed: true };
    }
    throw new Error(`routing kept racing for message ${messageId}`);
  };
}
