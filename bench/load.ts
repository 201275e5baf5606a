import { sql, type SQL } from 'drizzle-orm';
import { messages } from '../db/schema/index.js';
import { performance } from 'node:perf_hooks';

/**
 * Open-loop load: operation i is started at t0 + i/rate whether or not earlier
 * ones have finished, the way independent youngsters write. A closed loop
 * (wait, then send the next) would slow down with the system under test and
 * hide its queueing delay. `lagMs` records how late each start was against its
 * schedule, so a generator that could not keep up is visible in the report.
 */
export async function openLoop(count: number, ratePerSecond: number, start: (i: number) => Promise<void>) {
  const interval = 1000 / ratePerSecond;
  const lagMs: number[] = [];
  const inFlight: Promise<void>[] = [];
  const t0 = performance.now();
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      // Fire everything that is due (a late timer fires a small burst, keeping the average rate exact).
      while (next < count && t0 + next * interval <= now) {
        lagMs.push(performance.now() - (t0 + next * interval));
        inFlight.push(start(next));
        next++;
      }
      if (next >= count) return resolve();
      setTimeout(tick, Math.max(0, t0 + next * interval - performance.now()));
    };
    tick();
  });
  await Promise.allSettled(inFlight);
  return { lagMs, startedAt: t0 };
}

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/**
 * Nearest-rank percentiles (no interpolation): p99 of 2000 samples is the
 * 1980th smallest. Callers pass Infinity for an operation that never
 * completed, so a percentile that lands on one reads "not completed" instead
 * of quietly describing only the fast survivors.
 */
export function summarise(values: number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
  return { count: sorted.length, p50: rank(50), p99: rank(99), max: sorted.at(-1) ?? NaN };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls until `check` is true or the deadline passes; returns whether it became true. */
export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 100): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await check()) return true;
    await sleep(everyMs);
  }
  return check();
}

/**
 * `messages.id = any($1)`: one array parameter. The scenarios poll for
 * hundreds of ids in the same process as the app; an IN list of that many
 * parameters costs milliseconds of query building per poll and would stall
 * the event loop that also serves the app and the fake Bot API.
 */
export const idIn = (ids: string[]): SQL => sql`${messages.id} = any(${sql.param(ids)}::uuid[])`;
