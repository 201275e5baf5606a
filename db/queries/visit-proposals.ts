import type { VisitType } from '../../core/visit-choices.js';
import type { DbOrTx } from '../client.js';
import { youngsters } from '../schema/index.js';
import { eq } from 'drizzle-orm';
import { recordEvent } from './events.js';
import { localDay } from './visits.js';

/**
 * A coach proposed a moment in the chat (the youngster's "Ja, graag" books it through the
 * chat's own booking, db/queries/visits.ts). Anonymous, like the other visit events: the
 * type, the day and whether it would move a booked visit - it feeds the response funnel.
 */
export async function recordVisitProposal(
  db: DbOrTx,
  p: { youngsterId: string; municipalityId: string; conversationId: string; staffId: string; type: VisitType; startsAt: Date; move: boolean },
): Promise<void> {
  const [y] = await db.select({ monitoringKey: youngsters.monitoringKey }).from(youngsters).where(eq(youngsters.id, p.youngsterId));
  await recordEvent(db, {
    type: 'visit.proposed',
    municipalityId: p.municipalityId,
    subject: y?.monitoringKey ?? null,
    conversationId: p.conversationId,
    actorStaffId: p.staffId,
    data: { type: p.type, day: localDay(p.startsAt), move: p.move },
  });
}
