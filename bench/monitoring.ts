import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import type { Context } from '../bin/context.js';
import { inflowOf, listsUntil, peopleFigures } from '../db/queries/monitoring-report.js';
import { sql as dsql } from 'drizzle-orm';
import type { StaffPrincipal } from '../db/queries/staff.js';
import { writeMonitoringHistory } from '../db/seed/monitoring-history.js';
import { createOrganisation } from '../db/seed/organisation.js';
import { createMonitoringReport, parseReportParams, windowOf } from '../web/domain/monitoring-report.js';
import { amsterdamToday } from '../web/domain/youngster-panel.js';
import { cpuMsPer, startCpuMeter } from './cpu.js';
import type { Row } from './report.js';

/**
 * Scenario (g): the monitoring report (/reports/monitoring) as a coordinator whose team serves
 * all ten municipalities of a region gets it: `createMonitoringReport(...).report(...)` - the three
 * statements of db/queries/monitoring-report.ts (lists, inflow, and the people - results and
 * funnel in one pass - in one read-only transaction, JIT off, as the page runs them) plus building
 * the tables - over a half-year window ending today.
 * Seeded with db/seed/monitoring-history.ts (set-based: INSERT ... SELECT over generate_series):
 * 100,000 people's worth of anonymous events over twelve months, 2,000,000 events in all (the
 * bulk message.received / message.sent), vacuumed and analysed as autovacuum would leave them.
 * One request at a time, two runs after a warm-up; each statement also alone; the floor in the
 * same run: a count over the lists' index and a primary-key select of one event. Then the same
 * region grown to 2x and 4x (more people, same municipalities and months) for how it scales.
 */
export interface MonitoringOpts {
  municipalities: number;
  youngsters: number;
  events: number;
  requests: number;
  runs: number;
  warmup: number;
  /** Repeats of each statement alone. */
  statementRepeats: number;
  /** Sizes to grow to, as multiples of the first (e.g. [2, 4]), each measured with `growthRequests` requests. */
  growth: number[];
  growthRequests: number;
}

export interface Timing {
  p50: number;
  p95: number;
  max: number;
  cpuMs: number;
  requests: number;
}

export interface SizeResult {
  factor: number;
  youngsters: number;
  events: number;
  seedSeconds: number;
  run: Timing;
  statements: { name: string; p50: number }[];
}

export interface MonitoringBench {
  municipalities: number;
  youngsters: number;
  events: number;
  seedSeconds: number;
  seedSteps: string;
  from: string;
  peildatum: string;
  runs: Timing[];
  statements: { name: string; p50: number }[];
  floors: { count: Timing; pk: Timing };
  /** The report's own totals, so a reader sees that the seeded history gives real figures. */
  sample: string;
  growth: SizeResult[];
}

const pct = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const SEED = 'bench-monitoring';
const DAY = 86_400_000;

async function timed(requests: number, fn: (i: number) => Promise<unknown>): Promise<Timing> {
  const times: number[] = [];
  const meter = startCpuMeter();
  for (let i = 0; i < requests; i++) {
    const at = performance.now();
    await fn(i);
    times.push(performance.now() - at);
  }
  const cpuMs = cpuMsPer(meter(), requests);
  times.sort((a, b) => a - b);
  return { p50: pct(times, 50), p95: pct(times, 95), max: times.at(-1)!, cpuMs, requests };
}

