import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../bin/local/embedded-postgres.js';
import { LocalServiceError } from '../../bin/local/local-service-error.js';
import { isAlive } from '../../bin/local/process-files.js';
import { choosePostgres, chooseRedis } from '../../bin/local/services.js';

// What `npm run demo` and the test setup fall back to on a machine without PostgreSQL or Redis.
const base = mkdtempSync(join(tmpdir(), 'lijntje-local-'));
// mkdtemp makes it 0700; as root, PostgreSQL runs as another user who must get through to its cluster.
chmodSync(base, 0o755);
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** A pid that surely belongs to no running process any more. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout.trim());
}

describe('embedded PostgreSQL', () => {
  it('starts a real PostgreSQL with the contrib extensions, keeps its data across starts, and stops', async () => {
    const first = await startEmbeddedPostgres({ baseDir: base });
    // In the folder it was given (as root too: the service user can reach it), not a fallback elsewhere.
    expect(first.dataDir).toBe(join(base, 'pg'));
    const sql = postgres(first.url('postgres'), { max: 1, onnotice: () => {} });
    const [row] = await sql<{ v: string }[]>`select current_setting('server_version') as v`;
    expect(row!.v).toMatch(/^18\./);
    await sql`create extension if not exists pg_trgm`;
    await sql`create extension if not exists btree_gist`;
    await sql`create table kept (word text)`;
    await sql`insert into kept values ('Çağlar')`;
    // A UTF-8 cluster whose ctype knows letters beyond ASCII (lower() of Ç).
    const [lower] = await sql<{ l: string }[]>`select lower(word) as l from kept`;
    expect(lower!.l).toBe('çağlar');
    await sql.end();
    const pid = Number(readFileSync(join(first.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    await first.stop();
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(join(first.dataDir, 'postmaster.pid'))).toBe(false);

    const second = await startEmbeddedPostgres({ baseDir: base });
    const again = postgres(second.url('postgres'), { max: 1, onnotice: () => {} });
    expect(await again`select word from kept`).toEqual([{ word: 'Çağlar' }]);
    await again.end();
    await second.stop();
  });

  it('refuses a cluster another live process runs, and stops one whose owner died', async () => {
    const running = await startEmbeddedPostgres({ baseDir: base });
    const ownerFile = `${running.dataDir}.owner`;
    // Another live process (our parent, the test runner) claims it: leave it alone and say so.
    writeFileSync(ownerFile, `${process.ppid}\n`);
    await expect(startEmbeddedPostgres({ baseDir: base })).rejects.toThrow(/in use by another process \(pid \d+\) - is a demo already running\?/);

    // Its owner was killed hard: the next start stops the leftover and starts its own.
    writeFileSync(ownerFile, `${deadPid()}\n`);
    const next = await startEmbeddedPostgres({ baseDir: base });
    const sql = postgres(next.url('postgres'), { max: 1, onnotice: () => {} });
    expect(await sql`select 1 as ok`).toEqual([{ ok: 1 }]);
    await sql.end();
    await next.stop();
    await running.stop();
  });

  it('an explicit URL wins; never means never', async () => {
    const explicit = await choosePostgres({ explicitUrl: 'postgres://me:secret@db.example:5432/x', defaultUrl: 'postgres://postgres@127.0.0.1:1/x', mode: 'always', baseDir: base });
    expect(explicit.started).toBe(false);
    expect(explicit.description).toBe('postgres://me@db.example:5432/x');
    const err = await choosePostgres({ explicitUrl: null, defaultUrl: 'postgres://postgres@127.0.0.1:1/x', mode: 'never', baseDir: base }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LocalServiceError);
    expect((err as Error).message).toMatch(/No PostgreSQL answers on 127\.0\.0\.1:1 and EMBEDDED_POSTGRES=never/);
  });
});

describe('local redis-server', () => {
  it('starts from the PATH on a free port with its data in the folder, and stops', async () => {
    const redis = await chooseRedis({ explicitUrl: null, defaultUrl: 'redis://127.0.0.1:1', dir: join(base, 'redis'), persist: true });
    expect(redis.started).toBe(true);
    expect(redis.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    const pid = Number(readFileSync(join(base, 'redis', 'redis.pid'), 'utf8'));
    expect(isAlive(pid)).toBe(true);
    await redis.stop();
    expect(isAlive(pid)).toBe(false);
    // persist: the snapshot written at shutdown lands in the data folder.
    expect(existsSync(join(base, 'redis', 'dump.rdb'))).toBe(true);
  });

  it('without redis-server: one paragraph saying what is missing and how to get it', async () => {
    const err = await chooseRedis({ explicitUrl: null, defaultUrl: 'redis://127.0.0.1:1', dir: join(base, 'redis2'), persist: false, searchPath: join(base, 'empty') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LocalServiceError);
    const msg = (err as Error).message;
    expect(msg).not.toContain('\n');
    expect((err as Error).stack).toBe(msg);
    expect(msg).toContain('sudo apt install redis-server');
    expect(msg).toContain('brew install redis');
    expect(msg).toContain('docker compose up -d redis');
  });
});
