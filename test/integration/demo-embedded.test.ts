import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive } from '../../bin/local/process-files.js';
import { freePort } from '../../bin/local/probe.js';
import { TEST_REDIS_URL } from '../helpers/test-env.js';

// `npm run demo` on a machine without PostgreSQL, forced (EMBEDDED_POSTGRES=always) even where one runs.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'lijntje-demo-'));
// mkdtemp makes it 0700; as root, PostgreSQL runs as another user who must get through to its cluster.
chmodSync(dataDir, 0o755);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('npm run demo on the embedded PostgreSQL', () => {
  it('starts, says which database it uses, answers /healthz, keeps requests off the console, prints the links again, and stops cleanly', async () => {
    const port = await freePort();
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      EMBEDDED_POSTGRES: 'always',
      DATA_DIR: dataDir,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: `t-demo-${randomBytes(4).toString('hex')}`,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
    };
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/demo.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const deadline = Date.now() + 90_000;
      while (!out.includes('Stop with Ctrl+C.')) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`demo did not come up: ${out}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(out).toContain(`Database: embedded PostgreSQL in ${join(dataDir, 'pg')}`);
      expect(out).toMatch(/Log: +.*demo\.log/);
      expect(out).toContain(`http://localhost:${port}/k/`);

      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok', db: 'up', redis: 'up' });
      expect((await fetch(`http://127.0.0.1:${port}/login`)).status).toBe(200);

      // The request log goes to the file; the console keeps what a person reads.
      await new Promise((r) => setTimeout(r, 300));
      expect(readFileSync(join(dataDir, 'demo.log'), 'utf8')).toContain('request completed');
      expect(out).not.toContain('request completed');
      expect(out).not.toContain('"level"');

      const links = spawnSync(process.execPath, ['--import', 'tsx', 'bin/demo.ts', '--links'], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
      expect(links.status).toBe(0);
      expect(links.stdout).toContain('michelle@oost.demo');
      expect(links.stdout).toMatch(new RegExp(`Sigfrid \\(Roermond, coach Michelle\\) +http://localhost:${port}/k/[A-Za-z0-9_-]+`));
    } finally {
      const pgPid = Number(readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(isAlive(pgPid)).toBe(false);
      expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
      expect(existsSync(join(dataDir, 'pg.owner'))).toBe(false);
    }
  });
});
