import type { LiveBus } from '../core/live-bus.js';
import { officeMinutesBetween } from '../core/office-hours.js';
import type { Database } from '../db/client.js';
import { lockConversation, markEscalated } from '../db/queries/conversations.js';
import { findWaiting, type WaitingConversation } from '../db/queries/escalation.js';
import { recordEvent } from '../db/queries/events.js';

export type EscalationReason = 'waiting' | 'urgent';

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
        await lockConversation(tx, candidate.id);
        // Re-read under the lock: a reply that committed meanwhile ends the waiting period.
        const [fresh] = await findWaiting(tx, now, candidate.id);
        const decision = fresh ? due(fresh, now) : null;
        if (!fresh || !decision) return null;
        if (!(await markEscalated(tx, fresh.id, now))) return null;
        await recordEvent(tx, {
          type: 'conversation.escalated',
          municipalityId: fresh.municipalityId,
          subject: fresh.monitoringKey,
          conversationId: fresh.id,
          data: { reason: decision.reason, officeMinutes: Math.floor(decision.officeMinutes) },
        });
        return fresh;
      });
      if (!done) continue;
      escalated.push(done.id);
      // The alert is stored; a lost signal only delays the screen until its next reload.
      await deps.liveBus
        .publishInbox({ kind: 'conversation', conversationId: done.id, municipalityId: done.municipalityId })
        .catch((err: unknown) => failures.push(err));
    }
    // Reported after the whole pass, so one Redis hiccup does not stop the other escalations.
    if (failures.length > 0) {
      throw new AggregateError(failures, `escalated ${escalated.length}; ${failures.length} live signal(s) failed`);
    }
    return { escalated };
  };
}

function due(w: WaitingConversation, now: Date): { reason: EscalationReason; officeMinutes: number } | null {
  const officeMinutes = officeMinutesBetween(w.officeHours, w.waitingSince, now);
  if (w.urgent) return { reason: 'urgent', officeMinutes };
  return officeMinutes > w.escalationOfficeMinutes ? { reason: 'waiting', officeMinutes } : null;
}
