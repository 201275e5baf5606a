import postgres from 'postgres';

/**
 * Exactly one Baileys socket per WhatsApp account across all processes: a
 * second socket makes WhatsApp close the first (440 connectionReplaced) and
 * the two keep kicking each other out. We hold a PostgreSQL session-level
 * advisory lock for the socket's lifetime, on a dedicated connection, because
 * such a lock lives exactly as long as that connection: a crashed process
 * releases it by itself.
 */
export interface SessionLock {
  acquired: boolean;
  /** Unlocks and closes the dedicated connection. Safe to call twice. */
  release(): Promise<void>;
}

export interface SessionLockOptions {
  /**
   * Called when the lock connection closes without release() (network
   * failure, server restart): the lock is gone, so the caller must stop its
   * socket - another process may already hold the account.
   */
  onLost?: () => void;
}

export async function acquireSessionLock(
  databaseUrl: string,
  session: string,
  opts: SessionLockOptions = {},
): Promise<SessionLock> {
  let released = false;
  let acquired = false;
  const sql = postgres(databaseUrl, {
    max: 1,
    // postgres.js recycles connections after 30-60 min by default and could
    // close idle ones; either would silently drop the lock.
    max_lifetime: null,
    idle_timeout: 0,
    onnotice: () => {},
    connection: { application_name: 'lijntje-wa-lock' },
    onclose: () => {
      if (acquired && !released) opts.onLost?.();
    },
  });

  const release = async () => {
    if (released) return;
    released = true;
    try {
      if (acquired) await sql`select pg_advisory_unlock(hashtext(${'wa:' + session}))`;
    } catch {
      // Closing the connection below releases a session-level lock anyway.
    } finally {
      await sql.end({ timeout: 5 });
    }
  };

  try {
    const [row] = await sql<{ ok: boolean }[]>`select pg_try_advisory_lock(hashtext(${'wa:' + session})) as ok`;
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
