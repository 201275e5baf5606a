import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';

/**
 * Where the CPU went during a scenario, so a reader can tell a slow path from
 * a busy machine: this process (web app + load generator + fake Bot API, one
 * event loop), the app's worker process, PostgreSQL and Redis together, and
 * everything else (another test run, a build). Machine-wide figures come from /proc (Linux);
 * elsewhere only this process is measured. Shares are of one core.
 */
export interface CpuShares {
  self: number;
  worker: number | null;
  /** PostgreSQL and Redis together; `redis` is Redis's part of it. */
  dataStores: number | null;
  redis: number | null;
  other: number | null;
  /** How long the measurement ran. */
  wallMs: number;
}

/**
 * CPU time per unit of work, in milliseconds: this process (app + load generator), the worker
 * process and PostgreSQL+Redis together - what the pipeline costs, not what else the machine did.
 */
export function cpuMsPer(c: CpuShares, units: number): number {
  return ((c.self + (c.worker ?? 0) + (c.dataStores ?? 0)) * c.wallMs) / units;
}

const TICK_MS = 10; // USER_HZ is 100 on every Linux Node supports

function machineBusyMs(): number | null {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = cpu;
    return (user + nice + system + irq + softirq + steal) * TICK_MS;
  } catch {
    return null;
  }
}

function processMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime + stime
  } catch {
    return null;
  }
}

/** CPU time per PostgreSQL / Redis process; a process that appears later simply starts from zero. */
function dataStoreMs(): Map<number, { ms: number; redis: boolean }> {
  const out = new Map<number, { ms: number; redis: boolean }>();
  if (os.platform() !== 'linux') return out;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (comm !== 'postgres' && comm !== 'redis-server') continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(entry), { ms: (Number(fields[11]) + Number(fields[12])) * TICK_MS, redis: comm === 'redis-server' }); // utime + stime
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

export function startCpuMeter(workerPid?: number) {
  const t0 = performance.now();
  const worker0 = workerPid ? processMs(workerPid) : null;
  const self0 = process.cpuUsage();
  const busy0 = machineBusyMs();
  const stores0 = dataStoreMs();
  return (): CpuShares => {
    const wall = performance.now() - t0;
    const selfUsage = process.cpuUsage(self0);
    const selfMs = (selfUsage.user + selfUsage.system) / 1000;
    const busy1 = machineBusyMs();
    let storesMs = 0;
    let redisMs = 0;
    for (const [pid, now] of dataStoreMs()) {
      const used = now.ms - (stores0.get(pid)?.ms ?? 0);
      storesMs += used;
      if (now.redis) redisMs += used;
    }
    const busy = busy0 !== null && busy1 !== null ? busy1 - busy0 : null;
    const worker1 = workerPid ? processMs(workerPid) : null;
    const workerMs = worker0 !== null && worker1 !== null ? worker1 - worker0 : null;
    return {
      self: selfMs / wall,
      worker: workerMs === null ? null : workerMs / wall,
      dataStores: busy === null ? null : storesMs / wall,
      redis: busy === null ? null : redisMs / wall,
      other: busy === null ? null : Math.max(0, busy - selfMs - (workerMs ?? 0) - storesMs) / wall,
      wallMs: wall,
    };
  };
}

export const formatCpu = (c: CpuShares) =>
  c.dataStores === null || c.other === null
    ? `this process ${c.self.toFixed(2)} cores`
    : `this process ${c.self.toFixed(2)}${c.worker === null ? '' : `, worker process ${c.worker.toFixed(2)}`}, PostgreSQL ${(c.dataStores - (c.redis ?? 0)).toFixed(2)}, Redis ${(c.redis ?? 0).toFixed(2)}, other processes ${c.other.toFixed(2)} (cores)`;
