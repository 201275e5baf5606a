import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { Context } from '../bin/context.js';
import { waitFor } from './load.js';

/**
 * The queue workers in their own process, started with `bin/worker.ts` as in
 * production (`npm run start:worker`, the compose file's worker service): the
 * web process answers webhooks, the worker routes and delivers. One process
 * doing both would measure one event loop, not the product.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface WorkerProcess {
  pid: number;
  stop(): Promise<void>;
}

export async function startWorkerProcess(ctx: Context, env: Record<string, string>): Promise<WorkerProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'bin/worker.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = once(child, 'exit');
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  // Ready when its routing and Telegram delivery workers are connected to their queues.
  const ready = await waitFor(
    async () =>
      child.exitCode === null &&
      (await ctx.queues.inbound.getWorkersCount()) > 0 &&
      (await ctx.queues.outbound.telegram.getWorkersCount()) > 0,
    30_000,
    100,
  );
  if (!ready || !child.pid) {
    await stop();
    throw new Error('the worker process did not start within 30 s');
  }
  return { pid: child.pid, stop };
}
