import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import type { Context } from '../bin/context.js';
import { instantAt, isoWeekday, localParts, nextDay, type LocalDate } from '../core/local-time.js';
import { findSlots } from '../db/queries/slot-search.js';
import { createOrganisation } from '../db/seed/organisation.js';
import { availabilityBlocks, staffUsers, visits, visitStaff, youngsters } from '../db/schema/index.js';
import { cpuMsPer, startCpuMeter } from './cpu.js';
import type { Row } from './report.js';

/**
 * Scenario (f): the slot search the chat runs when a youngster asks for a
 * visit. A team of 20 casemanagers (Monday-Friday 09:00-12:00 and 13:00-17:00)
 * with a year of bookings (half a year back, half ahead: two home visits per
 * casemanager per working day, ~10,000 visit_staff rows), analysed. `findSlots`
 * exactly as the chat calls it (next 5 home-visit slots, a different preferred
 * casemanager each time, every third request paging with `after`), one at a
 * time, two runs after a warm-up. The floor in the same run: one indexed
 * primary-key select of a staff row, the least any database answer costs.
 */
export interface SlotsBench {
  staff: number;
  bookings: number;
  seedSeconds: number;
  runs: { p50: number; p95: number; max: number; cpuMs: number; requests: number; slotsFound: number }[];
  floor: { p50: number; p95: number; cpuMs: number };
}

const pct = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

export async function runSlotsBench(ctx: Context, opts: { staff: number; requests: number; runs: number }): Promise<SlotsBench> {
  const db = ctx.database.db;
  const t0 = performance.now();
  const org = await createOrganisation(
    db,
    { region: 'Bench afspraken', teams: [{ name: 'Bench afspraken', municipalities: ['Afspraakdorp'], staff: Array.from({ length: opts.staff }, (_, i) => ({ email: `coach${i}@slots.bench`, firstName: `Coach${i}` })) }] },
    { passwordHash: null },
  );
  const municipalityId = org.municipalities.Afspraakdorp!;
  const staffIds = Object.values(org.staff).map((s) => s.id);
  await db.update(staffUsers).set({ minNoticeHours: 24, visitBufferMinutes: 15 });
  await db.insert(availabilityBlocks).values(
    staffIds.flatMap((staffId) => [1, 2, 3, 4, 5].flatMap((weekday) => [{ staffId, weekday, startsAt: '09:00', endsAt: '12:00' }, { staffId, weekday, startsAt: '13:00', endsAt: '17:00' }])),
  );
  const people = await db.insert(youngsters).values(Array.from({ length: 200 }, (_, i) => ({ municipalityId, firstName: `Jongere${i}`, lastName: 'Bench' }))).returning({ id: youngsters.id });

  // Two visits per casemanager per working day, at times that vary per day and person.
  const now = new Date();
  const start = localParts(new Date(now.getTime() - 182 * 86_400_000));
  let day: LocalDate = { year: start.year, month: start.month, day: start.day };
  const visitRows: (typeof visits.$inferInsert)[] = [];
  const staffOf: string[] = [];
  for (let d = 0; d < 365; d++, day = nextDay(day)) {
    if (isoWeekday(day) > 5) continue;
    staffIds.forEach((staffId, i) => {
      for (const base of [9 * 60, 14 * 60]) {
        const at = instantAt(day, base + ((i + d) % 4) * 30);
        visitRows.push({ youngsterId: people[(i * 7 + d) % people.length]!.id, municipalityId, type: 'home', startsAt: at, endsAt: new Date(at.getTime() + 3_600_000), reference: `B-${visitRows.length}` });
        staffOf.push(staffId);
      }
    });
  }
  for (let i = 0; i < visitRows.length; i += 1000) {
    const part = visitRows.slice(i, i + 1000);
    const ids = await db.insert(visits).values(part).returning({ id: visits.id });
    await db.insert(visitStaff).values(
      ids.map((v, j) => ({ visitId: v.id, staffId: staffOf[i + j]!, busy: `[${part[j]!.startsAt!.toISOString()},${new Date(part[j]!.endsAt!.getTime() + 15 * 60_000).toISOString()})` })),
    );
  }
  await db.execute(sql`analyze`);
  const seedSeconds = (performance.now() - t0) / 1000;

  let slotsFound = 0;
  const one = async (i: number) => {
    const first = await findSlots(db, { municipalityId, type: 'home', preferredStaffId: staffIds[i % staffIds.length]!, now, limit: 5 });
    slotsFound += first.length;
    if (i % 3 === 0 && first.length) await findSlots(db, { municipalityId, type: 'home', preferredStaffId: staffIds[i % staffIds.length]!, now, after: first.at(-1)!.startsAt, limit: 5 });
  };
  // Warm-up: prepared statements on every pooled connection, JIT.
  for (let i = 0; i < 60; i++) await one(i);

  const runs: SlotsBench['runs'] = [];
  for (let r = 0; r < opts.runs; r++) {
    slotsFound = 0;
    const times: number[] = [];
    const meter = startCpuMeter();
    for (let i = 0; i < opts.requests; i++) {
      const at = performance.now();
      await one(i);
      times.push(performance.now() - at);
    }
    const cpuMs = cpuMsPer(meter(), opts.requests);
    times.sort((a, b) => a - b);
    runs.push({ p50: pct(times, 50), p95: pct(times, 95), max: times.at(-1)!, cpuMs, requests: opts.requests, slotsFound });
  }

  const floorTimes: number[] = [];
  const meter = startCpuMeter();
  for (let i = 0; i < opts.requests; i++) {
    const at = performance.now();
    await db.select({ id: staffUsers.id }).from(staffUsers).where(sql`${staffUsers.id} = ${staffIds[i % staffIds.length]!}`);
    floorTimes.push(performance.now() - at);
  }
  const floorCpu = cpuMsPer(meter(), opts.requests);
  floorTimes.sort((a, b) => a - b);
  return { staff: opts.staff, bookings: visitRows.length, seedSeconds, runs, floor: { p50: pct(floorTimes, 50), p95: pct(floorTimes, 95), cpuMs: floorCpu } };
}

