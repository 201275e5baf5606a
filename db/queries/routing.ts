import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { MessageStatus } from '../../core/message-lifecycle.js';
import type { RoutingCandidate } from '../../core/routing.js';
import type { DbOrTx } from '../client.js';
import { timestampText } from '../raw-row.js';
import { messageStatus } from '../schema/index.js';

/** What the routing decision (core/routing.ts) is made from; markRouted (messages.ts) applies it. */
export interface MessageRoutingFacts {
  status: MessageStatus;
  conversationId: string;
  municipalityId: string | null;
  assignedTo: string | null;
  cardCasemanagerId: string | null;
  team: RoutingCandidate[];
}

/** A row of readRoutingFacts' statement; the team is json, its count(*) a number there. */
export const routingFactsRow = z.strictObject({
  status: z.enum(messageStatus.enumValues),
  conversation_id: z.uuid(),
  municipality_id: z.uuid().nullable(),
  assigned_to: z.uuid().nullable(),
  card_casemanager_id: z.uuid().nullable(),
  team: z
    .array(
      z.strictObject({
        id: z.uuid(),
        role: z.enum(['casemanager', 'coordinator']),
        active: z.boolean(),
        // Inside json_build_object a timestamptz is ISO text.
        absent_until: timestampText.nullable(),
        delegate: z.uuid().nullable(),
        open: z.number().int(),
      }),
    )
    .nullable(),
});
type RoutingFactsRow = z.infer<typeof routingFactsRow>;

/**
 * The message, its conversation, the casemanager on the card the contact
 * scanned, and the members of the team serving the municipality with their
 * absence and open load. (The load was once a drizzle subquery that compared
 * conversations.id with itself and counted nothing, turning "least loaded"
 * into a coin flip; the aliases here are explicit.) Raw SQL, one statement:
 * every incoming message passes here. Timestamps inside json_agg come back as
 * ISO strings.
 */
export async function readRoutingFacts(db: DbOrTx, messageId: string): Promise<MessageRoutingFacts | null> {
  const rows = await db.execute<RoutingFactsRow>(sql`
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
