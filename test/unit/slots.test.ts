import { describe, expect, it } from 'vitest';
import { busyRangeOf, computeSlots, type SlotCandidate, type SlotInput } from '../../core/slots.js';

// Labels are asked of Intl directly (not of core/local-time.ts), so the engine is checked against the platform.
const label = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const local = (d: Date) => label.format(d); // "2026-03-30 09:00"
const at = (iso: string) => new Date(iso);
const HOUR = 3_600_000;

function coach(id: string, over: Partial<SlotCandidate> = {}): SlotCandidate {
  return { id, blocks: [{ weekday: 1, startsAt: '09:00', endsAt: '12:00' }], exceptions: [], busy: [], bufferMinutes: 15, minNoticeHours: 0, ...over };
}

function slots(over: Partial<SlotInput> & Pick<SlotInput, 'staff'>) {
  return computeSlots({
    durationMinutes: 60,
    needsTravel: true,
    staffPerVisit: 1,
    now: at('2026-11-01T12:00:00Z'), // a Sunday
    until: at('2026-11-03T00:00:00Z'),
    limit: 50,
    preferredStaffId: null,
    ...over,
  });
}
const labels = (list: { startsAt: Date }[]) => list.map((s) => local(s.startsAt));

describe('recurring blocks', () => {
  it('offers every grid start whose visit fits inside the block, in local time', () => {
    const got = slots({ staff: [coach('a')] });
    expect(labels(got)).toEqual(['2026-11-02 09:00', '2026-11-02 09:30', '2026-11-02 10:00', '2026-11-02 10:30', '2026-11-02 11:00']);
    expect(got.every((s) => s.endsAt.getTime() - s.startsAt.getTime() === HOUR && s.staffIds.join() === 'a')).toBe(true);
  });

  it('repeats weekly and only on the block weekday', () => {
    const got = slots({ staff: [coach('a', { blocks: [{ weekday: 3, startsAt: '14:00', endsAt: '15:00' }] })], until: at('2026-11-30T00:00:00Z') });
    expect(labels(got)).toEqual(['2026-11-04 14:00', '2026-11-11 14:00', '2026-11-18 14:00', '2026-11-25 14:00']);
  });

  it('uses the step grid of local time', () => {
    const got = slots({ staff: [coach('a', { blocks: [{ weekday: 1, startsAt: '09:15', endsAt: '11:00' }] })], durationMinutes: 30 });
    expect(labels(got)).toEqual(['2026-11-02 09:30', '2026-11-02 10:00', '2026-11-02 10:30']);
    const hourly = slots({ staff: [coach('a')], stepMinutes: 60 });
    expect(labels(hourly)).toEqual(['2026-11-02 09:00', '2026-11-02 10:00', '2026-11-02 11:00']);
  });
});

describe('exceptions', () => {
  it("an 'off' exception removes the slots it touches, including the buffer after the visit", () => {
    const off = { kind: 'off' as const, startsAt: at('2026-11-02T10:00:00Z'), endsAt: at('2026-11-02T10:30:00Z') }; // 11:00-11:30 local
    const got = slots({ staff: [coach('a', { exceptions: [off] })] });
    // 09:30 + 60 min + 15 min buffer = 10:45 < 11:00 is fine; 10:00 would run into it.
    expect(labels(got)).toEqual(['2026-11-02 09:00', '2026-11-02 09:30']);
  });

  it("an 'extra' exception adds one-off hours outside the weekly blocks", () => {
    const extra = { kind: 'extra' as const, startsAt: at('2026-11-02T15:00:00Z'), endsAt: at('2026-11-02T17:00:00Z') }; // 16:00-18:00
    const got = slots({ staff: [coach('a', { blocks: [], exceptions: [extra] })] });
    expect(labels(got)).toEqual(['2026-11-02 16:00', '2026-11-02 16:30', '2026-11-02 17:00']);
  });
});

