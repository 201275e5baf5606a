import { and, asc, eq, gt, isNotNull, isNull, max, min, ne, notExists, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { OfficeHours } from '../../core/office-hours.js';
import type { DbOrTx } from '../client.js';
import { channelContacts, conversations, messages, teamMunicipalities, teams, youngsters } from '../schema/index.js';

export interface WaitingConversation {
  id: string;
  municipalityId: string;
  monitoringKey: string | null;
  urgent: boolean;
  officeHours: OfficeHours;
  escalationOfficeMinutes: number;
  /** The first youngster message after the last staff reply: when this waiting period began. */
  waitingSince: Date;
}

const reply = alias(messages, 'r');
const stopped = alias(channelContacts, 'oc');

/**
 * Open conversations of a known municipality, not yet escalated, whose
 * youngster wrote after the last staff reply (bot messages are no reply), and
 * who has not opted out. Pre-filtered on wall-clock time - office time can
 * never be longer - so only plausible candidates reach the office-hours sum
 * (worker/escalation.ts). Oldest wait first; with `conversationId`, only that one.
 */
export async function findWaiting(db: DbOrTx, now: Date, conversationId?: string): Promise<WaitingConversation[]> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const lastStaffReply = db
    .select({ seq: max(reply.seq) })
    .from(reply)
    .where(and(eq(reply.conversationId, conversations.id), eq(reply.direction, 'out'), isNotNull(reply.authorStaffId)));
  // The wait is measured from the first unanswered message, not the last: a youngster who
  // writes "hallo??" again must not push their own alert back.
  const wait = db
    .select({ since: min(messages.createdAt).as('waiting_since') })
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, conversations.id),
        eq(messages.direction, 'in'),
        gt(messages.seq, sql`coalesce((${lastStaffReply}), 0)`),
      ),
    )
    .as('w');
  const optedOut = db
    .select({ one: sql`1` })
    .from(stopped)
    .where(
      and(
        isNotNull(stopped.optedOutAt),
        or(
          and(isNotNull(conversations.youngsterId), eq(stopped.youngsterId, conversations.youngsterId)),
          eq(stopped.id, conversations.contactId),
        ),
      ),
    );
  const rows = await db
    .select({
      id: conversations.id,
      municipalityId: conversations.municipalityId,
      monitoringKey: youngsters.monitoringKey,
      urgent: conversations.urgent,
      officeHours: teams.officeHours,
      escalationOfficeMinutes: teams.escalationOfficeMinutes,
      waitingSince: wait.since,
    })
    .from(conversations)
    .innerJoin(teamMunicipalities, eq(teamMunicipalities.municipalityId, conversations.municipalityId))
    .innerJoin(teams, eq(teams.id, teamMunicipalities.teamId))
    .leftJoin(youngsters, eq(youngsters.id, conversations.youngsterId))
    .innerJoinLateral(wait, sql`true`)
    .where(
      and(
        isNull(conversations.escalatedAt),
        ne(conversations.status, 'closed'),
        isNotNull(conversations.lastInboundAt),
        sql`${wait.since} <= ${at}`,
        or(eq(conversations.urgent, true), sql`${wait.since} <= ${at} - make_interval(mins => ${teams.escalationOfficeMinutes})`),
        notExists(optedOut),
        conversationId ? eq(conversations.id, conversationId) : undefined,
      ),
    )
    .orderBy(asc(wait.since), asc(conversations.id));
  // The inner join on team_municipalities means both are set here; the filter above means a wait began.
  return rows.map((r) => ({ ...r, municipalityId: r.municipalityId!, waitingSince: r.waitingSince! }));
}
