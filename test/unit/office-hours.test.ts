import { describe, expect, it } from 'vitest';
import { formatDay, formatLocalInput, instantAt, parseLocalDateTime } from '../../core/local-time.js';
import { isOpen, officeMinutesBetween, type OfficeHours } from '../../core/office-hours.js';

const WEEKDAYS: OfficeHours = {
  '1': [['09:00', '17:00']],
  '2': [['09:00', '12:00'], ['13:00', '17:00']],
  '3': [['09:00', '17:00']],
  '4': [['09:00', '17:00']],
  '5': [['09:00', '17:00']],
};
/** Winter: Amsterdam is UTC+1. 2026-11-23 is a Monday. */
const at = (iso: string) => new Date(iso);

describe('officeMinutesBetween', () => {
  it('counts the part of an interval inside one working day', () => {
    expect(officeMinutesBetween(WEEKDAYS, at('2026-11-23T09:00:00Z'), at('2026-11-23T10:30:00Z'))).toBe(90); // 10:00-11:30
    expect(officeMinutesBetween(WEEKDAYS, at('2026-11-23T07:00:00Z'), at('2026-11-23T09:00:00Z'))).toBe(60); // 08:00-10:00
  });

  it('counts nothing in the evening and only the office part of a day that runs into it', () => {
    expect(officeMinutesBetween(WEEKDAYS, at('2026-11-23T17:00:00Z'), at('2026-11-23T22:00:00Z'))).toBe(0); // 18:00-23:00
    expect(officeMinutesBetween(WEEKDAYS, at('2026-11-23T15:30:00Z'), at('2026-11-24T08:15:00Z'))).toBe(30 + 15); // 16:30 -> Tue 09:15
  });

  it('skips the lunch break between two slots', () => {
    expect(officeMinutesBetween(WEEKDAYS, at('2026-11-24T10:00:00Z'), at('2026-11-24T13:00:00Z'))).toBe(60 + 60); // Tue 11:00-14:00
  });

  it('does not count the weekend', () => {
    // Friday 16:30 to Monday 09:20 local.
    expect(officeMinutesBetween(WEEKDAYS, at('2026-11-27T15:30:00Z'), at('2026-11-30T08:20:00Z'))).toBe(30 + 20);
    expect(officeMinutesBetween(WEEKDAYS, at('2026-11-28T08:00:00Z'), at('2026-11-29T20:00:00Z'))).toBe(0);
  });

  it('adds up whole weeks, and is zero for an empty or reversed interval or a team without hours', () => {
    const week = 8 * 60 * 4 + 7 * 60;
    expect(officeMinutesBetween(WEEKDAYS, at('2026-11-23T00:00:00Z'), at('2026-12-07T00:00:00Z'))).toBe(2 * week);
    expect(officeMinutesBetween(WEEKDAYS, at('2026-11-23T10:00:00Z'), at('2026-11-23T10:00:00Z'))).toBe(0);
    expect(officeMinutesBetween(WEEKDAYS, at('2026-11-23T12:00:00Z'), at('2026-11-23T10:00:00Z'))).toBe(0);
    expect(officeMinutesBetween({}, at('2026-11-23T00:00:00Z'), at('2026-12-07T00:00:00Z'))).toBe(0);
  });

  it('uses summer time for office hours in summer', () => {
    // 2026-06-15 is a Monday; 09:00 CEST is 07:00Z.
    expect(officeMinutesBetween(WEEKDAYS, at('2026-06-15T06:00:00Z'), at('2026-06-15T08:00:00Z'))).toBe(60);
  });

  describe('on the days the clocks change (both Sundays)', () => {
    const sundays: OfficeHours = { '7': [['00:00', '12:00']], '1': [['09:00', '17:00']] };
    const sundayDay: OfficeHours = { '7': [['09:00', '17:00']] };

    it('2026-03-29: the night is an hour short, the day slot starts at 09:00 summer time', () => {
      // Local midnight is 23:00Z the day before; noon is 10:00Z (CEST). Eleven real hours.
      expect(officeMinutesBetween(sundays, at('2026-03-28T12:00:00Z'), at('2026-03-29T18:00:00Z'))).toBe(11 * 60);
      // 09:00 CEST = 07:00Z: the first office hour of that Sunday is 07:00Z-08:00Z, not 08:00Z-09:00Z.
      expect(officeMinutesBetween(sundayDay, at('2026-03-29T07:00:00Z'), at('2026-03-29T08:00:00Z'))).toBe(60);
      expect(officeMinutesBetween(sundayDay, at('2026-03-29T06:00:00Z'), at('2026-03-29T07:00:00Z'))).toBe(0);
      expect(officeMinutesBetween(sundayDay, at('2026-03-28T00:00:00Z'), at('2026-03-30T00:00:00Z'))).toBe(480);
    });

    it('2026-10-25: the night is an hour long, the day slot starts at 09:00 winter time', () => {
      // Local midnight is 22:00Z the day before (CEST); noon is 11:00Z (CET). Thirteen real hours.
      expect(officeMinutesBetween(sundays, at('2026-10-24T12:00:00Z'), at('2026-10-25T18:00:00Z'))).toBe(13 * 60);
      expect(officeMinutesBetween(sundayDay, at('2026-10-25T08:00:00Z'), at('2026-10-25T09:00:00Z'))).toBe(60);
      expect(officeMinutesBetween(sundayDay, at('2026-10-25T07:00:00Z'), at('2026-10-25T08:00:00Z'))).toBe(0);
    });

    it('agrees with isOpen minute by minute across both change days', () => {
      for (const [from, to] of [
        ['2026-03-28T20:00:00Z', '2026-03-30T04:00:00Z'],
        ['2026-10-24T20:00:00Z', '2026-10-26T04:00:00Z'],
      ] as const) {
        let open = 0;
        for (let t = at(from).getTime(); t < at(to).getTime(); t += 60_000) if (isOpen(sundays, new Date(t))) open++;
        expect(officeMinutesBetween(sundays, at(from), at(to))).toBe(open);
      }
    });
  });
});