describe('buffers between visits', () => {
  const booked = { start: at('2026-11-02T09:00:00Z'), end: at('2026-11-02T10:15:00Z') }; // 10:00-11:00 visit + 15 min buffer

  it('a busy range (visit + its buffer) and the new visit\'s own buffer keep visits apart', () => {
    const got = slots({ staff: [coach('a', { busy: [booked], blocks: [{ weekday: 1, startsAt: '08:00', endsAt: '13:00' }] })] });
    // 08:30 + 60 + 15 = 09:45 <= 10:00; 09:00 would end its buffer at 10:15. After: from 11:15 only 11:30 and 12:00 on the grid.
    expect(labels(got)).toEqual(['2026-11-02 08:00', '2026-11-02 08:30', '2026-11-02 11:30', '2026-11-02 12:00']);
  });

  it('office, phone and video visits need no travel buffer of their own', () => {
    const got = slots({ staff: [coach('a', { busy: [booked], blocks: [{ weekday: 1, startsAt: '08:00', endsAt: '10:00' }] })], needsTravel: false });
    expect(labels(got)).toEqual(['2026-11-02 08:00', '2026-11-02 08:30', '2026-11-02 09:00']);
  });

  it('busyRangeOf is the visit plus the buffer, only for travel', () => {
    const slot = { startsAt: at('2026-11-02T08:00:00Z'), endsAt: at('2026-11-02T09:00:00Z') };
    expect(busyRangeOf(slot, 20, true)).toEqual({ start: slot.startsAt, end: at('2026-11-02T09:20:00Z') });
    expect(busyRangeOf(slot, 20, false)).toEqual({ start: slot.startsAt, end: slot.endsAt });
  });
});

describe('minimum notice', () => {
  it('no slot starts within the notice hours after now', () => {
    // now = Monday 08:30 local; 2 hours notice -> 10:30 is the first.
    const got = slots({ staff: [coach('a', { minNoticeHours: 2 })], now: at('2026-11-02T07:30:00Z') });
    expect(labels(got)).toEqual(['2026-11-02 10:30', '2026-11-02 11:00']);
  });
});

describe('the two-person rule', () => {
  it('gives a pair only where both are free for the whole visit and buffer, never the busy one', () => {
    const busyB = { start: at('2026-11-02T08:00:00Z'), end: at('2026-11-02T09:15:00Z') }; // b busy 09:00-10:15 local
    const got = slots({ staff: [coach('a'), coach('b', { busy: [busyB] }), coach('c', { blocks: [] })], staffPerVisit: 2 });
    for (const s of got) expect(s.staffIds).toHaveLength(2);
    expect(got.map((s) => `${local(s.startsAt)} ${[...s.staffIds].sort().join('+')}`)).toEqual([
      '2026-11-02 10:30 a+b',
      '2026-11-02 11:00 a+b',
    ]);
  });

  it('gives nothing when only one is free', () => {
    expect(slots({ staff: [coach('a'), coach('b', { blocks: [] })], staffPerVisit: 2 })).toEqual([]);
    expect(slots({ staff: [coach('a')], staffPerVisit: 2 })).toEqual([]);
  });

  it('takes a free colleague instead of a busy one', () => {
    const busyB = { start: at('2026-11-02T08:00:00Z'), end: at('2026-11-02T11:00:00Z') };
    const got = slots({ staff: [coach('a'), coach('b', { busy: [busyB] }), coach('c')], staffPerVisit: 2 });
    expect(got.length).toBe(5);
    for (const s of got) expect([...s.staffIds].sort()).toEqual(['a', 'c']);
  });
});

describe('preferred staff', () => {
  it("only the youngster's own casemanager's slots when they have any in the window", () => {
    const own = coach('own', { blocks: [{ weekday: 1, startsAt: '11:00', endsAt: '12:00' }] });
    const got = slots({ staff: [coach('a'), own], preferredStaffId: 'own' });
    expect(got.map((s) => `${local(s.startsAt)} ${s.staffIds.join()}`)).toEqual(['2026-11-02 11:00 own']);
  });

  it('the team when the own casemanager has nothing in the window', () => {
    const own = coach('own', { blocks: [] });
    const got = slots({ staff: [coach('a'), own], preferredStaffId: 'own' });
    expect(got).toHaveLength(5);
    expect(got.every((s) => s.staffIds.join() === 'a')).toBe(true);
  });

  it('is one of the pair on a two-person visit', () => {
    const got = slots({ staff: [coach('a'), coach('b'), coach('own')], staffPerVisit: 2, preferredStaffId: 'own' });
    expect(got).toHaveLength(5);
    for (const s of got) expect(s.staffIds[0]).toBe('own');
  });

  it('a shared moment goes to the least booked colleague', () => {
    const elsewhere = { start: at('2026-11-02T14:00:00Z'), end: at('2026-11-02T15:00:00Z') };
    const got = slots({ staff: [coach('a', { busy: [elsewhere] }), coach('b')], limit: 1 });
    expect(got[0]!.staffIds).toEqual(['b']);
  });
});

