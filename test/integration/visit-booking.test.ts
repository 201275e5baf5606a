import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlotTakenError, VisitAlreadyBookedError } from '../../core/errors.js';
import { instantAt } from '../../core/local-time.js';
import type { Slot } from '../../core/slots.js';
import { bookVisit, cancelVisit, moveVisit, recordResult, upcomingVisitOf, visitsInRange } from '../../db/queries/visits.js';
import { contactAttempts, events, staffUsers, visitStaff, visits, youngsters } from '../../db/schema/index.js';
import { createYoungsterWithCard, twoTeams } from '../helpers/fixtures.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

let iso: Isolated;
let org: Awaited<ReturnType<typeof twoTeams>>;
let roermond: string;
const db = () => iso.ctx.database.db;

/** A Tuesday in 2030, far from any DST change: local wall-clock times in Europe/Amsterdam. */
const DAY = { year: 2030, month: 3, day: 5 };
const at = (hh: number, mm = 0) => instantAt(DAY, hh * 60 + mm);
const slot = (from: [number, number], to: [number, number], staffIds: string[]): Slot => ({ startsAt: at(...from), endsAt: at(...to), staffIds });

async function youngster(firstName = 'Sigfrid') {
  return (await createYoungsterWithCard(db(), roermond, org.michelle.id, { firstName, lastName: 'Houben' })).youngster;
}

function book(youngsterId: string, s: Slot, type: 'home' | 'office' | 'walk' | 'phone' | 'video' = 'home') {
  return db().transaction((tx) =>
    bookVisit(tx, { youngsterId, municipalityId: roermond, type, slot: s, place: null, bookedVia: 'chat', createdBy: null, now: at(0) }),
  );
}

/** Settles every promise and splits them into successes and SlotTakenErrors (anything else fails the test). */
async function race(calls: Promise<unknown>[]) {
  const settled = await Promise.allSettled(calls);
  const won = settled.filter((s) => s.status === 'fulfilled').length;
  const taken = settled.filter((s) => s.status === 'rejected' && s.reason instanceof SlotTakenError).length;
  const other = settled.filter((s) => s.status === 'rejected' && !(s.reason instanceof SlotTakenError)).map((s) => String((s as PromiseRejectedResult).reason));
  return { won, taken, other };
}

beforeAll(async () => {
  iso = await isolated();
  org = await twoTeams(db());
  roermond = org.oost.municipalities.Roermond!;
});
afterAll(async () => {
  await iso?.destroy();
});

describe('no double booking, enforced by PostgreSQL', () => {
  it('20 parallel bookings of one slot and staff member: exactly one succeeds, 19 get SlotTakenError', async () => {
    const people = await Promise.all(Array.from({ length: 20 }, (_, i) => youngster(`Race${i}`)));
    const s = slot([9, 0], [10, 0], [org.michelle.id]);
    const result = await race(people.map((p) => book(p.id, s)));
    expect(result).toEqual({ won: 1, taken: 19, other: [] });
    const rows = await db().select().from(visitStaff).where(eq(visitStaff.staffId, org.michelle.id));
    expect(rows).toHaveLength(1);
    // The losers left nothing behind: one visit row in all.
    expect(await db().select().from(visits)).toHaveLength(1);
  });

  it('a two-person visit (A+B) racing a one-person visit of A at an overlapping time: exactly one wins', async () => {
    for (let round = 0; round < 5; round++) {
      const [p, q] = [await youngster(`Pair${round}`), await youngster(`Solo${round}`)];
      const h = 13 + round;
      const result = await race([book(p.id, slot([h, 0], [h, 45], [org.yusuf.id, org.karin.id])), book(q.id, slot([h, 30], [h, 50], [org.yusuf.id]), 'office')]);
      expect(result, `round ${round}`).toEqual({ won: 1, taken: 1, other: [] });
    }
    // Whoever won, Yusuf is never busy twice at once.
    const busy = await iso.ctx.database.sql`select count(*)::int as n from visit_staff a join visit_staff b
      on a.staff_id = b.staff_id and a.visit_id < b.visit_id and a.busy && b.busy where a.active and b.active`;
    expect(busy[0]!.n).toBe(0);
  });

  it("the travel buffer: a home visit ending 11:00 (15 min buffer) blocks the same staff member's home visit at 11:00, not at 11:15", async () => {
    await db().update(staffUsers).set({ visitBufferMinutes: 15 }).where(eq(staffUsers.id, org.karin.id));
    const [a, b, c] = [await youngster('Buf1'), await youngster('Buf2'), await youngster('Buf3')];
    await book(a.id, slot([10, 0], [11, 0], [org.karin.id]));
    await expect(book(b.id, slot([11, 0], [12, 0], [org.karin.id]))).rejects.toBeInstanceOf(SlotTakenError);
    await expect(book(c.id, slot([11, 15], [12, 0], [org.karin.id]))).resolves.toMatchObject({ reference: expect.stringMatching(/^V-[2-9A-Z]{6}$/) });
    // Without travel (phone) the buffer does not apply after it.
    const [d, e] = [await youngster('Buf4'), await youngster('Buf5')];
    await book(d.id, slot([7, 0], [7, 30], [org.karin.id]), 'phone');
    await expect(book(e.id, slot([7, 30], [8, 0], [org.karin.id]), 'phone')).resolves.toBeTruthy();
  });
});

