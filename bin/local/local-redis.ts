import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join, resolve } from 'node:path';
import { childProcessEnv } from '../../core/env.js';
import { LocalServiceError } from './local-service-error.js';
import { claimOwner, commandLine, isAlive, otherOwner, readPid, releaseOwner, stopPid } from './process-files.js';
import { freePort, waitFor } from './probe.js';

export const REDIS_MISSING =
  'Lijntje needs Redis, and there is none: REDIS_URL is not set, nothing answers on 127.0.0.1:6379, and there is no redis-server on the PATH to start one. ' +
  'Install it and run the same command again - Debian/Ubuntu: `sudo apt install redis-server`, macOS: `brew install redis`, or with Docker: `docker compose up -d redis`. ' +
  '(Or set REDIS_URL to a Redis you have.)';

export interface LocalRedis {
  dir: string;
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts `redis-server` from the PATH on a free loopback port with its data in
 * `dir` (no registry package ships a Redis server). Own process group, so
 * Ctrl+C reaches only us and the app drains before Redis stops; `persist`
 * keeps queued ids across runs (a snapshot on stop), tests pass false.
 */
export async function startLocalRedis(opts: { dir: string; persist: boolean; searchPath?: string }): Promise<LocalRedis> {
  const bin = onPath('redis-server', opts.searchPath);
  if (!bin) throw new LocalServiceError(REDIS_MISSING);
  const dir = resolve(opts.dir);
  mkdirSync(dir, { recursive: true });
  const pidFile = join(dir, 'redis.pid');
  const ownerFile = join(dir, 'owner.pid');
  await clearLeftover(pidFile, ownerFile, dir);

  const port = await freePort();
  const child = spawn(
    bin,
    [
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--dir', dir,
      '--pidfile', pidFile,
      '--logfile', join(dir, 'redis.log'),
      '--daemonize', 'no',
      '--appendonly', 'no',
      '--save', opts.persist ? '60 1' : '',
    ],
    { detached: true, stdio: 'ignore' },
  );
  claimOwner(ownerFile);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const killOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  process.once('exit', killOnExit);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      // SIGTERM: Redis writes its snapshot (when persisting) and exits.
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
    releaseOwner(ownerFile);
  };

  const failed = () => new LocalServiceError(`redis-server (${bin}) did not start; see ${join(dir, 'redis.log')}.`);
  await waitFor(() => pong(port), {
    timeoutMs: 20_000,
    failed: () => (child.exitCode !== null || child.signalCode !== null ? failed() : null),
    onTimeout: failed,
  }).catch(async (err: unknown) => {
    await stop();
    throw err;
  });
  return { dir, url: `redis://127.0.0.1:${port}`, stop };
}

/** `searchPath` defaults to this process's PATH (tests pass one without Redis). */
export function onPath(name: string, searchPath?: string): string | null {
  const env = childProcessEnv(searchPath === undefined ? {} : { PATH: searchPath });
  const r = spawnSync('/bin/sh', ['-c', 'command -v "$1"', 'sh', name], { encoding: 'utf8', env });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : null;
}

async function clearLeftover(pidFile: string, ownerFile: string, dir: string) {
  const pid = readPid(pidFile);
  if (pid === null || !isAlive(pid) || !commandLine(pid).includes('redis-server')) return;
  const owner = otherOwner(ownerFile);
  if (owner !== null) {
    throw new LocalServiceError(`The local redis-server in ${dir} is in use by another process (pid ${owner}) - is a demo already running? Stop it first, or set DATA_DIR to another folder.`);
  }
  await stopPid(pid, 'SIGTERM');
}

function pong(port: number): Promise<boolean> {
  return new Promise((resolvePong) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let answer = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolvePong(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      answer += d.toString();
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
  });
}
