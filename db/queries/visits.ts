import { and, asc, eq, exists, gt, inArray, lt, ne, sql } from 'drizzle-orm';
import { randomInt } from 'node:crypto';
import { SlotTakenError, VisitAlreadyBookedError } from '../../core/errors.js';
import { localParts } from '../../core/local-time.js';
import { SHORT_CODE_ALPHABET } from '../../core/short-codes.js';
import { busyRangeOf, needsTravelFor, type Slot } from '../../core/slots.js';
import type { DbOrTx, Tx } from '../client.js';
import { withSavepoint } from '../savepoint.js';
import { contactAttempts, conversations, municipalities, staffUsers, visitStaff, visits, youngsters, type VisitStatus, type VisitType } from '../schema/index.js';
import { recordEvent } from './events.js';

/**
 * The ONE module that changes a visit (book, move, cancel, record its result).
 * Double booking is refused by PostgreSQL itself: visit_staff's exclusion
 * constraint `visit_staff_no_overlap` (migration 0012) lets no two active busy
 * ranges of one staff member overlap, whatever races. Each write runs in a
 * savepoint of the caller's transaction, so a refusal (SlotTakenError) rolls
 * back only this booking: the caller's transaction stays usable, e.g. to look
 * up new options in the same transaction.
 *
 * One upcoming visit per youngster: booking while a booked visit has not ended
 * yet is refused (VisitAlreadyBookedError) - the caller moves that visit
 * instead. The youngster row is locked first, so two parallel bookings for one
 * youngster cannot both pass the check.
 *
 * Every change records its anonymous event (subject = the monitoring key, data
 * = the visit type and the local day only: never a place, name or time).
 */

export type VisitResult = 'held' | 'not_home' | 'no_show' | 'cancelled';
type AttemptKind = (typeof contactAttempts.$inferInsert)['kind'];

const EXCLUSION_VIOLATION = '23P01';
const UNIQUE_VIOLATION = '23505';

/** The PostgreSQL error code of an error, also when drizzle wraps the driver's error in `cause`. */
function pgCode(err: unknown): { code?: string; constraint?: string } {
  for (let e: unknown = err, i = 0; e && typeof e === 'object' && i < 4; e = (e as { cause?: unknown }).cause, i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return { code, constraint: (e as { constraint_name?: string }).constraint_name };
  }
  return {};
}

/** 'V-7K3M9Q': 6 characters without look-alikes (30^6, about 7e8). Random, so it says nothing about anyone. */
export function newVisitReference(): string {
  let code = '';
  for (let i = 0; i < 6; i++) code += SHORT_CODE_ALPHABET[randomInt(SHORT_CODE_ALPHABET.length)];
  return `V-${code}`;
}

