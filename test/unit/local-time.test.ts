import { describe, expect, it } from 'vitest';
import { localParts } from '../../core/local-time.js';

// What Intl says, asked afresh for every instant: localParts keeps the zone offset per UTC hour.
const reference = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Amsterdam',
  weekday: 'short',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

function intl(at: Date) {
  const p = Object.fromEntries(reference.formatToParts(at).map((x) => [x.type, x.value]));
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    weekday: WEEKDAYS[p.weekday!],
    minutes: Number(p.hour) * 60 + Number(p.minute),
    second: Number(p.second),
  };
}

describe('localParts (Amsterdam wall clock)', () => {
  it('agrees with Intl every 7 minutes 13 seconds around both clock changes of 2026 and 2027', () => {
    const windows = ['2026-03-28T00:00:00Z', '2026-10-24T00:00:00Z', '2027-03-27T00:00:00Z', '2027-10-30T00:00:00Z'];
    let checked = 0;
    for (const start of windows) {
      const from = Date.parse(start);
      for (let t = from; t < from + 3 * 86_400_000; t += 433_000) {
        expect(localParts(new Date(t)), new Date(t).toISOString()).toEqual(intl(new Date(t)));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(2000);
  });

  it('reads the hour before and after the spring and autumn changes right (01:00 UTC)', () => {
    expect(localParts(new Date('2026-03-29T00:59:59Z'))).toMatchObject({ day: 29, minutes: 1 * 60 + 59, second: 59 });
    expect(localParts(new Date('2026-03-29T01:00:00Z'))).toMatchObject({ day: 29, minutes: 3 * 60 });
    expect(localParts(new Date('2026-10-25T00:59:59Z'))).toMatchObject({ day: 25, minutes: 2 * 60 + 59 });
    expect(localParts(new Date('2026-10-25T01:00:00Z'))).toMatchObject({ day: 25, minutes: 2 * 60 });
  });

  it('agrees with Intl on instants spread over seventy years (1965-2035)', () => {
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 3000; i++) {
      const at = new Date(Date.parse('1965-01-01T00:00:00Z') + Math.floor(next() * 70 * 365 * 86_400_000));
      expect(localParts(at), at.toISOString()).toEqual(intl(at));
    }
  });
});
