import postgres from 'postgres';

/**
 * "Exactly one process does this" across every worker of a deployment: one
 * WhatsApp socket per account, one Telegram poller per bot. A PostgreSQL
 * session-level advisory lock, held on a dedicated connection, because such a
 * lock lives exactly as long as that connection: a crashed process releases
 * it by itself, and nobody has to clean up after it.
 */
export interface ProcessLock {
  acquired: boolean;
  /** Unlocks and closes the dedicated connection. Safe to call twice. */
  release(): Promise<void>;
}

export interface ProcessLockOptions {
  /**
   * Called when the lock connection closes without release() (network
   * failure, server restart): the lock is gone, so the caller must stop what
   * it guards - another process may already hold it.
   */
  onLost?: () => void;
  /** Shows in pg_stat_activity, so an operator can see who holds what. */
  applicationName?: string;
}

/** Tries once; `acquired: false` when another process holds `key` (callers retry later). */
export async function acquireProcessLock(databaseUrl: string, key: string, opts: ProcessLockOptions = {}): Promise<ProcessLock> {
  let released = false;
  let acquired = false;
  const sql = postgres(databaseUrl, {
    max: 1,
    // postgres.js recycles connections after 30-60 min by default and could
    // close idle ones; either would silently drop the lock.
    max_lifetime: null,
    idle_timeout: 0,
    onnotice: () => {},
    connection: { application_name: opts.applicationName ?? 'lijntje-lock' },
    onclose: () => {
      if (acquired && !released) opts.onLost?.();
    },
  });

  const release = async () => {
    if (released) return;
    released = true;
    try {
      if (acquired) await sql`select pg_advisory_unlock(hashtext(${key}))`;
    } catch {
      // Closing the connection below releases a session-level lock anyway.
    } finally {
      await sql.end({ timeout: 5 });
    }
  };

  try {
    const [row] = await sql<{ ok: boolean }[]>`select pg_try_advisory_lock(hashtext(${key})) as ok`;
    acquired = row?.ok === true;
  } catch (err) {
    await sql.end({ timeout: 5 }).catch(() => {});
    throw err;
  }
  if (!acquired) {
    await release();
    return { acquired: false, release: async () => {} };
  }
  return { acquired: true, release };
}