describe('limit and paging ("een ander moment")', () => {
  it('returns at most limit slots, and after= continues after the last one shown', () => {
    const staff = [coach('a', { blocks: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, startsAt: '09:00', endsAt: '12:00' })) })];
    const window = { staff, until: at('2026-11-10T00:00:00Z') };
    const all = slots(window);
    expect(all).toHaveLength(30); // Mon 2 to Mon 9 November: six weekdays of five
    const first = slots({ ...window, limit: 3 });
    expect(first).toEqual(all.slice(0, 3));
    const next = slots({ ...window, limit: 3, after: first.at(-1)!.startsAt });
    expect(next).toEqual(all.slice(3, 6));
    const last = slots({ ...window, limit: 30, after: all.at(-2)!.startsAt });
    expect(last).toEqual(all.slice(-1));
  });
});

describe('daylight saving time weeks of 2026 and 2027', () => {
  const weeks = [
    { sunday: '2026-03-29', monday: '2026-03-30', spring: true },
    { sunday: '2026-10-25', monday: '2026-10-26', spring: false },
    { sunday: '2027-03-28', monday: '2027-03-29', spring: true },
    { sunday: '2027-10-31', monday: '2027-11-01', spring: false },
  ];

  for (const w of weeks) {
    it(`a Monday block 09:00-12:00 stays 09:00-12:00 local around ${w.sunday}`, () => {
      const got = slots({
        staff: [coach('a')],
        now: new Date(`${w.sunday}T00:00:00Z`),
        from: new Date(new Date(`${w.sunday}T00:00:00Z`).getTime() - 7 * 24 * HOUR),
        until: new Date(new Date(`${w.monday}T00:00:00Z`).getTime() + 8 * 24 * HOUR),
      });
      const byDay = new Map<string, string[]>();
      for (const s of got) {
        const [day, time] = local(s.startsAt).split(' ');
        byDay.set(day!, [...(byDay.get(day!) ?? []), time!]);
        expect(s.endsAt.getTime() - s.startsAt.getTime()).toBe(HOUR);
      }
      expect(byDay.get(w.monday)).toEqual(['09:00', '09:30', '10:00', '10:30', '11:00']);
      // The Monday after (a week later) too; the one before lies before now, so none.
      expect([...byDay.values()].every((times) => times.join() === '09:00,09:30,10:00,10:30,11:00')).toBe(true);
      expect(byDay.size).toBe(2);
    });

    it(`the night of ${w.sunday}: no slot at a local time that does not exist, none twice in a repeated hour`, () => {
      const got = slots({
        staff: [coach('a', { blocks: [{ weekday: 7, startsAt: '01:00', endsAt: '04:00' }] })],
        durationMinutes: 30,
        needsTravel: false,
        now: new Date(new Date(`${w.sunday}T00:00:00Z`).getTime() - 24 * HOUR),
        until: new Date(`${w.monday}T00:00:00Z`),
      });
      const times = got.map((s) => local(s.startsAt));
      expect(new Set(times).size).toBe(times.length);
      expect(new Set(got.map((s) => s.startsAt.getTime())).size).toBe(got.length);
      if (w.spring) {
        // 02:00-03:00 does not exist that night.
        expect(times).toEqual([`${w.sunday} 01:00`, `${w.sunday} 01:30`, `${w.sunday} 03:00`, `${w.sunday} 03:30`]);
      } else {
        expect(times).toEqual(['01:00', '01:30', '02:00', '02:30', '03:00', '03:30'].map((t) => `${w.sunday} ${t}`));
      }
      for (let i = 1; i < got.length; i++) expect(got[i]!.startsAt.getTime()).toBeGreaterThan(got[i - 1]!.startsAt.getTime());
    });
  }
});
