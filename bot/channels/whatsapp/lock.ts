import { acquireProcessLock, type ProcessLock, type ProcessLockOptions } from '../../../db/process-lock.js';

/**
 * Exactly one Baileys socket per WhatsApp account across all processes: a
 * second socket makes WhatsApp close the first (440 connectionReplaced) and
 * the two keep kicking each other out. The socket lives under a PostgreSQL
 * advisory lock (see db/process-lock.ts).
 */
export type SessionLock = ProcessLock;
export type SessionLockOptions = Pick<ProcessLockOptions, 'onLost'>;

export function acquireSessionLock(databaseUrl: string, session: string, opts: SessionLockOptions = {}): Promise<SessionLock> {
  return acquireProcessLock(databaseUrl, `wa:${session}`, { ...opts, applicationName: 'lijntje-wa-lock' });
}