export async function runMonitoringBench(ctx: Context, opts: MonitoringOpts, log: (msg: string) => void = () => {}): Promise<MonitoringBench> {
  const db = ctx.database.db;
  const names = Array.from({ length: opts.municipalities }, (_, i) => `Gemeente ${String(i + 1).padStart(2, '0')}`);
  const org = await createOrganisation(
    db,
    { region: 'Bench monitoring', teams: [{ name: 'Bench monitoring', municipalities: names, staff: [{ email: 'coordinator@monitoring.bench', firstName: 'Coordinator', role: 'coordinator' }] }] },
    { passwordHash: null },
  );
  const team = org.teams['Bench monitoring']!;
  const staff = org.staff['coordinator@monitoring.bench']!;
  const municipalityIds = names.map((n) => team.municipalities[n]!);
  const principal: StaffPrincipal = { id: staff.id, name: staff.name, firstName: staff.firstName, email: staff.email, role: 'coordinator', teamId: team.id, teamName: 'Bench monitoring', municipalityIds };

  // Twelve months of lists, up to today; the report's window is the last half year.
  const now = new Date();
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 11, 1, 12));
  const peildatum = amsterdamToday(now);
  const [y, m, d] = peildatum.split('-').map(Number) as [number, number, number];
  const from = new Date(Date.UTC(y, m - 1 - 6, d)).toISOString().slice(0, 10);
  const query = { from, peildatum };
  const window = windowOf(parseReportParams(query, peildatum), municipalityIds);
  const reports = createMonitoringReport({ database: ctx.database });

  let people = 0;
  const grow = async (youngsters: number, events: number) => {
    const t0 = performance.now();
    const steps: string[] = [];
    await db.transaction((tx) =>
      writeMonitoringHistory(tx, {
        municipalityIds,
        seed: SEED,
        offset: people,
        people: youngsters,
        start,
        months: 12,
        now,
        lists: people === 0,
        messages: { total: events },
        onStep: (step, ms, rows) => steps.push(`${step} ${rows} in ${(ms / 1000).toFixed(1)} s`),
      }),
    );
    people += youngsters;
    await ctx.database.sql.unsafe('vacuum (analyze) events');
    await ctx.database.sql.unsafe('checkpoint');
    const [c] = await ctx.database.sql<{ n: number }[]>`select count(*)::int as n from events`;
    return { seedSeconds: (performance.now() - t0) / 1000, events: c?.n ?? 0, steps: steps.join(', ') };
  };
  const report = () => reports.report(principal, query, 'nl');
  // Each statement alone, as the report runs it: JIT off, 64 MB to aggregate in (monitoringFigures).
  const noJit = <T>(f: (tx: typeof db) => Promise<T>) => () => db.transaction(async (tx) => (await tx.execute(dsql`set local jit = off`), await tx.execute(dsql`set local work_mem = '64MB'`), f(tx as unknown as typeof db)));
  const STATEMENTS = [
    { name: 'lists', run: noJit((tx) => listsUntil(tx, window)) },
    { name: 'inflow', run: noJit((tx) => inflowOf(tx, window)) },
    { name: 'people (results and funnel)', run: noJit((tx) => peopleFigures(tx, window)) },
  ];
  const alone = async (repeats: number) => {
    const out: { name: string; p50: number }[] = [];
    for (const s of STATEMENTS) out.push({ name: s.name, p50: (await timed(repeats, s.run)).p50 });
    return out;
  };

  log(`monitoring: seeding ${opts.youngsters} people, ${opts.events} events in ${opts.municipalities} municipalities`);
  const first = await grow(opts.youngsters, opts.events);
  log(`monitoring: ${first.events} events seeded in ${first.seedSeconds.toFixed(1)} s (${first.steps})`);

  // Warm-up: the pool's connections, their prepared statements and plans, the pages in the cache.
  for (let i = 0; i < opts.warmup; i++) await report();
  const runs: Timing[] = [];
  for (let r = 0; r < opts.runs; r++) {
    log(`monitoring: run ${r + 1}, ${opts.requests} reports`);
    runs.push(await timed(opts.requests, report));
  }
  const statements = await alone(opts.statementRepeats);
  const [anEvent] = await ctx.database.sql<{ id: number }[]>`select id::int from events order by id desc limit 1`;
  const floors = {
    count: await timed(opts.requests, () => db.execute(sql`select count(*) from events where type = ${'list.imported'}`)),
    pk: await timed(opts.requests, (i) => db.execute(sql`select id, type, occurred_at from events where id = ${(anEvent?.id ?? 1) - i}::bigint`)),
  };
  const r = await report();
  const total = (id: string, key: string) => {
    const s = r.sections.find((x) => x.id === id)!;
    return s.total.cells[s.columns.findIndex((c) => c.key === key)];
  };
  const sample = `new inflow ${total('i1_inflow', 'new_inflow')}, picked up ${total('i1_inflow', 'picked_up')}, approached ${total('i2_results', 'approached')}, reached ${total('i2_results', 'reached')}, active ${total('i2_results', 'active')}, outflow ${total('i2_results', 'outflow')}, cards made ${total('funnel_municipality', 'cards')}, minutes ${total('i4_time', 'minutes')}`;

  const growth: SizeResult[] = [];
  let factor = 1;
  for (const f of opts.growth) {
    log(`monitoring: growing to ${f} x (${opts.youngsters * f} people, ${opts.events * f} events)`);
    const g = await grow(opts.youngsters * (f - factor), opts.events * (f - factor));
    factor = f;
    log(`monitoring: ${g.events} events, the added ones in ${g.seedSeconds.toFixed(1)} s (${g.steps})`);
    for (let i = 0; i < 2; i++) await report();
    const run = await timed(opts.growthRequests, report);
    growth.push({ factor: f, youngsters: people, events: g.events, seedSeconds: g.seedSeconds, run, statements: await alone(Math.max(2, Math.round(opts.statementRepeats / 2))) });
  }

  return {
    municipalities: opts.municipalities,
    youngsters: opts.youngsters,
    events: first.events,
    seedSeconds: first.seedSeconds,
    seedSteps: first.steps,
    from,
    peildatum,
    runs,
    statements,
    floors,
    sample,
    growth,
  };
}

