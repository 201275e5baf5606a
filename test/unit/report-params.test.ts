import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.js';
import { halfYearStart, parseReportParams, windowOf } from '../../web/domain/monitoring-report.js';

/** The refusal parseReportParams throws, as { status, code, vars }. */
function refusal(q: Record<string, unknown>, today = '2026-05-14') {
  try {
    parseReportParams(q, today);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    const e = err as InputError;
    return { status: e.statusCode, code: e.code, vars: e.vars };
  }
  throw new Error(`accepted ${JSON.stringify(q)}`);
}

describe('halfYearStart', () => {
  it('is 1 January for January-June and 1 July for July-December', () => {
    expect(halfYearStart('2026-01-01')).toBe('2026-01-01');
    expect(halfYearStart('2026-05-14')).toBe('2026-01-01');
    expect(halfYearStart('2026-06-30')).toBe('2026-01-01');
    expect(halfYearStart('2026-07-01')).toBe('2026-07-01');
    expect(halfYearStart('2026-12-31')).toBe('2026-07-01');
    expect(halfYearStart('2028-02-29')).toBe('2028-01-01');
  });
});

describe('parseReportParams', () => {
  it('defaults to the current half year up to today, exact figures', () => {
    expect(parseReportParams({}, '2026-05-14')).toEqual({ from: '2026-01-01', peildatum: '2026-05-14', outside: false });
    expect(parseReportParams({}, '2026-09-03')).toEqual({ from: '2026-07-01', peildatum: '2026-09-03', outside: false });
    expect(parseReportParams({}, '2026-07-01')).toEqual({ from: '2026-07-01', peildatum: '2026-07-01', outside: false });
    // Empty fields (a form submitted as it is) are the defaults too.
    expect(parseReportParams({ from: '', peildatum: '', outside: '' }, '2026-05-14')).toEqual({ from: '2026-01-01', peildatum: '2026-05-14', outside: false });
  });

  it("without `from`, starts at the reference date's half year (not today's)", () => {
    expect(parseReportParams({ peildatum: '2025-11-30' }, '2026-05-14')).toEqual({ from: '2025-07-01', peildatum: '2025-11-30', outside: false });
    expect(parseReportParams({ peildatum: '2026-06-30' }, '2026-09-01')).toMatchObject({ from: '2026-01-01' });
  });

  it('takes an explicit period, one day long at the least', () => {
    expect(parseReportParams({ from: '2026-02-01', peildatum: '2026-04-30' }, '2026-05-14')).toEqual({ from: '2026-02-01', peildatum: '2026-04-30', outside: false });
    expect(parseReportParams({ from: '2026-04-30', peildatum: '2026-04-30' }, '2026-05-14')).toMatchObject({ from: '2026-04-30', peildatum: '2026-04-30' });
  });

  it('reads outside=1 (and the checkbox forms of it) as protected', () => {
    for (const v of ['1', 'true', 'on', true]) expect(parseReportParams({ outside: v }, '2026-05-14').outside, String(v)).toBe(true);
    for (const v of ['0', 'false', 'no', undefined, '']) expect(parseReportParams({ outside: v }, '2026-05-14').outside, String(v)).toBe(false);
  });

  it('refuses a date that is not a date, naming the field', () => {
    expect(refusal({ peildatum: '2026-02-30' })).toEqual({ status: 400, code: 'report_date_invalid', vars: { field: 'peildatum' } });
    expect(refusal({ peildatum: '30-06-2026' })).toMatchObject({ code: 'report_date_invalid', vars: { field: 'peildatum' } });
    expect(refusal({ peildatum: '2026-6-30' })).toMatchObject({ code: 'report_date_invalid', vars: { field: 'peildatum' } });
    expect(refusal({ peildatum: ['2026-06-30'] })).toMatchObject({ code: 'report_date_invalid', vars: { field: 'peildatum' } });
    expect(refusal({ from: 'gisteren', peildatum: '2026-06-30' })).toEqual({ status: 400, code: 'report_date_invalid', vars: { field: 'from' } });
    expect(refusal({ from: '2026-13-01' })).toMatchObject({ code: 'report_date_invalid', vars: { field: 'from' } });
    // Outside the years the app knows.
    expect(refusal({ from: '2019-12-31', peildatum: '2020-06-30' })).toMatchObject({ code: 'report_date_invalid', vars: { field: 'from' } });
  });

  it('refuses a period that starts after its reference date', () => {
    expect(refusal({ from: '2026-07-01', peildatum: '2026-06-30' })).toEqual({ status: 400, code: 'report_period_invalid', vars: { maxYears: 3 } });
    // Today as the default reference date: a start in the future is after it.
    expect(refusal({ from: '2026-05-15' }, '2026-05-14')).toMatchObject({ code: 'report_period_invalid' });
  });

  it('refuses a period of more than three years (3 x 366 days)', () => {
    expect(refusal({ from: '2023-01-01', peildatum: '2026-06-30' })).toMatchObject({ status: 400, code: 'report_period_invalid' });
    // 2023-06-28 .. 2026-06-30 is 1098 days: the longest period; one day more is refused.
    expect(parseReportParams({ from: '2023-06-28', peildatum: '2026-06-30' }, '2026-07-01')).toMatchObject({ from: '2023-06-28' });
    expect(refusal({ from: '2023-06-27', peildatum: '2026-06-30' })).toMatchObject({ code: 'report_period_invalid' });
  });
});

describe('windowOf', () => {
  it('runs from the start of the first day to the start of the day after the reference date, Amsterdam time', () => {
    const w = windowOf({ from: '2026-01-01', peildatum: '2026-06-30', outside: false }, ['m']);
    expect(w.from.toISOString()).toBe('2025-12-31T23:00:00.000Z'); // CET
    expect(w.until.toISOString()).toBe('2026-06-30T22:00:00.000Z'); // CEST
    expect(w.municipalityIds).toEqual(['m']);
    // Across the switch back to winter time (25 October 2026).
    const oct = windowOf({ from: '2026-10-25', peildatum: '2026-10-25', outside: true }, []);
    expect(oct.from.toISOString()).toBe('2026-10-24T22:00:00.000Z');
    expect(oct.until.toISOString()).toBe('2026-10-25T23:00:00.000Z');
  });
});