describe('Amsterdam wall-clock helpers', () => {
  it('reads a form date and time as Amsterdam time, in winter and in summer', () => {
    expect(parseLocalDateTime('2026-11-27', '17:00')?.toISOString()).toBe('2026-11-27T16:00:00.000Z');
    expect(parseLocalDateTime('2026-07-03', '09:30')?.toISOString()).toBe('2026-07-03T07:30:00.000Z');
    expect(instantAt({ year: 2026, month: 3, day: 29 }, 24 * 60).toISOString()).toBe('2026-03-29T22:00:00.000Z');
  });

  it('refuses what is not a real date or time', () => {
    for (const [d, t] of [
      ['2026-02-31', '10:00'],
      ['2026-13-01', '10:00'],
      ['27-11-2026', '10:00'],
      ['2026-11-27', '24:00'],
      ['2026-11-27', '9:00'],
      ['', ''],
      [['2026-11-27'], '10:00'],
      [null, undefined],
    ] as const) {
      expect(parseLocalDateTime(d, t), `${String(d)} ${String(t)}`).toBeNull();
    }
  });

  it('formats a day in Dutch and English, on the Amsterdam calendar', () => {
    expect(formatDay('nl', at('2026-11-27T16:00:00Z'))).toBe('vrijdag 27 november');
    expect(formatDay('en', at('2026-11-27T16:00:00Z'))).toBe('Friday 27 November');
    // 23:30Z on Friday is already Saturday in Amsterdam.
    expect(formatDay('nl', at('2026-11-27T23:30:00Z'))).toBe('zaterdag 28 november');
    expect(formatLocalInput(at('2026-07-03T07:30:00Z'))).toEqual({ date: '2026-07-03', time: '09:30' });
  });
});
