import { resolve } from 'node:path';
import { loadEnv, type Env } from '../core/env.js';
import { ConfigError } from '../core/errors.js';
import { seedDemo } from '../db/seed/demo.js';
import { seedDemoMonitoringHistory } from '../db/seed/monitoring-history.js';
import { hashPassword } from '../web/domain/login.js';
import { boot, type Role } from './boot.js';
import { createDemoLogger } from './demo-logger.js';
import { DEMO_PASSWORD, demoLinkLines } from './demo-links.js';
import { printDemoLinks } from './demo-links-command.js';
import { LocalServiceError } from './local/local-service-error.js';
import { choosePostgres, chooseRedis, shortPath, type ChosenService } from './local/services.js';

export { DEMO_PASSWORD };

/**
 * `local`: the developer's `npm run demo` - starts an embedded PostgreSQL and
 * a redis-server when none is configured or answers, logs to a file instead of
 * the console, and answers `--links`. Without it (the compose app service) the
 * configured services are used and logs go to stdout.
 */
export async function runDemo(roles: Role[], opts: { local?: boolean } = {}) {
  const pre = parseEnv();
  if (pre.appEnv === 'production') {
    console.error('Refusing to seed demo data with APP_ENV=production.');
    process.exit(1);
  }
  const dataDir = resolve(pre.local.dataDir);
  const logFile = `${dataDir}/demo.log`;
  let started: ChosenService[] = [];
  const envDefaults: Record<string, string> = { APP_ENV: 'demo' };
  const said: string[] = [];
  if (opts.local) {
    try {
      if (process.argv.includes('--links')) {
        await printDemoLinks(pre);
        return;
      }
      const { pg, redis } = await startLocalServices(pre, dataDir);
      started = [redis, pg];
      envDefaults.DATABASE_URL = pg.url;
      envDefaults.REDIS_URL = redis.url;
      said.push(`Database: ${pg.description}`, `Redis:    ${redis.description}`, `Log:      ${shortPath(logFile)} (requests and all; warnings and errors also here)`);
    } catch (err) {
      await stopAll(started);
      if (!(err instanceof LocalServiceError)) throw err;
      console.error(err.message);
      process.exit(1);
    }
    // Closing the terminal stops the demo as Ctrl+C does (PostgreSQL and Redis run in their own process group).
    process.once('SIGHUP', () => process.kill(process.pid, 'SIGTERM'));
  }

  const { env, ctx } = await boot(roles, {
    envDefaults,
    createDb: true,
    ...(opts.local ? { logger: (e: Env) => createDemoLogger({ level: e.logLevel, file: logFile }) } : {}),
    afterStop: () => stopAll(started),
  });
  const summary = await seedDemo(ctx.database.db, await hashPassword(DEMO_PASSWORD));
  // Anonymous events only, for /reports/monitoring; once (a restart finds it and adds nothing).
  const history = await seedDemoMonitoringHistory(ctx.database.db);
  if (history.seeded) said.push(`History:  ${history.events} anonymous monitoring events (current and previous half year) for /reports/monitoring`);
  const lines = [
    '',
    `Lijntje demo is running on ${env.publicUrl}`,
    ...said.map((l) => `  ${l}`),
    '',
    ...demoLinkLines(summary, env.publicUrl),
    '',
    ...(opts.local ? ['Show these again: npm run demo -- --links'] : []),
    'Stop with Ctrl+C.',
  ];
  console.log(lines.join('\n'));
}

function parseEnv(): Env {
  try {
    return loadEnv(undefined, { APP_ENV: 'demo' });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

async function startLocalServices(env: Env, dataDir: string): Promise<{ pg: ChosenService; redis: ChosenService }> {
  // Redis first: when it is missing the person hears so at once, not after PostgreSQL's first start.
  const redis = await chooseRedis({ explicitUrl: env.local.redisUrlGiven ? env.redisUrl : null, defaultUrl: env.redisUrl, dir: `${dataDir}/redis`, persist: true });
  try {
    const pg = await choosePostgres({
      explicitUrl: env.local.databaseUrlGiven ? env.databaseUrl : null,
      defaultUrl: env.databaseUrl,
      mode: env.local.embeddedPostgres,
      baseDir: dataDir,
    });
    return { pg, redis };
  } catch (err) {
    await redis.stop();
    throw err;
  }
}

async function stopAll(services: ChosenService[]) {
  for (const s of [...services].reverse()) await s.stop().catch(() => {});
}