describe('one upcoming visit per youngster, move, cancel', () => {
  it('refuses a second booking while one is booked', async () => {
    const y = await youngster('Twice');
    await book(y.id, slot([19, 0], [19, 30], [org.michelle.id]), 'video');
    await expect(book(y.id, slot([20, 0], [20, 30], [org.yusuf.id]), 'video')).rejects.toBeInstanceOf(VisitAlreadyBookedError);
    expect(await db().select().from(visits).where(eq(visits.youngsterId, y.id))).toHaveLength(1);
  });

  it('moving frees the old time and refuses an overlap (keeping the old time); cancelling frees the time', async () => {
    const [y, other, later] = [await youngster('Mover'), await youngster('Other'), await youngster('Later')];
    const { visitId } = await book(y.id, slot([21, 0], [21, 30], [org.michelle.id]), 'office');
    const blocker = await book(other.id, slot([22, 0], [22, 30], [org.michelle.id]), 'office');
    // An overlap is refused, and the visit keeps its time and staff row.
    await expect(db().transaction((tx) => moveVisit(tx, visitId, slot([22, 0], [22, 30], [org.michelle.id])))).rejects.toBeInstanceOf(SlotTakenError);
    const [still] = await db().select().from(visits).where(eq(visits.id, visitId));
    expect(still!.startsAt).toEqual(at(21, 0));
    expect(await db().select().from(visitStaff).where(eq(visitStaff.visitId, visitId))).toHaveLength(1);

    const moved = await db().transaction((tx) => moveVisit(tx, visitId, slot([23, 0], [23, 30], [org.michelle.id])));
    expect(moved).toMatchObject({ visitId, previousStartsAt: at(21, 0) });
    // The old time is free again.
    await expect(book(later.id, slot([21, 0], [21, 30], [org.michelle.id]), 'office')).resolves.toBeTruthy();

    expect(await db().transaction((tx) => cancelVisit(tx, blocker.visitId, org.michelle.id))).toBe(true);
    expect(await db().transaction((tx) => cancelVisit(tx, blocker.visitId, org.michelle.id))).toBe(false);
    const [cancelled] = await db().select().from(visits).where(eq(visits.id, blocker.visitId));
    expect(cancelled!.status).toBe('cancelled');
    // The cancelled visit's time can be booked; the youngster may book again.
    await expect(book(other.id, slot([22, 0], [22, 30], [org.michelle.id]), 'office')).resolves.toBeTruthy();
    const types = (await db().select({ type: events.type, data: events.data }).from(events)).filter((e) => e.type === 'visit.moved' || e.type === 'visit.cancelled');
    expect(types).toEqual([
      { type: 'visit.moved', data: { type: 'office', day: '2030-03-05' } },
      { type: 'visit.cancelled', data: { type: 'office', day: '2030-03-05' } },
    ]);
  });

  it('upcomingVisitOf and visitsInRange see the booked visit with its staff, inside the scope only', async () => {
    const y = await youngster('Soon');
    const { visitId } = await db().transaction((tx) =>
      bookVisit(tx, { youngsterId: y.id, municipalityId: roermond, type: 'walk', slot: { startsAt: new Date(Date.now() + 86_400_000), endsAt: new Date(Date.now() + 90_000_000), staffIds: [org.michelle.id, org.yusuf.id] }, place: 'het park', bookedVia: 'staff', createdBy: org.michelle.id }),
    );
    const up = await upcomingVisitOf(db(), y.id);
    expect(up?.id).toBe(visitId);
    expect(up?.staff.map((s) => s.firstName)).toEqual(['Michelle', 'Yusuf']);
    const range = { from: new Date(Date.now()), until: new Date(Date.now() + 2 * 86_400_000) };
    expect((await visitsInRange(db(), { municipalityIds: [roermond], staffIds: [org.yusuf.id], ...range })).map((v) => v.id)).toEqual([visitId]);
    expect(await visitsInRange(db(), { municipalityIds: [roermond], staffIds: [org.karin.id], ...range })).toEqual([]);
    expect(await visitsInRange(db(), { municipalityIds: [org.west.municipalities.Weert!], ...range })).toEqual([]);
  });
});