export function monitoringRows(b: MonitoringBench, targetMs: number): Row[] {
  const f = (v: number) => `${v.toFixed(1)} ms`;
  const p95s = b.runs.map((r) => r.p95);
  const spread = Math.max(...p95s) / Math.min(...p95s);
  const timing = (t: Timing) => `${f(t.p50)} / ${f(t.p95)} / ${f(t.max)}, CPU ${t.cpuMs.toFixed(1)} ms per request`;
  const stmts = (s: { name: string; p50: number }[]) => s.map((x) => `${x.name} ${f(x.p50)}`).join(', ');
  const sizes = [{ events: b.events, p50: b.runs[0]!.p50 }, ...b.growth.map((g) => ({ events: g.events, p50: g.run.p50 }))];
  const ratios = sizes.slice(1).map((s, i) => `${(s.p50 / sizes[i]!.p50).toFixed(2)} x (${(sizes[i]!.events / 1e6).toFixed(1)}M -> ${(s.events / 1e6).toFixed(1)}M events)`);
  return [
    { scenario: 'monitoring report', metric: 'region and history', value: `${b.municipalities} municipalities, ${b.youngsters} people on the lists over 12 months, ${b.events} events, seeded in ${b.seedSeconds.toFixed(1)} s`, target: '', pass: null },
    { scenario: 'monitoring report', metric: 'report totals (sanity)', value: `${b.from} - ${b.peildatum}: ${b.sample}`, target: '', pass: null },
    ...b.runs.map((r, i) => ({
      scenario: 'monitoring report',
      metric: `run ${i + 1}: p50 / p95 / max per report (${r.requests} reports)`,
      value: timing(r),
      target: `p95 < ${targetMs} ms`,
      pass: r.p95 < targetMs,
    })),
    { scenario: 'monitoring report', metric: 'spread of p95 between the runs', value: `${spread.toFixed(2)} x`, target: '', pass: null },
    { scenario: 'monitoring report', metric: 'each statement alone, p50', value: stmts(b.statements), target: '', pass: null },
    { scenario: 'monitoring report', metric: "floor: count(*) of the lists (type = 'list.imported'), p50 / p95", value: `${f(b.floors.count.p50)} / ${f(b.floors.count.p95)}, CPU ${b.floors.count.cpuMs.toFixed(2)} ms per request`, target: '', pass: null },
    { scenario: 'monitoring report', metric: 'floor: one primary-key select of an event, p50 / p95', value: `${f(b.floors.pk.p50)} / ${f(b.floors.pk.p95)}, CPU ${b.floors.pk.cpuMs.toFixed(2)} ms per request`, target: '', pass: null },
    { scenario: 'monitoring report', metric: 'report p50 vs count floor p50', value: `${(b.runs[0]!.p50 / b.floors.count.p50).toFixed(0)} x`, target: '', pass: null },
    ...b.growth.map((g) => ({
      scenario: 'monitoring report',
      metric: `${g.factor} x: ${g.youngsters} people, ${g.events} events (p50 / p95 / max, ${g.run.requests} reports)`,
      value: `${timing(g.run)}; alone: ${stmts(g.statements)}; the added events seeded in ${g.seedSeconds.toFixed(1)} s`,
      target: '',
      pass: null,
    })),
    ...(ratios.length ? [{ scenario: 'monitoring report', metric: 'p50 growth per doubling of the events', value: ratios.join(', '), target: '', pass: null }] : []),
  ];
}

export const monitoringNote = (b: MonitoringBench) =>
  `Monitoring report: \`createMonitoringReport(...).report(...)\` (web/domain/monitoring-report.ts; its three statements in db/queries/monitoring-report.ts in one read-only transaction with JIT off and 64 MB work_mem, as the page runs them) for a coordinator whose team serves all ${b.municipalities} municipalities, exact counts, window ${b.from} - ${b.peildatum} (half a year), one report at a time after a warm-up; CPU per request is this process plus PostgreSQL. History from db/seed/monitoring-history.ts, set-based (INSERT ... SELECT over generate_series): ${b.youngsters} people on twelve monthly lists (a quarter on the nulmeting), cards, scans, chats (the bulk: message.received / message.sent), consent, visits, attempts with minutes, support questions, outflow, reasons for declining, zzp checks, erasures; vacuumed and analysed. Seeding: ${b.seedSteps}. The growth rows add people (other keys) to the same municipalities and months.`;
