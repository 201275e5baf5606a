import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireSessionLock } from '../../bot/channels/whatsapp/lock.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

let iso: Isolated;
beforeAll(async () => {
  iso = await isolated();
});
afterAll(async () => iso?.destroy());

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('acquireSessionLock', () => {
  it('refuses a second holder until the first releases', async () => {
    const url = iso.env.databaseUrl;
    const first = await acquireSessionLock(url, 'account-1');
    expect(first.acquired).toBe(true);

    const second = await acquireSessionLock(url, 'account-1');
    expect(second.acquired).toBe(false);
    await second.release(); // a no-op, but callers may call it anyway

    // Another account is independent.
    const other = await acquireSessionLock(url, 'account-2');
    expect(other.acquired).toBe(true);

    await first.release();
    await first.release(); // twice is harmless
    const third = await acquireSessionLock(url, 'account-1');
    expect(third.acquired).toBe(true);
    await third.release();
    await other.release();
  });

  it('reports a lost lock when its connection dies, and the account becomes free', async () => {
    const url = iso.env.databaseUrl;
    let lost = 0;
    const lock = await acquireSessionLock(url, 'account-3', { onLost: () => lost++ });
    expect(lock.acquired).toBe(true);

    const admin = postgres(url, { max: 1, onnotice: () => {} });
    try {
      await admin`select pg_terminate_backend(pid) from pg_stat_activity
                  where datname = ${iso.dbName} and application_name = 'lijntje-wa-lock'`;
    } finally {
      await admin.end();
    }
    await until(() => lost > 0);
    expect(lost).toBe(1);

    const next = await acquireSessionLock(url, 'account-3');
    expect(next.acquired).toBe(true);
    await next.release();
    await lock.release();
    expect(lost).toBe(1);
  });
});
