// Starts what .ci/build-release produced - compiled JS, production dependencies
// only, nothing from the source checkout - the way the image and compose do,
// and checks it: migrations apply (dist/bin/migrate.js); the image's command
// (dist/bin/web.js, production) answers /healthz, renders a page from the
// copied views and serves a static file next to a worker (dist/bin/worker.js);
// compose's app command (dist/bin/demo-or-web.js) seeds and serves the demo;
// each stops cleanly on SIGTERM. Needs PostgreSQL and Redis on their default
// addresses (.ci/run starts them). Usage: npx tsx .ci/check-release.ts TARGET
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import postgres from 'postgres';
import { freePort } from '../bin/local/probe.js';

const target = resolve(process.argv[2] ?? '');
if (!existsSync(join(target, 'dist/bin/web.js'))) {
  console.error(`check-release: no build in ${target} (run .ci/build-release first)`);
  process.exit(1);
}

const dbName = `lijntje_release_${randomBytes(4).toString('hex')}`;
const baseEnv = {
  PATH: process.env.PATH ?? '',
  SECRET_KEY: randomBytes(24).toString('hex'),
  SUPPRESSION_KEY: `1:${randomBytes(24).toString('hex')}`,
  DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${dbName}`,
  REDIS_URL: 'redis://127.0.0.1:6379',
  QUEUE_PREFIX: `release-${randomBytes(3).toString('hex')}`,
  HOST: '127.0.0.1',
  LOG_LEVEL: 'info',
};
const children: ChildProcess[] = [];

class Failed extends Error {}
const fail = (why: string): never => {
  throw new Failed(why);
};

/** Runs `node <script>` in the release folder; resolves once `ready` shows in its output. */
async function start(script: string, env: Record<string, string>, ready: string) {
  const child = spawn(process.execPath, [script], { cwd: target, env: { ...baseEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const deadline = Date.now() + 60_000;
  while (!out.includes(ready)) {
    if (child.exitCode !== null) fail(`${script} exited ${child.exitCode}: ${out}`);
    if (Date.now() > deadline) fail(`${script}: no "${ready}" within 60 s: ${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    async stop() {
      child.kill('SIGTERM');
      const code = await exited;
      if (code !== 0) fail(`${script} exited ${code} on SIGTERM: ${out.slice(-2000)}`);
    },
  };
}

async function checkServes(port: number, what: string) {
  const base = `http://127.0.0.1:${port}`;
  const health = await fetch(`${base}/healthz`);
  if (health.status !== 200) fail(`${what}: /healthz answered ${health.status}: ${await health.text()}`);
  const login = await fetch(`${base}/login`);
  if (login.status !== 200 || !(await login.text()).includes('<form')) fail(`${what}: /login (views from dist/templates) answered ${login.status}`);
  const css = await fetch(`${base}/assets/style.css`);
  if (css.status !== 200) fail(`${what}: /assets/style.css (dist/web/public) answered ${css.status}`);
}

try {
  const migrate = spawnSync(process.execPath, ['dist/bin/migrate.js'], { cwd: target, env: { ...baseEnv, APP_ENV: 'production' }, encoding: 'utf8' });
  if (migrate.status !== 0 || !migrate.stdout.includes('migrations applied')) fail(`migrate.js exit ${migrate.status}: ${migrate.stdout}${migrate.stderr}`);

  const webPort = await freePort();
  const web = await start('dist/bin/web.js', { APP_ENV: 'production', PORT: String(webPort) }, `Server listening at http://127.0.0.1:${webPort}`);
  const worker = await start('dist/bin/worker.js', { APP_ENV: 'production' }, 'workers started');
  await checkServes(webPort, 'web.js');
  await web.stop();
  await worker.stop();

  // The worker's card PDFs need the font the build copies next to dist/templates/cards: render one card there.
  const card = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { renderCardsPdf } = await import('./dist/worker/card-pdf/index.js');
       const face = { variant: 'regular', language: 'nl', firstName: 'Çağlar', coach: { firstName: 'Anouk', phone: null, email: null, photo: null },
         municipality: { name: 'Roermond', primary: [85, 20, 0, 10], accent: [0, 60, 90, 0], logo: null },
         url: 'https://lijntje.test/k/abcdefghijklmnopqrstuv', shortUrl: 'https://lijntje.test/c/7K3M-9QXD', shortCode: '7K3M-9QXD', privacyUrl: 'https://lijntje.test/privacy', address: null };
       const r = await renderCardsPdf([face], process.argv[1], { layout: 'a6', addressSheets: false });
       console.log('pages ' + r.pages);`,
      join(tmpdir(), `check-release-${process.pid}.pdf`),
    ],
    { cwd: target, env: baseEnv, encoding: 'utf8' },
  );
  if (card.status !== 0 || !card.stdout.includes('pages 2')) fail(`card PDF from dist/ (fonts in dist/templates/cards/fonts?): exit ${card.status}: ${card.stdout}${card.stderr}`);

  const demoPort = await freePort();
  const demo = await start('dist/bin/demo-or-web.js', { APP_ENV: 'demo', PORT: String(demoPort) }, 'Lijntje demo is running');
  await checkServes(demoPort, 'demo-or-web.js');
  await demo.stop();
  console.log('check-release: ok (migrate.js; web.js + worker.js in production; demo-or-web.js in demo mode; each served /healthz, a view and a static file, and stopped cleanly; a card PDF rendered from dist/)');
} catch (err) {
  console.error(`check-release: ${err instanceof Failed ? err.message : String((err as Error).stack ?? err)}`);
  process.exitCode = 1;
} finally {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  const admin = postgres('postgres://postgres@127.0.0.1:5432/postgres', { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${dbName} with (force)`).catch(() => {});
  await admin.end();
}