/** The local (Europe/Amsterdam) day of a moment, 'YYYY-MM-DD': what an event may say about when. */
export function localDay(at: Date): string {
  const p = localParts(at);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** The contact attempt a held or not-home visit becomes (monitoring: time invested per youngster). */
export function attemptKindOf(type: VisitType, result: 'held' | 'not_home'): AttemptKind {
  switch (type) {
    case 'home':
      return result === 'held' ? 'home_visit_spoke' : 'home_visit_not_home';
    case 'office':
      return 'office_visit';
    case 'walk':
      return 'walk';
    case 'phone':
      return 'phone';
    case 'video':
      return 'video_call';
  }
}

function range(r: { start: Date; end: Date }) {
  return sql`tstzrange(${r.start.toISOString()}::timestamptz, ${r.end.toISOString()}::timestamptz, '[)')`;
}

/** Inserts one busy row per staff member of the slot (each with their own travel buffer). 23P01 -> SlotTakenError. */
async function insertStaffRows(tx: Tx, visitId: string, slot: Slot, needsTravel: boolean) {
  const buffers = await tx.select({ id: staffUsers.id, buffer: staffUsers.visitBufferMinutes }).from(staffUsers).where(inArray(staffUsers.id, slot.staffIds));
  const bufferOf = new Map(buffers.map((b) => [b.id, b.buffer]));
  try {
    await tx.insert(visitStaff).values(
      slot.staffIds.map((staffId) => ({ visitId, staffId, busy: range(busyRangeOf(slot, bufferOf.get(staffId) ?? 0, needsTravel)) as unknown as string })),
    );
  } catch (err) {
    if (pgCode(err).code === EXCLUSION_VIOLATION) throw new SlotTakenError(slot.startsAt);
    throw err;
  }
}

async function lockYoungster(tx: Tx, youngsterId: string) {
  const [y] = await tx.select({ id: youngsters.id, monitoringKey: youngsters.monitoringKey }).from(youngsters).where(eq(youngsters.id, youngsterId)).for('update');
  if (!y) throw new Error(`youngster ${youngsterId} not found`);
  return y;
}

async function lockVisit(tx: Tx, visitId: string) {
  const [v] = await tx
    .select({ visit: visits, monitoringKey: youngsters.monitoringKey })
    .from(visits)
    .innerJoin(youngsters, eq(youngsters.id, visits.youngsterId))
    .where(eq(visits.id, visitId))
    .for('update', { of: visits });
  return v ?? null;
}

export interface BookVisitInput {
  youngsterId: string;
  municipalityId: string;
  type: VisitType;
  /** From findSlots (db/queries/slot-search.ts): the moment and who goes (one or two staff members). */
  slot: Slot;
  /** Another place the youngster asked for (personal data); null = the address on file / the office. */
  place: string | null;
  bookedVia: 'chat' | 'staff';
  /** The staff member who booked it; null when the youngster did in the chat. */
  createdBy: string | null;
  /** Default: home and walk visits need travel (each staff member's own buffer follows the visit). */
  needsTravel?: boolean;
  /** For the event only (the anonymous log may name a conversation id). */
  conversationId?: string | null;
  /** "Now" for the one-upcoming-visit rule; default the clock. */
  now?: Date;
}

/**
 * Books a visit: the visit row and one visit_staff row per staff member, in a savepoint of `tx`.
 * Throws SlotTakenError when any of them is no longer free (nothing stored), and
 * VisitAlreadyBookedError when the youngster already has a booked visit that has not ended.
 */
export async function bookVisit(tx: Tx, b: BookVisitInput): Promise<{ visitId: string; reference: string }> {
  if (b.slot.staffIds.length === 0) throw new Error('a slot names at least one staff member');
  const y = await lockYoungster(tx, b.youngsterId);
  const now = b.now ?? new Date();
  const [open] = await tx
    .select({ id: visits.id })
    .from(visits)
    .where(and(eq(visits.youngsterId, b.youngsterId), eq(visits.status, 'booked'), gt(visits.endsAt, now)))
    .limit(1);
  if (open) throw new VisitAlreadyBookedError(open.id);
  const needsTravel = b.needsTravel ?? needsTravelFor(b.type);
  // A reference collision (about 1 in 10^8 per booking at a region's size) is simply drawn again.
  for (let attempt = 0; ; attempt++) {
    const reference = newVisitReference();
    try {
      const visitId = await withSavepoint(tx, async () => {
        const sp = tx;
        const [v] = await sp
          .insert(visits)
          .values({
            youngsterId: b.youngsterId,
            municipalityId: b.municipalityId,
            type: b.type,
            startsAt: b.slot.startsAt,
            endsAt: b.slot.endsAt,
            place: b.place,
            bookedVia: b.bookedVia,
            reference,
            createdBy: b.createdBy,
          })
          .returning({ id: visits.id });
        await insertStaffRows(sp, v!.id, b.slot, needsTravel);
        return v!.id;
      });
      await recordEvent(tx, {
        type: 'visit.booked',
        municipalityId: b.municipalityId,
        subject: y.monitoringKey,
        conversationId: b.conversationId ?? null,
        actorStaffId: b.createdBy,
        data: { type: b.type, day: localDay(b.slot.startsAt), via: b.bookedVia },
      });
      return { visitId, reference };
    } catch (err) {
      const pg = pgCode(err);
      if (attempt < 3 && pg.code === UNIQUE_VIOLATION && pg.constraint === 'visits_reference_unique') continue;
      throw err;
    }
  }
}

/**
 * Moves a booked visit to another slot (possibly other staff): its staff rows are replaced in a
 * savepoint, so on SlotTakenError the visit keeps its old time and staff. Null when the visit is
 * not booked (any more): nothing to move. Returns the previous start (the caller reschedules reminders).
 */
export async function moveVisit(tx: Tx, visitId: string, newSlot: Slot, by: string | null = null): Promise<{ visitId: string; reference: string; previousStartsAt: Date } | null> {
  if (newSlot.staffIds.length === 0) throw new Error('a slot names at least one staff member');
  const row = await lockVisit(tx, visitId);
  if (!row || row.visit.status !== 'booked') return null;
  const v = row.visit;
  await withSavepoint(tx, async () => {
    const sp = tx;
    // Delete and insert rather than deactivate: (visit, staff) is the key, and the same person usually goes.
    await sp.delete(visitStaff).where(eq(visitStaff.visitId, visitId));
    await insertStaffRows(sp, visitId, newSlot, needsTravelFor(v.type));
    await sp.update(visits).set({ startsAt: newSlot.startsAt, endsAt: newSlot.endsAt, updatedAt: sql`now()` }).where(eq(visits.id, visitId));
  });
  await recordEvent(tx, {
    type: 'visit.moved',
    municipalityId: v.municipalityId,
    subject: row.monitoringKey,
    actorStaffId: by,
    data: { type: v.type, day: localDay(newSlot.startsAt) },
  });
  return { visitId, reference: v.reference, previousStartsAt: v.startsAt };
}

/** Cancels a booked visit and frees its staff's time. False when it was not booked (already cancelled or done): nothing changed. */
export async function cancelVisit(tx: Tx, visitId: string, by: string | null): Promise<boolean> {
  return (await settle(tx, visitId, 'cancelled', by)) !== null;
}

/** Sets the final status (from 'booked' only), frees the time unless held, records the event. */
async function settle(tx: Tx, visitId: string, status: Exclude<VisitStatus, 'booked'>, by: string | null, resultBy?: string) {
  const row = await lockVisit(tx, visitId);
  if (!row || row.visit.status !== 'booked') return null;
  await tx
    .update(visits)
    .set({ status, updatedAt: sql`now()`, ...(resultBy ? { resultRecordedBy: resultBy } : {}) })
    .where(eq(visits.id, visitId));
  // The schema keeps a staff row active while the visit is booked or held: only a held visit used the time.
  if (status !== 'held') await tx.update(visitStaff).set({ active: false }).where(eq(visitStaff.visitId, visitId));
  await recordEvent(tx, {
    type: `visit.${status}`,
    municipalityId: row.visit.municipalityId,
    subject: row.monitoringKey,
    actorStaffId: by,
    data: { type: row.visit.type, day: localDay(row.visit.startsAt) },
  });
  return row;
}

/**
 * A staff member records how a booked visit went. 'held' and 'not_home' also become a contact
 * attempt (kind from the visit type, on the visit's local day, with the minutes) and its
 * 'contact_attempt.recorded' event, as one recorded on the panel would. Null when the visit is
 * not booked (a result was already recorded, or it was cancelled): nothing changed.
 */
export async function recordResult(
  tx: Tx,
  visitId: string,
  result: VisitResult,
  staffId: string,
  minutes: number,
): Promise<{ attemptId: string | null } | null> {
  const row = await settle(tx, visitId, result, staffId, staffId);
  if (!row) return null;
  if (result !== 'held' && result !== 'not_home') return { attemptId: null };
  const kind = attemptKindOf(row.visit.type, result);
  const occurredOn = localDay(row.visit.startsAt);
  const [a] = await tx
    .insert(contactAttempts)
    .values({ youngsterId: row.visit.youngsterId, staffId, kind, occurredOn, minutes, note: null })
    .returning({ id: contactAttempts.id });
  await recordEvent(tx, {
    type: 'contact_attempt.recorded',
    municipalityId: row.visit.municipalityId,
    subject: row.monitoringKey,
    actorStaffId: staffId,
    data: { kind, minutes, on: occurredOn },
  });
  return { attemptId: a!.id };
}

/** The youngster's next booked visit that has not ended (at most one, see bookVisit), with who goes. */
export async function upcomingVisitOf(db: DbOrTx, youngsterId: string, now: Date = new Date()) {
  const [v] = await db
    .select()
    .from(visits)
    .where(and(eq(visits.youngsterId, youngsterId), eq(visits.status, 'booked'), gt(visits.endsAt, now)))
    .orderBy(asc(visits.startsAt))
    .limit(1);
  if (!v) return null;
  const staff = await db
    .select({ id: staffUsers.id, firstName: staffUsers.firstName })
    .from(visitStaff)
    .innerJoin(staffUsers, eq(staffUsers.id, visitStaff.staffId))
    .where(eq(visitStaff.visitId, v.id))
    .orderBy(asc(staffUsers.firstName));
  return { ...v, staff };
}

/**
 * The youngster a staff member books for from a conversation, inside their scope (null outside
 * it, or without a youngster), with the conversation's owner: the casemanager the youngster knows.
 */
export async function bookingTargetOf(db: DbOrTx, conversationId: string, municipalityIds: string[]) {
  if (municipalityIds.length === 0) return null;
  const [row] = await db
    .select({ youngsterId: youngsters.id, municipalityId: youngsters.municipalityId, assignedTo: conversations.assignedTo })
    .from(conversations)
    .innerJoin(youngsters, eq(youngsters.id, conversations.youngsterId))
    .where(and(eq(conversations.id, conversationId), inArray(conversations.municipalityId, municipalityIds), inArray(youngsters.municipalityId, municipalityIds)))
    .limit(1);
  return row ?? null;
}

/**
 * The youngster's booked visits whose result is not recorded yet - past ones (the coach still
 * has to say how it went) and the upcoming one - oldest first, with who goes. For the panel.
 */
export async function openVisitsOf(db: DbOrTx, youngsterId: string) {
  const list = await db
    .select()
    .from(visits)
    .where(and(eq(visits.youngsterId, youngsterId), eq(visits.status, 'booked')))
    .orderBy(asc(visits.startsAt))
    .limit(10);
  if (list.length === 0) return [];
  const staff = await db
    .select({ visitId: visitStaff.visitId, id: staffUsers.id, firstName: staffUsers.firstName })
    .from(visitStaff)
    .innerJoin(staffUsers, eq(staffUsers.id, visitStaff.staffId))
    .where(inArray(visitStaff.visitId, list.map((v) => v.id)))
    .orderBy(asc(staffUsers.firstName));
  return list.map((v) => ({ ...v, staff: staff.filter((s) => s.visitId === v.id).map(({ id, firstName }) => ({ id, firstName })) }));
}

/** A visit of the youngster (for a route: it must belong to the conversation's youngster). */
export async function visitOfYoungster(db: DbOrTx, visitId: string, youngsterId: string) {
  const [v] = await db.select().from(visits).where(and(eq(visits.id, visitId), eq(visits.youngsterId, youngsterId)));
  return v ?? null;
}

export interface CalendarVisit {
  id: string;
  type: VisitType;
  status: VisitStatus;
  startsAt: Date;
  endsAt: Date;
  reference: string;
  firstName: string;
  conversationId: string | null;
  staff: { id: string; firstName: string }[];
}

/**
 * Visits overlapping [from, until) in the given municipalities (the caller's scope - always
 * required), optionally only those a given staff member goes to. Cancelled visits included (the
 * calendar shows them struck through). Ordered by start.
 */
export async function visitsInRange(db: DbOrTx, q: { municipalityIds: string[]; staffIds?: string[]; from: Date; until: Date }): Promise<CalendarVisit[]> {
  if (q.municipalityIds.length === 0 || (q.staffIds && q.staffIds.length === 0)) return [];
  const staffFilter = q.staffIds
    ? exists(db.select({ one: sql`1` }).from(visitStaff).where(and(eq(visitStaff.visitId, visits.id), inArray(visitStaff.staffId, q.staffIds))))
    : undefined;
  const rows = await db
    .select({
      id: visits.id,
      type: visits.type,
      status: visits.status,
      startsAt: visits.startsAt,
      endsAt: visits.endsAt,
      reference: visits.reference,
      firstName: youngsters.firstName,
      conversationId: conversations.id,
    })
    .from(visits)
    .innerJoin(youngsters, eq(youngsters.id, visits.youngsterId))
    .leftJoin(conversations, eq(conversations.youngsterId, visits.youngsterId))
    .where(and(inArray(visits.municipalityId, q.municipalityIds), lt(visits.startsAt, q.until), gt(visits.endsAt, q.from), staffFilter))
    .orderBy(asc(visits.startsAt), asc(visits.id));
  if (rows.length === 0) return [];
  const staff = await db
    .select({ visitId: visitStaff.visitId, id: staffUsers.id, firstName: staffUsers.firstName })
    .from(visitStaff)
    .innerJoin(staffUsers, eq(staffUsers.id, visitStaff.staffId))
    .where(inArray(visitStaff.visitId, rows.map((r) => r.id)))
    .orderBy(asc(staffUsers.firstName));
  return rows.map((r) => ({ ...r, staff: staff.filter((s) => s.visitId === r.id).map(({ id, firstName }) => ({ id, firstName })) }));
}

/**
 * What one staff member's iCalendar feed shows: their visits (not cancelled) from `from` on,
 * with the youngster's first name only where the municipality allows it (the feed ends up in
 * cloud calendars). Never a surname, address or place - they are not even selected.
 */
export async function feedVisitsOf(db: DbOrTx, staffId: string, from: Date) {
  return db
    .select({
      id: visits.id,
      type: visits.type,
      status: visits.status,
      startsAt: visits.startsAt,
      endsAt: visits.endsAt,
      reference: visits.reference,
      firstName: sql<string | null>`case when ${municipalities.calendarShowsFirstName} then ${youngsters.firstName} end`,
    })
    .from(visits)
    .innerJoin(visitStaff, and(eq(visitStaff.visitId, visits.id), eq(visitStaff.staffId, staffId)))
    .innerJoin(youngsters, eq(youngsters.id, visits.youngsterId))
    .innerJoin(municipalities, eq(municipalities.id, visits.municipalityId))
    .where(and(ne(visits.status, 'cancelled'), gt(visits.endsAt, from)))
    .orderBy(asc(visits.startsAt))
    .limit(2000);
}
