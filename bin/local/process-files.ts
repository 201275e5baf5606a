import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

/**
 * A service we start outlives us if this process is killed hard. Each one gets
 * an owner file with our pid, so the next start can tell a leftover (owner
 * gone: stop it) from a service another running demo still uses (leave it).
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The process's command line, to make sure a pid from a stale file still is what we think (pids are reused). */
export function commandLine(pid: number): string {
  try {
    // Linux; slim images have no ps.
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    const r = spawnSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : '';
  }
}

export function readPid(file: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').split('\n')[0] ?? '', 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

export function claimOwner(file: string) {
  writeFileSync(file, `${process.pid}\n`);
}

export function releaseOwner(file: string) {
  if (readPid(file) === process.pid) rmSync(file, { force: true });
}

/** Another live process owns the service (not us, not a dead one). */
export function otherOwner(file: string): number | null {
  const owner = readPid(file);
  return owner !== null && owner !== process.pid && isAlive(owner) ? owner : null;
}

/** Sends `signal` and waits until the process is gone; SIGKILL after `timeoutMs`. */
export async function stopPid(pid: number, signal: NodeJS.Signals, timeoutMs = 20_000): Promise<void> {
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone meanwhile */
      }
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
