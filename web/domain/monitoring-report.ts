import { InputError } from '../../core/errors.js';
import { instantAt, nextDay, type LocalDate } from '../../core/local-time.js';
import type { Database } from '../../db/client.js';
import { monitoringFigures, reportMunicipalities, type FunnelRow, type ReportWindow } from '../../db/queries/monitoring-report.js';
import type { StaffPrincipal } from '../../db/queries/staff.js';
import { DECLINE_REASONS, OUTCOME_CATEGORIES, SUPPORT_QUESTIONS } from '../../db/schema/index.js';
import { reportText, type ReportLanguage, type ReportTextKey } from '../../templates/staff/monitoring.js';
import { buildAll, type Section, type TableSpec } from './report-sections.js';
import { amsterdamToday } from './youngster-panel.js';
import { parseLocalDate } from './visits-staff.js';

/**
 * The monitoring report (domain.md's indicators 1, 2 and 4, and the response funnel) for a
 * period ending on a reference date (peildatum), per municipality with the total: built from the
 * anonymous events only (db/queries/monitoring-report.ts), so the same reference date always gives
 * the same figures, also after erasures. Coordinators see their team's municipalities with exact
 * counts on their own screen; a regional account sees every municipality of its region, and its
 * page, JSON and downloads - like any download a coordinator marks "for outside the team" - show
 * counts of 1-4 as "<5", with secondary suppression (core/small-cells.ts). The page, JSON, CSV and
 * XLSX are all this one model.
 */

export const REPORT_ROLES = ['coordinator', 'regional'] as const;
/** The positive outflow destinations (domain.md). */
export const POSITIVE_OUTFLOW = ['opleiding', 'werk', 'werken_en_opleiding', 'zorgtraject', 'eigen_onderneming', 'dagbesteding'] as const;
const MAX_PERIOD_DAYS = 3 * 366;

export type { Cell, Column, ColumnKind, Row, Section } from './report-sections.js';

export interface MonitoringReport {
  from: string;
  peildatum: string;
  scope: 'team' | 'region';
  scopeLabel: string;
  protected: boolean;
  municipalities: { id: string; name: string }[];
  sections: Section[];
}

export interface ReportQuery {
  from?: unknown;
  peildatum?: unknown;
  outside?: unknown;
}
export interface ReportParams {
  from: string;
  peildatum: string;
  outside: boolean;
}

