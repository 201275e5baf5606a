import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, describe, expect, it, inject } from 'vitest';
import { runMigrations } from '../../db/migrate.js';
import { TEST_PG_BASE, TEST_REDIS_URL, dbUrl } from '../helpers/test-env.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const created: string[] = [];

async function freshEmptyDb() {
  const name = `lijntje_t_${inject('runId')}_${randomBytes(5).toString('hex')}`;
  const admin = postgres(TEST_PG_BASE, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  created.push(name);
  return dbUrl(name);
}

function run(script: string, env: Record<string, string>) {
  return new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: ROOT,
      // A clean environment: only what the test passes (plus PATH/HOME for node itself).
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

afterAll(async () => {
  const admin = postgres(TEST_PG_BASE, { max: 1, onnotice: () => {} });
  for (const name of created) await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
});

describe('migrations', () => {
  it('apply once even when several processes start at the same time (advisory lock)', async () => {
    const url = await freshEmptyDb();
    await Promise.all([runMigrations(url), runMigrations(url), runMigrations(url)]);
    const sql = postgres(url, { max: 1 });
    const applied = await sql`select count(*)::int as n from drizzle.__drizzle_migrations`;
    const tables = await sql`select count(*)::int as n from information_schema.tables where table_schema = 'public'`;
    await sql.end();
    expect(applied[0]!.n).toBeGreaterThanOrEqual(1);
    expect(tables[0]!.n).toBeGreaterThanOrEqual(10);
  });
});

describe('entry points', () => {
  it('exit 1 with a clear message on invalid config', async () => {
    const r = await run('bin/start.ts', { APP_ENV: 'production' });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/SECRET_KEY/);
    const bad = await run('bin/migrate.ts', { APP_ENV: 'test', PORT: 'eighty' });
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/PORT/);
  });

  it('exit non-zero when the database cannot be migrated', async () => {
    const r = await run('bin/start.ts', { APP_ENV: 'test', DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere', LOG_LEVEL: 'fatal' });
    expect(r.code).toBe(2);
    const m = await run('bin/migrate.ts', { APP_ENV: 'test', DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere' });
    expect(m.code).toBe(2);
  });

  it('start, answer /healthz, and stop cleanly on SIGTERM', async () => {
    const url = await freshEmptyDb();
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/start.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        APP_ENV: 'test',
        DATABASE_URL: url,
        // The run's Redis, which is not on the default address where the setup started its own.
        REDIS_URL: TEST_REDIS_URL,
        PORT: '0',
        HOST: '127.0.0.1',
        QUEUE_PREFIX: `t-${randomBytes(4).toString('hex')}`,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const port = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no listen line: ${out}`)), 20_000);
      const check = () => {
        const m = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
        if (m) {
          clearTimeout(t);
          resolve(m[1]!);
        } else setTimeout(check, 50);
      };
      check();
    });
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(200);
    const code = await new Promise<number | null>((resolve) => {
      child.on('exit', resolve);
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
    expect(out).toContain('SIGTERM received');
  });
});
