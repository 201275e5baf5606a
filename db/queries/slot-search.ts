import { computeSlots, needsTravelFor, type Slot, type SlotCandidate } from '../../core/slots.js';
import type { DbOrTx } from '../client.js';
import type { VisitType } from '../schema/index.js';
import { blocksOf, busyIn, exceptionsIn, listServingCandidates } from './availability.js';
import { getVisitType } from './visit-types.js';

export type { Slot } from '../../core/slots.js';

const DAY = 24 * 3600_000;
/** How far ahead a youngster is offered moments by default: four weeks. */
export const DEFAULT_HORIZON_DAYS = 28;

/**
 * The free moments for a visit of this type in this municipality - what the
 * chat offers and what the booking re-checks. Five statements whatever the
 * team's size (visit type, candidates, then blocks, exceptions and busy ranges
 * of all candidates at once); the rules are core/slots.ts.
 *
 * A disabled type gives []. An absent casemanager (absentUntil after now) is
 * off until the absence ends and bookable after it, like any 'off' exception.
 */
export async function findSlots(
  db: DbOrTx,
  q: { municipalityId: string; type: VisitType; preferredStaffId: string | null; now: Date; after?: Date; limit: number; horizonDays?: number },
): Promise<Slot[]> {
  const config = await getVisitType(db, q.municipalityId, q.type);
  if (!config.enabled) return [];
  const candidates = await listServingCandidates(db, q.municipalityId);
  const staffPerVisit = config.twoStaff ? 2 : 1;
  if (candidates.length < staffPerVisit) return [];
  const until = new Date(q.now.getTime() + (q.horizonDays ?? DEFAULT_HORIZON_DAYS) * DAY);
  // A visit starting just before `until` runs past it, plus its buffer: read a day more.
  const readUntil = new Date(until.getTime() + DAY);
  const ids = candidates.map((c) => c.id);
  const [blocks, exceptions, busy] = await Promise.all([blocksOf(db, ids), exceptionsIn(db, ids, q.now, readUntil), busyIn(db, ids, q.now, readUntil)]);

  const byId = new Map<string, SlotCandidate>();
  for (const c of candidates) {
    const off = c.absentUntil && c.absentUntil.getTime() > q.now.getTime() ? [{ kind: 'off' as const, startsAt: q.now, endsAt: c.absentUntil }] : [];
    byId.set(c.id, { id: c.id, blocks: [], exceptions: off, busy: [], bufferMinutes: c.bufferMinutes, minNoticeHours: c.minNoticeHours });
  }
  for (const b of blocks) byId.get(b.staffId)?.blocks.push(b);
  for (const e of exceptions) byId.get(e.staffId)?.exceptions.push(e);
  for (const r of busy) byId.get(r.staffId)?.busy.push({ start: r.start, end: r.end });

  return computeSlots({
    staff: [...byId.values()],
    durationMinutes: config.durationMinutes,
    needsTravel: needsTravelFor(q.type),
    staffPerVisit,
    now: q.now,
    until,
    ...(q.after ? { after: q.after } : {}),
    limit: q.limit,
    preferredStaffId: q.preferredStaffId,
  });
}
