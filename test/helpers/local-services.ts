import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { choosePostgres, chooseRedis, type ChosenService } from '../../bin/local/services.js';
import { DEFAULT_TEST_PG_BASE, DEFAULT_TEST_REDIS_URL } from './test-env.js';

/**
 * The same choice `npm run demo` makes, for a test run: TEST_DATABASE_URL /
 * TEST_REDIS_URL when set, else what answers on the default address, else a
 * throwaway embedded PostgreSQL and redis-server in a temporary folder
 * (removed at the end). Returns the URLs and how to stop what was started.
 * TEST_LOCAL_SERVICES=always starts the local ones even when the defaults
 * answer (to run tests the way a machine without PostgreSQL does).
 */
export async function testServices(): Promise<{ pgBase: string; redisUrl: string; said: string[]; stop(): Promise<void> }> {
  const started: ChosenService[] = [];
  const force = process.env.TEST_LOCAL_SERVICES === 'always';
  const temp = mkdtempSync(join(tmpdir(), 'lijntje-test-'));
  // mkdtemp makes it 0700; as root, PostgreSQL runs as another user who must get through to its cluster.
  chmodSync(temp, 0o755);
  const stop = async () => {
    for (const s of started.reverse()) await s.stop().catch(() => {});
    rmSync(temp, { recursive: true, force: true });
  };
  try {
    const pg = await choosePostgres({
      explicitUrl: process.env.TEST_DATABASE_URL ?? null,
      defaultUrl: DEFAULT_TEST_PG_BASE,
      mode: force ? 'always' : 'auto',
      baseDir: temp,
      // A throwaway cluster: speed over durability, and room for test files running side by side.
      settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '300' },
    });
    started.push(pg);
    const redis = await chooseRedis({ explicitUrl: process.env.TEST_REDIS_URL ?? null, defaultUrl: DEFAULT_TEST_REDIS_URL, dir: join(temp, 'redis'), persist: false, force });
    started.push(redis);
    return { pgBase: pg.url, redisUrl: redis.url, said: [pg, redis].filter((s) => s.started).map((s) => `tests use ${s.description}`), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