const iso = (d: LocalDate) => `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
/** The first day of the half year a day lies in (1 January or 1 July). */
export function halfYearStart(day: string): string {
  const [y, m] = day.split('-').map(Number) as [number, number];
  return `${y}-${m <= 6 ? '01' : '07'}-01`;
}

/** The period asked for; without parameters the current half year up to today (Europe/Amsterdam). */
export function parseReportParams(q: ReportQuery, today: string): ReportParams {
  const given = (v: unknown) => v !== undefined && v !== null && v !== '';
  const peil = given(q.peildatum) ? parseLocalDate(q.peildatum) : parseLocalDate(today);
  if (!peil) throw new InputError('not a reference date', 'report_date_invalid', 400, { field: 'peildatum' });
  const peildatum = iso(peil);
  const fromDay = given(q.from) ? parseLocalDate(q.from) : parseLocalDate(halfYearStart(peildatum));
  if (!fromDay) throw new InputError('not a start date', 'report_date_invalid', 400, { field: 'from' });
  const from = iso(fromDay);
  const days = (Date.UTC(peil.year, peil.month - 1, peil.day) - Date.UTC(fromDay.year, fromDay.month - 1, fromDay.day)) / 86_400_000;
  if (days < 0 || days > MAX_PERIOD_DAYS) throw new InputError('period out of range', 'report_period_invalid', 400, { maxYears: 3 });
  const outside = q.outside === '1' || q.outside === 'true' || q.outside === 'on' || q.outside === true;
  return { from, peildatum, outside };
}

/** [start of the first day, start of the day after the reference date), Amsterdam time. */
export function windowOf(p: ReportParams, municipalityIds: readonly string[]): ReportWindow {
  return { municipalityIds, from: instantAt(parseLocalDate(p.from)!, 0), until: instantAt(nextDay(parseLocalDate(p.peildatum)!), 0) };
}

const share = (part: number, whole: number) => (whole > 0 ? Math.round((1000 * part) / whole) / 10 : null);
const perUnit = (minutes: number, n: number) => (n > 0 ? Math.round(minutes / n) : null);

export function createMonitoringReport(deps: { database: Database; now?: () => Date }) {
  const { db } = deps.database;

  function assertRole(staff: StaffPrincipal) {
    if (!(REPORT_ROLES as readonly string[]).includes(staff.role)) throw new InputError('this role does not see the monitoring report', 'forbidden', 403);
  }

  /** The report for this person, or a refusal: the role first (403), then the period (400). */
  async function report(staff: StaffPrincipal, q: ReportQuery, lang: ReportLanguage): Promise<MonitoringReport> {
    assertRole(staff);
    const p = parseReportParams(q, amsterdamToday(deps.now?.() ?? new Date()));
    const region = staff.role === 'regional';
    const ms = await reportMunicipalities(db, { teamId: staff.teamId, wholeRegion: region });
    const w = windowOf(p, ms.map((m) => m.id));
    const { lists, inflow, results, funnel } = await monitoringFigures(db, w);
    const protectCells = region || p.outside;
    const t = (k: ReportTextKey, vars?: Record<string, string>) => reportText(lang, k, vars);
    const by = <R extends { municipality_id: string | null }>(rows: R[]) => new Map(rows.map((r) => [r.municipality_id, r]));
    const inflowBy = by(inflow);
    const resultBy = by(results);
    const perM = <R>(f: (m: { id: string; name: string }) => R) => ms.map((m) => ({ label: m.name, key: m.id, ...f(m) }));

    const list = (mId: string) => {
      const mine = lists.filter((l) => l.municipality_id === mId);
      const baseline = mine.find((l) => l.baseline);
      const last = mine.at(-1);
      return [baseline?.rows ?? 0, last?.rows ?? 0, last?.new_inflow ?? 0, last ? last.rows - last.new_inflow : 0];
    };
    const zero = { new_inflow: 0, kvk: 0, known: 0, picked_up: 0, age_23: 0, age_24: 0, age_25: 0, age_26: 0, age_other: 0 };
    const inf = (mId: string) => inflowBy.get(mId) ?? zero;
    const res = (mId: string) => resultBy.get(mId) ?? { approached: 0, reached: 0, active: 0, minutes: 0, worked_with: 0, outflow: {} as Record<string, number>, support: {} as Record<string, number>, reasons: {} as Record<string, number>, zzp_listed: 0, zzp_yes: 0, zzp_no: 0 };
    const outflowTotal = (mId: string) => Object.values(res(mId).outflow).reduce((a, b) => a + b, 0);
    const positive = (mId: string) => POSITIVE_OUTFLOW.reduce((a, k) => a + (res(mId).outflow[k] ?? 0), 0);
    const positiveColumns = OUTCOME_CATEGORIES.flatMap((k, i) => ((POSITIVE_OUTFLOW as readonly string[]).includes(k) ? [i] : []));

    const sections: TableSpec[] = [
      {
        id: 'i1_lists',
        title: 'i1.lists',
        counts: 'i1.lists.counts',
        columns: [
          { key: 'baseline', label: t('i1.lists.baseline') },
          { key: 'reference', label: t('i1.lists.reference') },
          { key: 'new', label: t('i1.lists.new') },
          { key: 'old', label: t('i1.lists.old') },
        ],
        rowTotal: false,
        relations: [[1, 2, 3]],
        rows: perM((m) => ({ values: list(m.id) })),
      },
      {
        id: 'i1_inflow',
        title: 'i1.inflow',
        counts: 'i1.inflow.counts',
        columns: [
          { key: 'new_inflow', label: t('i1.inflow.new') },
          { key: 'kvk', label: t('i1.inflow.kvk') },
          { key: 'known', label: t('i1.inflow.known') },
          { key: 'picked_up', label: t('i1.inflow.pickedUp') },
        ],
        rowTotal: false,
        shared: { picked_up: 'picked_up' },
        rows: perM((m) => ({ values: [inf(m.id).new_inflow, inf(m.id).kvk, inf(m.id).known, inf(m.id).picked_up] })),
      },
      {
        id: 'i1_age',
        title: 'i1.age',
        counts: 'i1.age.counts',
        columns: [...['23', '24', '25', '26'].map((a) => ({ key: a, label: a })), { key: 'other', label: t('i1.age.other') }],
        rowTotal: true,
        shared: { total: 'picked_up' },
        rows: perM((m) => ({ values: [inf(m.id).age_23, inf(m.id).age_24, inf(m.id).age_25, inf(m.id).age_26, inf(m.id).age_other] })),
      },
      {
        id: 'i1_support',
        title: 'i1.support',
        counts: 'i1.support.counts',
        columns: [...SUPPORT_QUESTIONS, 'unknown' as const].map((k) => ({ key: k, label: t(`support.${k}`) })),
        rowTotal: true,
        shared: { total: 'picked_up' },
        rows: perM((m) => ({ values: [...SUPPORT_QUESTIONS, 'unknown'].map((k) => res(m.id).support[k] ?? 0) })),
      },
      {
        id: 'i1_zzp',
        title: 'i1.zzp',
        counts: 'i1.zzp.counts',
        columns: [
          { key: 'self_employed', label: t('i1.zzp.yes') },
          { key: 'not_self_employed', label: t('i1.zzp.no') },
          { key: 'unchecked', label: t('i1.zzp.unchecked') },
        ],
        rowTotal: true,
        rows: perM((m) => ({ values: [res(m.id).zzp_yes, res(m.id).zzp_no, res(m.id).zzp_listed - res(m.id).zzp_yes - res(m.id).zzp_no] })),
      },
      {
        id: 'i2_results',
        title: 'i2.results',
        counts: 'i2.results.counts',
        columns: [
          { key: 'approached', label: t('i2.results.approached') },
          { key: 'reached', label: t('i2.results.reached') },
          { key: 'active', label: t('i2.results.active') },
          { key: 'outflow', label: t('i2.results.outflow') },
          { key: 'positive', label: t('i2.results.positive') },
        ],
        rowTotal: false,
        shared: { outflow: 'outflow', positive: 'positive' },
        rows: perM((m) => ({ values: [res(m.id).approached, res(m.id).reached, res(m.id).active, outflowTotal(m.id), positive(m.id)] })),
        derived: [{ key: 'positive_share', label: t('i2.results.positiveShare'), kind: 'percent', uses: [3, 4], value: (v) => share(v[4]!, v[3]!) }],
      },
      {
        id: 'i2_outflow',
        title: 'i2.outflow',
        counts: 'i2.outflow.counts',
        // The destinations, then the positive ones together (the results section shows that figure too), then the total.
        columns: [...OUTCOME_CATEGORIES.map((k) => ({ key: k, label: t(`outflow.${k}`) })), { key: 'positive', label: t('i2.results.positive') }],
        rowTotal: true,
        totalOf: OUTCOME_CATEGORIES.map((_, i) => i),
        relations: [
          [...positiveColumns, OUTCOME_CATEGORIES.length],
          [...OUTCOME_CATEGORIES.map((_, i) => i).filter((i) => !positiveColumns.includes(i)), OUTCOME_CATEGORIES.length, OUTCOME_CATEGORIES.length + 1],
        ],
        shared: { total: 'outflow', positive: 'positive' },
        rows: perM((m) => ({ values: [...OUTCOME_CATEGORIES.map((k) => res(m.id).outflow[k] ?? 0), positive(m.id)] })),
      },
      {
        id: 'i2_reasons',
        title: 'i2.reasons',
        counts: 'i2.reasons.counts',
        columns: DECLINE_REASONS.map((k) => ({ key: k, label: t(`reason.${k}`) })),
        rowTotal: true,
        rows: perM((m) => ({ values: DECLINE_REASONS.map((k) => res(m.id).reasons[k] ?? 0) })),
      },
      {
        id: 'i4_time',
        title: 'i4.time',
        counts: 'i4.time.counts',
        columns: [
          { key: 'minutes', label: t('i4.time.minutes') },
          { key: 'youngsters', label: t('i4.time.youngsters') },
          { key: 'picked_up', label: t('i1.inflow.pickedUp') },
          { key: 'outflow', label: t('i2.results.outflow') },
        ],
        rowTotal: false,
        shared: { picked_up: 'picked_up', outflow: 'outflow' },
        rows: perM((m) => ({ values: [res(m.id).minutes, res(m.id).worked_with, inf(m.id).picked_up, outflowTotal(m.id)] })),
        derived: [
          { key: 'per_youngster', label: t('i4.time.perYoungster'), kind: 'minutes', uses: [1], value: (v) => perUnit(v[0]!, v[1]!) },
          { key: 'per_picked_up', label: t('i4.time.perPickedUp'), kind: 'minutes', uses: [2], value: (v) => perUnit(v[0]!, v[2]!) },
          { key: 'per_outflow', label: t('i4.time.perOutflow'), kind: 'minutes', uses: [3], value: (v) => perUnit(v[0]!, v[3]!) },
        ],
      },
      funnelSpec('funnel_municipality', 'funnel.municipality', 'funnel.municipality.counts', funnel, (f) => f.municipality_id !== null && f.variant === null && f.channel === null, (f) => f.municipality_id!, ms.map((m) => ({ key: m.id, label: m.name }))),
      funnelSpec('funnel_variant', 'funnel.variant', 'funnel.variant.counts', funnel, (f) => f.municipality_id === null && f.variant !== null, (f) => f.variant!, ['regular', 'entrepreneur'].map((k) => ({ key: k, label: t(`variant.${k}` as ReportTextKey) }))),
      funnelSpec('funnel_channel', 'funnel.channel', 'funnel.channel.counts', funnel, (f) => f.municipality_id === null && f.channel !== null, (f) => f.channel!, ['whatsapp', 'telegram', 'web', 'none'].map((k) => ({ key: k, label: t(`channel.${k}` as ReportTextKey) }))),
    ];

    function funnelSpec(id: string, title: ReportTextKey, counts: ReportTextKey, rows: FunnelRow[], pick: (f: FunnelRow) => boolean, keyOf: (f: FunnelRow) => string, order: { key: string; label: string }[]): TableSpec {
      const STAGES = ['cards', 'delivered', 'scanned', 'chatted', 'consented', 'visited', 'outflow'] as const;
      const mine = new Map(rows.filter(pick).map((f) => [keyOf(f), f]));
      const all = rows.find((f) => f.municipality_id === null && f.variant === null && f.channel === null);
      // A median of fewer than 5 replies says too much about those few: not shown outside the team.
      const median = (f: FunnelRow | undefined) => (!f || (protectCells && f.replied < 5) ? null : f.median_reply_hours);
      return {
        id,
        title,
        counts,
        columns: STAGES.map((s) => ({ key: s, label: t(`funnel.${s}`) })),
        rowTotal: false,
        // The three funnels share their total row (all cards of the period); per municipality, variant or channel they differ.
        shared: Object.fromEntries(STAGES.map((s) => [s, `funnel.${s}`])),
        rows: order.map((o) => ({ label: o.label, key: o.key, values: STAGES.map((s) => mine.get(o.key)?.[s] ?? 0) })),
        totalValues: STAGES.map((s) => all?.[s] ?? 0),
        derived: [{ key: 'median_reply_hours', label: t('funnel.medianHours'), kind: 'hours', uses: [], value: () => null }],
        rowDerived: order.map((o) => [median(mine.get(o.key))]),
        totalDerived: [median(all)],
      };
    }

    return {
      from: p.from,
      peildatum: p.peildatum,
      scope: region ? 'region' : 'team',
      scopeLabel: region ? `${t('report.scope.region')} ${ms[0]?.region ?? ''}`.trim() : t('report.scope.team', { team: staff.teamName }),
      protected: protectCells,
      municipalities: ms.map((m) => ({ id: m.id, name: m.name })),
      sections: buildAll(sections, lang, protectCells),
    };
  }

  return { report };
}
export type MonitoringReports = ReturnType<typeof createMonitoringReport>;
