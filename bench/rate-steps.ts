import type { Context } from '../bin/context.js';
import { cpuMsPer, startCpuMeter } from './cpu.js';
import { runInbound, type Webhook } from './inbound.js';

/**
 * Scenario (a'): the inbound path at rising offered rates, to find the highest
 * rate at which p99 stays under the target - one fixed rate says whether the
 * path keeps up there, not where it stops keeping up. Each step sends for a
 * few seconds over the same (already chatting) chats and lets the pipeline
 * come to rest before the next; the steps stop after the first one that
 * misses (p99 over the target, or messages not completed).
 */
export interface RateStep {
  rate: number;
  sent: number;
  completed: number;
  p50: number;
  p99: number;
  /** CPU of the app, the worker process, PostgreSQL and Redis per message, in ms. */
  cpuMsPerMessage: number;
  pass: boolean;
}

export async function runRateSteps(
  ctx: Context,
  hook: Webhook,
  opts: { chats: number[]; rates: number[]; seconds: number; p99Ms: number; workerPid?: number; settle: () => Promise<void> },
): Promise<RateStep[]> {
  const steps: RateStep[] = [];
  for (const rate of opts.rates) {
    const total = rate * opts.seconds;
    const meter = startCpuMeter(opts.workerPid);
    const r = await runInbound(ctx, hook, { chats: opts.chats, total, rate, graceS: 5 });
    const cpu = meter();
    await opts.settle();
    const pass = r.completed === r.sent && r.httpErrors === 0 && r.latency.p99 < opts.p99Ms;
    steps.push({ rate, sent: r.sent, completed: r.completed, p50: r.latency.p50, p99: r.latency.p99, cpuMsPerMessage: cpuMsPer(cpu, total), pass });
    if (!pass) break;
  }
  return steps;
}

/** The highest rate of an unbroken run of passing steps from the first (0 when the first step missed). */
export function highestPassingRate(steps: RateStep[]): number {
  let best = 0;
  for (const s of steps) {
    if (!s.pass) break;
    best = s.rate;
  }
  return best;
}