export function slotRows(b: SlotsBench, targetMs: number): Row[] {
  const f = (v: number) => `${v.toFixed(1)} ms`;
  const p95s = b.runs.map((r) => r.p95);
  const spread = Math.max(...p95s) / Math.min(...p95s);
  return [
    { scenario: 'slot search', metric: 'team and bookings', value: `${b.staff} casemanagers, ${b.bookings} bookings over a year (visit_staff rows), seeded in ${b.seedSeconds.toFixed(1)} s`, target: '', pass: null },
    ...b.runs.map((r, i) => ({
      scenario: 'slot search',
      metric: `run ${i + 1}: p50 / p95 / max per request (${r.requests} requests)`,
      value: `${f(r.p50)} / ${f(r.p95)} / ${f(r.max)}, CPU ${r.cpuMs.toFixed(2)} ms per request, ${r.slotsFound} slots found`,
      target: `p95 < ${targetMs} ms`,
      pass: r.p95 < targetMs && r.slotsFound > 0,
    })),
    { scenario: 'slot search', metric: 'spread of p95 between the runs', value: `${spread.toFixed(2)} x`, target: '', pass: null },
    { scenario: 'slot search', metric: 'floor: one primary-key select, p50 / p95', value: `${f(b.floor.p50)} / ${f(b.floor.p95)}, CPU ${b.floor.cpuMs.toFixed(2)} ms per request`, target: '', pass: null },
    { scenario: 'slot search', metric: 'search p50 vs floor p50', value: `${(b.runs[0]!.p50 / b.floor.p50).toFixed(1)} x`, target: '', pass: null },
  ];
}

export const slotNote = (b: SlotsBench) =>
  `Slot search: \`findSlots\` (db/queries/slot-search.ts) as the chat calls it - the next 5 home-visit slots within 28 days for a team of ${b.staff} with a different preferred casemanager per request, every third request also the next page ("een ander moment", counted in the same request) - one at a time after a warm-up; CPU per request is this process plus PostgreSQL. The floor is one primary-key select of a staff row.`;
