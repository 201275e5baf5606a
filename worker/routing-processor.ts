import type { Job } from 'bullmq';
import { eq, sql } from 'drizzle-orm';
import type { InboundJob } from '../core/queues.js';
import type { LiveBus } from '../core/live-bus.js';
import { decideRoute, type RoutingCandidate } from '../core/routing.js';
import type { Database, Tx } from '../db/client.js';
import { recordEvent } from '../db/queries/events.js';
import { conversations, messages } from '../db/schema/index.js';

/**
 * Routes a stored youngster message: decides who owns the conversation, marks
 * the message routed and tells the inbox. Idempotent: a message that is already
 * routed (a retried or duplicated job) changes nothing.
 * Every inbound message passes here, so the facts are gathered in two reads.
 */
export function createRoutingProcessor(deps: { database: Database; liveBus: LiveBus; now?: () => Date }) {
  const { db } = deps.database;

  return async function routeMessage(job: Job<InboundJob>): Promise<{ routed: boolean }> {
    const { messageId } = job.data;
    const outcome = await db.transaction(async (tx) => {
      const msg = await lockMessageConversation(tx, messageId);
      // Erased in the meantime (opt-out), already routed, or no municipality yet
      // (someone without a card still choosing): nothing to do now.
      if (!msg || msg.status !== 'received' || !msg.municipalityId) return null;

      const decision = decideRoute({
        currentAssigneeId: msg.assignedTo,
        cardCasemanagerId: msg.cardCasemanagerId,
        team: await servingTeam(tx, msg.municipalityId),
        now: deps.now?.() ?? new Date(),
      });
      const changed = decision.assigneeId !== msg.assignedTo;
      // Independent writes, pipelined on the transaction's connection.
      await Promise.all([
        changed
          ? tx.update(conversations).set({ assignedTo: decision.assigneeId }).where(eq(conversations.id, msg.conversationId)).execute()
          : null,
        tx.update(messages).set({ status: 'routed' }).where(eq(messages.id, messageId)).execute(),
        recordEvent(tx, {
          type: 'conversation.routed',
          municipalityId: msg.municipalityId,
          conversationId: msg.conversationId,
          actorStaffId: decision.assigneeId,
          data: { reason: decision.reason, changed, previousAssignee: msg.assignedTo },
        }),
      ]);
      return { conversationId: msg.conversationId, municipalityId: msg.municipalityId };
    });
    if (!outcome) return { routed: false };
    await deps.liveBus.publishInbox({ kind: 'message', messageId, ...outcome });
    return { routed: true };
  };
}

/**
 * The message, its conversation - locked, so two messages of one youngster are
 * routed one after the other - and the casemanager on the card the contact scanned.
 */
async function lockMessageConversation(tx: Tx, messageId: string) {
  const rows = await tx.execute<{
    status: string;
    conversation_id: string;
    municipality_id: string | null;
    assigned_to: string | null;
    card_casemanager_id: string | null;
  }>(sql`
    select m.status, c.id as conversation_id, c.municipality_id, c.assigned_to, k.casemanager_id as card_casemanager_id
    from messages m
    join conversations c on c.id = m.conversation_id
    left join channel_contacts cc on cc.id = m.contact_id
    left join cards k on k.id = cc.card_id
    where m.id = ${messageId}
    for update of c`);
  const r = rows[0];
  return r
    ? {
        status: r.status,
        conversationId: r.conversation_id,
        municipalityId: r.municipality_id,
        assignedTo: r.assigned_to,
        cardCasemanagerId: r.card_casemanager_id,
      }
    : null;
}

/**
 * Members of the team that serves this municipality, with their absence and
 * current open load, in one statement. (The load was once a drizzle subquery
 * that compared conversations.id with itself and counted nothing, turning
 * "least loaded" into a coin flip; the aliases here are explicit.)
 */
async function servingTeam(tx: Tx, municipalityId: string): Promise<RoutingCandidate[]> {
  const rows = await tx.execute<{
    id: string;
    role: RoutingCandidate['role'];
    active: boolean;
    absent_until: Date | string | null;
    absence_delegate_id: string | null;
    open: number;
  }>(sql`
    select s.id, s.role, s.active, s.absent_until, s.absence_delegate_id,
           (select count(*)::int from conversations load
             where load.assigned_to = s.id and load.status <> 'closed') as open
    from team_municipalities tm
    join staff_users s on s.team_id = tm.team_id and s.role in ('casemanager', 'coordinator')
    where tm.municipality_id = ${municipalityId}`);
  return rows.map((m) => ({
    id: m.id,
    role: m.role,
    available: m.active,
    absentUntil: m.absent_until === null ? null : new Date(m.absent_until),
    delegateId: m.absence_delegate_id,
    openConversations: Number(m.open),
  }));
}
