import type { Job } from 'bullmq';
import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import type { InboundJob } from '../core/queues.js';
import type { LiveBus } from '../core/live-bus.js';
import { decideRoute, type RoutingCandidate } from '../core/routing.js';
import type { Database, Tx } from '../db/client.js';
import { recordEvent } from '../db/queries/events.js';
import { cards, channelContacts, conversations, messages, staffUsers, teamMunicipalities } from '../db/schema/index.js';

/**
 * Routes a stored youngster message: decides who owns the conversation, marks
 * the message routed and tells the inbox. Idempotent: a message that is already
 * routed (a retried or duplicated job) changes nothing.
 */
export function createRoutingProcessor(deps: { database: Database; liveBus: LiveBus; now?: () => Date }) {
  const { db } = deps.database;

  return async function routeMessage(job: Job<InboundJob>): Promise<{ routed: boolean }> {
    const { messageId } = job.data;
    const outcome = await db.transaction(async (tx) => {
      const [msg] = await tx
        .select({
          status: messages.status,
          conversationId: messages.conversationId,
          contactId: messages.contactId,
        })
        .from(messages)
        .where(eq(messages.id, messageId))
        .limit(1);
      // Erased in the meantime (opt-out) or already routed: nothing to do.
      if (!msg || msg.status !== 'received') return null;

      // Lock the conversation so two messages of one youngster are routed one after the other.
      const [conv] = await tx
        .select()
        .from(conversations)
        .where(eq(conversations.id, msg.conversationId))
        .for('update')
        .limit(1);
      // No municipality yet (someone without a card still choosing): the message waits, unrouted.
      if (!conv?.municipalityId) return null;

      const cardCasemanagerId = msg.contactId ? await cardCasemanagerFor(tx, msg.contactId) : null;
      const team = await servingTeam(tx, conv.municipalityId);
      const decision = decideRoute({
        currentAssigneeId: conv.assignedTo,
        cardCasemanagerId,
        team,
        now: deps.now?.() ?? new Date(),
      });
      const changed = decision.assigneeId !== conv.assignedTo;
      if (changed) {
        await tx.update(conversations).set({ assignedTo: decision.assigneeId }).where(eq(conversations.id, conv.id));
      }
      await tx.update(messages).set({ status: 'routed' }).where(eq(messages.id, messageId));
      await recordEvent(tx, {
        type: 'conversation.routed',
        municipalityId: conv.municipalityId,
        conversationId: conv.id,
        actorStaffId: decision.assigneeId,
        data: { reason: decision.reason, changed, previousAssignee: conv.assignedTo },
      });
      return { conversationId: conv.id, municipalityId: conv.municipalityId };
    });
    if (!outcome) return { routed: false };
    await deps.liveBus.publishInbox({ kind: 'message', messageId, ...outcome });
    return { routed: true };
  };
}

async function cardCasemanagerFor(tx: Tx, contactId: string): Promise<string | null> {
  const rows = await tx
    .select({ casemanagerId: cards.casemanagerId })
    .from(channelContacts)
    .innerJoin(cards, eq(cards.id, channelContacts.cardId))
    .where(eq(channelContacts.id, contactId))
    .limit(1);
  return rows[0]?.casemanagerId ?? null;
}

/** Members of the team that serves this municipality, with their absence and current open load. */
async function servingTeam(tx: Tx, municipalityId: string): Promise<RoutingCandidate[]> {
  const [serving] = await tx
    .select({ teamId: teamMunicipalities.teamId })
    .from(teamMunicipalities)
    .where(eq(teamMunicipalities.municipalityId, municipalityId))
    .limit(1);
  if (!serving) return [];
  const members = await tx
    .select({
      id: staffUsers.id,
      role: staffUsers.role,
      active: staffUsers.active,
      absentUntil: staffUsers.absentUntil,
      absenceDelegateId: staffUsers.absenceDelegateId,
    })
    .from(staffUsers)
    .where(and(eq(staffUsers.teamId, serving.teamId), inArray(staffUsers.role, ['casemanager', 'coordinator'])));
  // Open load per member, counted in one grouped query (a correlated subquery here once compared
  // conversations.id with itself and counted nothing, turning "least loaded" into a coin flip).
  const loads = members.length
    ? await tx
        .select({ staffId: conversations.assignedTo, open: sql<number>`count(*)::int` })
        .from(conversations)
        .where(and(inArray(conversations.assignedTo, members.map((m) => m.id)), ne(conversations.status, 'closed')))
        .groupBy(conversations.assignedTo)
    : [];
  const loadOf = new Map(loads.map((l) => [l.staffId, l.open]));
  return members.map((m) => ({
    id: m.id,
    role: m.role,
    available: m.active,
    absentUntil: m.absentUntil,
    delegateId: m.absenceDelegateId,
    openConversations: loadOf.get(m.id) ?? 0,
  }));
}
