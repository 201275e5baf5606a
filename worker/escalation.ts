import { and, eq, isNull, sql } from 'drizzle-orm';
import type { LiveBus } from '../core/live-bus.js';
import { officeMinutesBetween, type OfficeHours } from '../core/office-hours.js';
import type { Database, DbOrTx } from '../db/client.js';
import { recordEvent } from '../db/queries/events.js';
import { conversations } from '../db/schema/index.js';

export type EscalationReason = 'waiting' | 'urgent';

interface Waiting {
  id: string;
  municipality_id: string;
  monitoring_key: string | null;
  urgent: boolean;
  office_hours: OfficeHours;
  escalation_office_minutes: number;
  /** The first youngster message after the last staff reply: when this waiting period began. */
  waiting_since: Date | string;
}

/**
 * The team is alerted when a youngster waits too long for a person: longer
 * than the team's escalation_office_minutes, counted in office hours only
 * (a Friday-evening message has not waited over the weekend) - or at once when
 * the conversation is urgent. One alert per waiting period: escalated_at stays
 * set until a staff reply clears it (web/domain/replies.ts).
 *
 * The wait is measured from the first unanswered message, not the last: a
 * youngster who writes "hallo??" again must not push their own alert back.
 *
 * Safe to run in several processes at once: each escalation locks the
 * conversation row (as a staff reply does), re-checks, and updates only
 * `where escalated_at is null`, so one alert is recorded per waiting period.
 */
export function createEscalationCheck(deps: { database: Database; liveBus: LiveBus; now?: () => Date }) {
  const { db } = deps.database;

  return async function runEscalationCheck(): Promise<{ escalated: string[] }> {
    const now = deps.now?.() ?? new Date();
    const escalated: string[] = [];
    const failures: unknown[] = [];
    for (const candidate of await findWaiting(db, now)) {
      if (!due(candidate, now)) continue;
      const done = await db.transaction(async (tx) => {
        await tx.select({ id: conversations.id }).from(conversations).where(eq(conversations.id, candidate.id)).for('update');
        // Re-read under the lock: a reply that committed meanwhile ends the waiting period.
        const [fresh] = await findWaiting(tx, now, candidate.id);
        const decision = fresh ? due(fresh, now) : null;
        if (!fresh || !decision) return null;
        const updated = await tx
          .update(conversations)
          .set({ escalatedAt: now })
          .where(and(eq(conversations.id, fresh.id), isNull(conversations.escalatedAt)))
          .returning({ id: conversations.id });
        if (updated.length === 0) return null;
        await recordEvent(tx, {
          type: 'conversation.escalated',
          municipalityId: fresh.municipality_id,
          subject: fresh.monitoring_key,
          conversationId: fresh.id,
          data: { reason: decision.reason, officeMinutes: Math.floor(decision.officeMinutes) },
        });
        return fresh;
      });
      if (!done) continue;
      escalated.push(done.id);
      // The alert is stored; a lost signal only delays the screen until its next reload.
      await deps.liveBus
        .publishInbox({ kind: 'conversation', conversationId: done.id, municipalityId: done.municipality_id })
        .catch((err: unknown) => failures.push(err));
    }
    // Reported after the whole pass, so one Redis hiccup does not stop the other escalations.
    if (failures.length > 0) {
      throw new AggregateError(failures, `escalated ${escalated.length}; ${failures.length} live signal(s) failed`);
    }
    return { escalated };
  };
}

function due(w: Waiting, now: Date): { reason: EscalationReason; officeMinutes: number } | null {
  const officeMinutes = officeMinutesBetween(w.office_hours, new Date(w.waiting_since), now);
  if (w.urgent) return { reason: 'urgent', officeMinutes };
  return officeMinutes > w.escalation_office_minutes ? { reason: 'waiting', officeMinutes } : null;
}

/**
 * Open conversations of a known municipality, not yet escalated, whose
 * youngster wrote after the last staff reply (bot messages are no reply), and
 * who has not opted out. Pre-filtered on wall-clock time - office time can
 * never be longer - so only plausible candidates reach the office-hours sum.
 */
async function findWaiting(db: DbOrTx, now: Date, conversationId?: string): Promise<Waiting[]> {
  const at = sql`${now.toISOString()}::timestamptz`;
  return db.execute<Waiting & Record<string, unknown>>(sql`
    select conv.id, conv.municipality_id, y.monitoring_key, conv.urgent,
           t.office_hours, t.escalation_office_minutes, w.waiting_since
    from conversations conv
    join team_municipalities tm on tm.municipality_id = conv.municipality_id
    join teams t on t.id = tm.team_id
    left join youngsters y on y.id = conv.youngster_id
    cross join lateral (
      select min(m.created_at) as waiting_since
      from messages m
      where m.conversation_id = conv.id and m.direction = 'in'
        and m.seq > coalesce((select max(r.seq) from messages r
                              where r.conversation_id = conv.id and r.direction = 'out'
                                and r.author_staff_id is not null), 0)
    ) w
    where conv.escalated_at is null
      and conv.status <> 'closed'
      and conv.last_inbound_at is not null
      and w.waiting_since <= ${at}
      and (conv.urgent or w.waiting_since <= ${at} - make_interval(mins => t.escalation_office_minutes))
      and not exists (
        select 1 from channel_contacts c
        where c.opted_out_at is not null
          and ((conv.youngster_id is not null and c.youngster_id = conv.youngster_id) or c.id = conv.contact_id))
      ${conversationId ? sql`and conv.id = ${conversationId}` : sql``}
    order by w.waiting_since, conv.id`);
}
