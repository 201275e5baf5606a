import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { availabilityBlocks, availabilityExceptions, staffUsers, teamMunicipalities, visits, visitStaff } from '../schema/index.js';

/*
 * When casemanagers can be visited: their weekly blocks, exceptions (off,
 * extra hours), travel buffer and minimum notice - and, for the slot search,
 * the same for a whole serving team in one query per kind (never per staff
 * member), so a search costs the same few statements whatever the team's size.
 */

export interface BlockRow {
  staffId: string;
  weekday: number;
  startsAt: string;
  endsAt: string;
}

export interface ExceptionRow {
  id: string;
  staffId: string;
  kind: 'off' | 'extra';
  startsAt: Date;
  endsAt: Date;
}

export interface BusyRow {
  staffId: string;
  start: Date;
  end: Date;
}

export interface Candidate {
  id: string;
  bufferMinutes: number;
  minNoticeHours: number;
  absentUntil: Date | null;
}

/**
 * Who can go on a visit in this municipality: the active casemanagers of the
 * team that serves it (team_municipalities). Coordinators, admins and privacy
 * officers have no visiting calendar. Absence is returned, not filtered: the
 * search treats it as time off until it ends.
 */
export async function listServingCandidates(db: DbOrTx, municipalityId: string): Promise<Candidate[]> {
  return db
    .select({ id: staffUsers.id, bufferMinutes: staffUsers.visitBufferMinutes, minNoticeHours: staffUsers.minNoticeHours, absentUntil: staffUsers.absentUntil })
    .from(staffUsers)
    .innerJoin(teamMunicipalities, eq(teamMunicipalities.teamId, staffUsers.teamId))
    .where(and(eq(teamMunicipalities.municipalityId, municipalityId), eq(staffUsers.active, true), eq(staffUsers.role, 'casemanager')))
    .orderBy(asc(staffUsers.id));
}

/** The weekly blocks of these staff members. */
export async function blocksOf(db: DbOrTx, staffIds: string[]): Promise<BlockRow[]> {
  if (staffIds.length === 0) return [];
  return db
    .select({ staffId: availabilityBlocks.staffId, weekday: availabilityBlocks.weekday, startsAt: availabilityBlocks.startsAt, endsAt: availabilityBlocks.endsAt })
    .from(availabilityBlocks)
    .where(inArray(availabilityBlocks.staffId, staffIds))
    .orderBy(asc(availabilityBlocks.staffId), asc(availabilityBlocks.weekday), asc(availabilityBlocks.startsAt));
}

/** Exceptions of these staff members that overlap [from, until). */
export async function exceptionsIn(db: DbOrTx, staffIds: string[], from: Date, until: Date): Promise<ExceptionRow[]> {
  if (staffIds.length === 0) return [];
  return db
    .select({ id: availabilityExceptions.id, staffId: availabilityExceptions.staffId, kind: availabilityExceptions.kind, startsAt: availabilityExceptions.startsAt, endsAt: availabilityExceptions.endsAt })
    .from(availabilityExceptions)
    .where(and(inArray(availabilityExceptions.staffId, staffIds), sql`${availabilityExceptions.startsAt} < ${until.toISOString()}::timestamptz`, gt(availabilityExceptions.endsAt, from)));
}

/**
 * The active busy ranges (visit + buffer) of these staff members overlapping
 * [from, until): the `&&` on (staff_id, busy) is what the exclusion
 * constraint's GiST index answers, so a year of bookings is not read.
 */
export async function busyIn(db: DbOrTx, staffIds: string[], from: Date, until: Date): Promise<BusyRow[]> {
  if (staffIds.length === 0) return [];
  return db
    .select({
      staffId: visitStaff.staffId,
      start: sql<Date>`lower(${visitStaff.busy})`.mapWith(visits.startsAt),
      end: sql<Date>`upper(${visitStaff.busy})`.mapWith(visits.startsAt),
    })
    .from(visitStaff)
    .where(
      and(
        inArray(visitStaff.staffId, staffIds),
        eq(visitStaff.active, true),
        sql`${visitStaff.busy} && tstzrange(${from.toISOString()}::timestamptz, ${until.toISOString()}::timestamptz)`,
      ),
    );
}

/** One staff member's own blocks, for their availability page. */
export async function listOwnBlocks(db: DbOrTx, staffId: string): Promise<BlockRow[]> {
  return blocksOf(db, [staffId]);
}

/** Replaces all weekly blocks of one staff member (the form sends the whole week). Call in a transaction. */
export async function replaceBlocks(db: DbOrTx, staffId: string, blocks: { weekday: number; startsAt: string; endsAt: string }[]) {
  await db.delete(availabilityBlocks).where(eq(availabilityBlocks.staffId, staffId));
  if (blocks.length) await db.insert(availabilityBlocks).values(blocks.map((b) => ({ staffId, ...b })));
}

/** Own exceptions that have not ended yet, soonest first. */
export async function listOwnExceptions(db: DbOrTx, staffId: string, now: Date): Promise<ExceptionRow[]> {
  return db
    .select({ id: availabilityExceptions.id, staffId: availabilityExceptions.staffId, kind: availabilityExceptions.kind, startsAt: availabilityExceptions.startsAt, endsAt: availabilityExceptions.endsAt })
    .from(availabilityExceptions)
    .where(and(eq(availabilityExceptions.staffId, staffId), gt(availabilityExceptions.endsAt, now)))
    .orderBy(asc(availabilityExceptions.startsAt));
}

/** How many not-yet-ended exceptions someone has (the page caps them). */
export async function countOwnExceptions(db: DbOrTx, staffId: string, now: Date): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)`.mapWith(Number) })
    .from(availabilityExceptions)
    .where(and(eq(availabilityExceptions.staffId, staffId), gt(availabilityExceptions.endsAt, now)));
  return row?.n ?? 0;
}

export async function addException(db: DbOrTx, staffId: string, e: { kind: 'off' | 'extra'; startsAt: Date; endsAt: Date }) {
  const [row] = await db.insert(availabilityExceptions).values({ staffId, ...e }).returning({ id: availabilityExceptions.id });
  return row!.id;
}

/** Removes an exception only when it is the caller's own; false otherwise (someone else's looks like none). */
export async function removeOwnException(db: DbOrTx, staffId: string, exceptionId: string): Promise<boolean> {
  const rows = await db
    .delete(availabilityExceptions)
    .where(and(eq(availabilityExceptions.id, exceptionId), eq(availabilityExceptions.staffId, staffId)))
    .returning({ id: availabilityExceptions.id });
  return rows.length > 0;
}

export async function getVisitSettings(db: DbOrTx, staffId: string): Promise<{ bufferMinutes: number; minNoticeHours: number }> {
  const [row] = await db
    .select({ bufferMinutes: staffUsers.visitBufferMinutes, minNoticeHours: staffUsers.minNoticeHours })
    .from(staffUsers)
    .where(eq(staffUsers.id, staffId))
    .limit(1);
  return row ?? { bufferMinutes: 15, minNoticeHours: 24 };
}

export async function setVisitSettings(db: DbOrTx, staffId: string, s: { bufferMinutes: number; minNoticeHours: number }) {
  await db.update(staffUsers).set({ visitBufferMinutes: s.bufferMinutes, minNoticeHours: s.minNoticeHours }).where(eq(staffUsers.id, staffId));
}
