import type { Job } from 'bullmq';
import { sql } from 'drizzle-orm';
import type { InboundJob } from '../core/queues.js';
import type { LiveBus } from '../core/live-bus.js';
import { decideRoute, type RoutingCandidate, type RoutingDecision } from '../core/routing.js';
import type { Database, DbOrTx } from '../db/client.js';

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
      const facts = await readFacts(db, messageId);
      // Erased in the meantime (opt-out), already routed, or no municipality yet
      // (someone without a card still choosing): nothing to do now.
      if (!facts || facts.status !== 'received' || !facts.municipalityId) return { routed: false };
      const decision = decideRoute({
        currentAssigneeId: facts.assignedTo,
        cardCasemanagerId: facts.cardCasemanagerId,
        team: facts.team,
        now: deps.now?.() ?? new Date(),
      });
      const applied = await applyDecision(db, messageId, facts, decision);
      if (applied === 'raced') continue;
      if (applied === 'done') return { routed: false };
      await deps.liveBus.publishInbox({ kind: 'message', messageId, conversationId: facts.conversationId, municipalityId: facts.municipalityId });
      return { routed: true };
    }
    throw new Error(`routing kept racing for message ${messageId}`);
  };
}

interface Facts {
  status: string;
  conversationId: string;
  municipalityId: string | null;
  assignedTo: string | null;
  cardCasemanagerId: string | null;
  team: RoutingCandidate[];
}

/**
 * The message, its conversation, the casemanager on the card the contact
 * scanned, and the members of the team serving the municipality with their
 * absence and open load. (The load was once a drizzle subquery that compared
 * conversations.id with itself and counted nothing, turning "least loaded"
 * into a coin flip; the aliases here are explicit.)
 */
async function readFacts(db: DbOrTx, messageId: string): Promise<Facts | null> {
  const rows = await db.execute<{
    status: string;
    conversation_id: string;
    municipality_id: string | null;
    assigned_to: string | null;
    card_casemanager_id: string | null;
    team: { id: string; role: RoutingCandidate['role']; active: boolean; absent_until: string | null; delegate: string | null; open: number }[] | null;
  }>(sql`
    select m.status, c.id as conversation_id, c.municipality_id, c.assigned_to, k.casemanager_id as card_casemanager_id,
           (select json_agg(json_build_object(
                     'id', s.id, 'role', s.role, 'active', s.active, 'absent_until', s.absent_until,
                     'delegate', s.absence_delegate_id,
                     'open', (select count(*) from conversations load where load.assigned_to = s.id and load.status <> 'closed')))
              from team_municipalities tm
              join staff_users s on s.team_id = tm.team_id and s.role in ('casemanager', 'coordinator')
             where tm.municipality_id = c.municipality_id) as team
    from messages m
    join conversations c on c.id = m.conversation_id
    left join channel_contacts cc on cc.id = m.contact_id
    left join cards k on k.id = cc.card_id
    where m.id = ${messageId}`);
  const r = rows[0];
  if (!r) return null;
  return {
    status: r.status,
    conversationId: r.conversation_id,
    municipalityId: r.municipality_id,
    assignedTo: r.assigned_to,
    cardCasemanagerId: r.card_casemanager_id,
    team: (r.team ?? []).map((m) => ({
      id: m.id,
      role: m.role,
      available: m.active,
      absentUntil: m.absent_until === null ? null : new Date(m.absent_until),
      delegateId: m.delegate,
      openConversations: Number(m.open),
    })),
  };
}

/**
 * One atomic statement: (re)assign the conversation if the decision changes
 * it - only while its assignee is still the one we read -, mark the message
 * routed - only while it is still 'received' -, and record the anonymous event.
 */
async function applyDecision(db: DbOrTx, messageId: string, facts: Facts, decision: RoutingDecision): Promise<'routed' | 'done' | 'raced'> {
  const changed = decision.assigneeId !== facts.assignedTo;
  const data = JSON.stringify({ reason: decision.reason, changed, previousAssignee: facts.assignedTo });
  const rows = await db.execute<{ conversation_ok: boolean; routed: boolean }>(sql`
    with conv as (
      update conversations set assigned_to = ${decision.assigneeId}
      where ${changed} and id = ${facts.conversationId} and assigned_to is not distinct from ${facts.assignedTo}
      returning id
    ), still as (
      select 1 from conversations
      where id = ${facts.conversationId} and (${changed} or assigned_to is not distinct from ${facts.assignedTo})
    ), msg as (
      update messages set status = 'routed'
      where id = ${messageId} and status = 'received'
        and (exists (select 1 from conv) or (not ${changed} and exists (select 1 from still)))
      returning id
    ), ev as (
      insert into events (type, municipality_id, conversation_id, actor_staff_id, data)
      select 'conversation.routed', ${facts.municipalityId}, ${facts.conversationId}, ${decision.assigneeId}, ${data}::jsonb from msg
    )
    select exists (select 1 from conv) or (not ${changed} and exists (select 1 from still)) as conversation_ok,
           exists (select 1 from msg) as routed`);
  const r = rows[0]!;
  if (r.routed) return 'routed';
  return r.conversation_ok ? 'done' : 'raced';
}
