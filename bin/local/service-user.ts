import { spawnSync } from 'node:child_process';
import { LocalServiceError } from './local-service-error.js';

export interface ServiceUser {
  name: string;
  uid: number;
  gid: number;
}

/** The account we create when the machine has none to run PostgreSQL under. */
export const CREATED_USER = 'lijntje';

/**
 * PostgreSQL refuses to run as root. As root we run it under an unprivileged
 * account: `postgres` when the machine has one, else a system user `lijntje`
 * created for it (no home, no login). Not root: null, it runs as we do.
 */
export function serviceUser(): ServiceUser | null {
  if (process.getuid?.() !== 0) return null;
  const existing = lookupUser('postgres') ?? lookupUser(CREATED_USER);
  if (existing) return existing;
  createSystemUser(CREATED_USER);
  const created = lookupUser(CREATED_USER);
  if (!created) throw new LocalServiceError(`Could not create the system user "${CREATED_USER}" to run the embedded PostgreSQL under (it refuses to run as root). Create an unprivileged user named ${CREATED_USER} or postgres and run the same command again, or set DATABASE_URL to a PostgreSQL you have.`);
  return created;
}

export function lookupUser(name: string): ServiceUser | null {
  const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return null;
  return { name, uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
}

function createSystemUser(name: string) {
  // Debian/Ubuntu/Fedora have useradd; Alpine's busybox has adduser.
  const attempts: [string, string[]][] = [
    ['useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', name]],
    ['adduser', ['-S', '-D', '-H', '-s', '/sbin/nologin', name]],
  ];
  for (const [cmd, args] of attempts) {
    if (spawnSync(cmd, args, { stdio: 'ignore' }).status === 0) return;
  }
}

/** Whether `user` can enter `dir`: every folder above it must let them through (a 0700 home such as /root does not). */
export function canEnter(user: ServiceUser | null, dir: string): boolean {
  return asUser(user, 'cd -- "$1"', dir);
}

export function canExecute(user: ServiceUser | null, file: string): boolean {
  return asUser(user, 'test -x "$1"', file);
}

function asUser(user: ServiceUser | null, script: string, arg: string): boolean {
  const ids = user ? { uid: user.uid, gid: user.gid } : {};
  return spawnSync('/bin/sh', ['-c', script, 'sh', arg], { ...ids, stdio: 'ignore', cwd: '/' }).status === 0;
}