describe('the result of a visit', () => {
  it('held and not home become a contact attempt with the minutes and an event; no-show only an event; once only', async () => {
    const cases = [
      { type: 'home', result: 'held', kind: 'home_visit_spoke', hour: 8 },
      { type: 'home', result: 'not_home', kind: 'home_visit_not_home', hour: 9 },
      { type: 'office', result: 'held', kind: 'office_visit', hour: 10 },
      { type: 'walk', result: 'held', kind: 'walk', hour: 11 },
      { type: 'video', result: 'held', kind: 'video_call', hour: 12 },
      { type: 'phone', result: 'no_show', kind: null, hour: 13 },
    ] as const;
    const day2 = { year: 2030, month: 4, day: 2 };
    for (const c of cases) {
      const y = await youngster(`Result${c.hour}`);
      const s = { startsAt: instantAt(day2, c.hour * 60), endsAt: instantAt(day2, c.hour * 60 + 30), staffIds: [org.yusuf.id] };
      const { visitId } = await book(y.id, s, c.type);
      const out = await db().transaction((tx) => recordResult(tx, visitId, c.result, org.yusuf.id, 35));
      const attempts = await db().select().from(contactAttempts).where(eq(contactAttempts.youngsterId, y.id));
      if (c.kind) {
        expect(out?.attemptId, c.type).toBeTruthy();
        expect(attempts.map((a) => [a.kind, a.minutes, a.occurredOn, a.staffId]), c.type).toEqual([[c.kind, 35, '2030-04-02', org.yusuf.id]]);
      } else {
        expect(out).toEqual({ attemptId: null });
        expect(attempts).toEqual([]);
      }
      const [v] = await db().select().from(visits).where(eq(visits.id, visitId));
      expect(v).toMatchObject({ status: c.result, resultRecordedBy: org.yusuf.id });
      const [y2] = await db().select({ key: youngsters.monitoringKey }).from(youngsters).where(eq(youngsters.id, y.id));
      const evs = await db().select().from(events).where(and(eq(events.subject, y2!.key), eq(events.type, `visit.${c.result}`)));
      expect(evs.map((e) => e.data)).toEqual([{ type: c.type, day: '2030-04-02' }]);
      // A second result for the same visit changes nothing.
      expect(await db().transaction((tx) => recordResult(tx, visitId, 'held', org.yusuf.id, 10))).toBeNull();
      expect(await db().select().from(contactAttempts).where(eq(contactAttempts.youngsterId, y.id))).toHaveLength(attempts.length);
    }
  });
});

describe('erasure', () => {
  it('deleting the youngster removes their visits and visit_staff rows (cascade), and frees the time', async () => {
    const y = await youngster('Erased');
    const s = slot([6, 0], [6, 30], [org.michelle.id, org.yusuf.id]);
    const { visitId } = await book(y.id, s);
    expect(await db().select().from(visitStaff).where(eq(visitStaff.visitId, visitId))).toHaveLength(2);
    await db().delete(youngsters).where(eq(youngsters.id, y.id));
    expect(await db().select().from(visits).where(eq(visits.id, visitId))).toEqual([]);
    expect(await db().select().from(visitStaff).where(eq(visitStaff.visitId, visitId))).toEqual([]);
    const next = await youngster('Next');
    await expect(book(next.id, s)).resolves.toBeTruthy();
  });
});
