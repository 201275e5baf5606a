import { describe, expect, it } from 'vitest';
import { reminderMoment } from '../../core/queues.js';

describe('when a visit is reminded', () => {
  it('the day before at the same Amsterdam clock time, also across the DST changes of 2026 and 2027', () => {
    // An ordinary week: 24 hours.
    expect(reminderMoment('24h', new Date('2026-12-08T13:00:00Z')).toISOString()).toBe('2026-12-07T13:00:00.000Z');
    // Sunday 29 March 2026, 14:00 CEST (12:00Z): Saturday 14:00 CET (13:00Z), 23 hours before.
    expect(reminderMoment('24h', new Date('2026-03-29T12:00:00Z')).toISOString()).toBe('2026-03-28T13:00:00.000Z');
    // Sunday 25 October 2026, 14:00 CET (13:00Z): Saturday 14:00 CEST (12:00Z), 25 hours before.
    expect(reminderMoment('24h', new Date('2026-10-25T13:00:00Z')).toISOString()).toBe('2026-10-24T12:00:00.000Z');
    // 2027: 28 March and 31 October.
    expect(reminderMoment('24h', new Date('2027-03-28T08:00:00Z')).toISOString()).toBe('2027-03-27T09:00:00.000Z');
    expect(reminderMoment('24h', new Date('2027-10-31T09:00:00Z')).toISOString()).toBe('2027-10-30T08:00:00.000Z');
  });

  it('and two hours before, in real time', () => {
    expect(reminderMoment('2h', new Date('2026-03-29T12:00:00Z')).toISOString()).toBe('2026-03-29T10:00:00.000Z');
  });
});
