import type { DbOrTx } from '../../db/client.js';
import { openVisitsOf } from '../../db/queries/visits.js';

/**
 * The youngster panel's visit section: the booked visits still without a result (a past one
 * waits for "how did it go?"; before a visit starts only "cancel" makes sense) or, without
 * any, the way to book one. Its own file so the panel does not import the booking service.
 */
export async function loadVisitPanel(db: DbOrTx, youngsterId: string, now: Date = new Date()) {
  const open = await openVisitsOf(db, youngsterId);
  return { open: open.map((v) => ({ ...v, started: v.startsAt.getTime() <= now.getTime() })) };
}
export type VisitPanel = Awaited<ReturnType<typeof loadVisitPanel>>;
