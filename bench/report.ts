import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import type { Context } from '../bin/context.js';

/** One line of the result table; `pass` is null for figures that have no target (context only). */
export interface Row {
  scenario: string;
  metric: string;
  value: string;
  target: string;
  pass: boolean | null;
}

export const verdict = (pass: boolean | null) => (pass === null ? '-' : pass ? 'PASS' : 'FAIL');
export const ms = (v: number) => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : v === Infinity ? 'not completed' : 'n/a');
export const rate = (v: number) => (Number.isFinite(v) ? `${v.toFixed(1)} msg/s` : 'n/a');
export const pct = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(1)} %` : 'n/a');

export function printTable(rows: Row[]) {
  const cells = [['scenario', 'metric', 'value', 'target', 'result'], ...rows.map((r) => [r.scenario, r.metric, r.value, r.target, verdict(r.pass)])];
  const widths = cells[0]!.map((_, c) => Math.max(...cells.map((row) => row[c]!.length)));
  const line = (row: string[]) => row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ');
  console.log(line(cells[0]!));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of cells.slice(1)) console.log(line(row));
}

/** The 1-minute load average: a lagging hint of other work on the machine (a test run, a build), which skews every figure. */
export const load1 = () => os.loadavg()[0] ?? 0;

export async function describeMachine(ctx: Context, background: string) {
  const cpus = os.cpus();
  const [pg] = await ctx.database.sql<{ version: string }[]>`select version()`;
  const info = await ctx.redis.info('server');
  return {
    cpu: `${cpus[0]?.model.trim() ?? 'unknown'} x ${cpus.length}`,
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.version,
    postgres: pg?.version ?? 'unknown',
    redis: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown',
    load: `${background}; 1-min load average at the end ${load1().toFixed(2)}`,
  };
}
export type Machine = Awaited<ReturnType<typeof describeMachine>>;

export async function writeResults(path: string, rows: Row[], machine: Machine, notes: string[]) {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const md = [
    '# Benchmark results',
    '',
    `Run: ${new Date().toISOString()} (\`npm run bench\`; method in [README.md](README.md))`,
    '',
    '## Machine',
    '',
    `- CPU: ${machine.cpu}`,
    `- Memory: ${machine.memory}`,
    `- OS: ${machine.os}`,
    `- Node: ${machine.node}`,
    `- PostgreSQL: ${machine.postgres}`,
    `- Redis: ${machine.redis}`,
    `- Load: ${machine.load}`,
    '',
    'Everything ran on this one machine over loopback: the web app with the load generator and the fake Bot API in one process, the queue workers (`bin/worker.ts`) in a second, PostgreSQL and Redis.',
    '',
    '## Figures',
    '',
    '| scenario | metric | value | target | result |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${esc(r.scenario)} | ${esc(r.metric)} | ${esc(r.value)} | ${esc(r.target)} | ${verdict(r.pass)} |`),
    '',
    ...(notes.length ? ['## Notes', '', ...notes.map((n) => `- ${n}`), ''] : []),
  ].join('\n');
  await writeFile(path, md);
}
