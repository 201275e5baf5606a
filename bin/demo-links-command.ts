import type { Env } from '../core/env.js';
import { createDatabase } from '../db/client.js';
import { demoSummary } from '../db/seed/demo.js';
import { demoLinkLines } from './demo-links.js';
import { runningEmbeddedPort } from './local/embedded-postgres.js';
import { LocalServiceError } from './local/local-service-error.js';
import { answers } from './local/probe.js';

/**
 * `npm run demo -- --links`: the logins and card links again, read from the
 * database the running demo uses - found the way the demo chose it.
 */
export async function printDemoLinks(env: Env): Promise<void> {
  const url = await localDatabaseUrl(env);
  const database = createDatabase(url, { max: 1 });
  try {
    const summary = await demoSummary(database.db);
    if (summary.logins.length === 0) throw new LocalServiceError('The demo database has no demo data yet. Start the demo with `npm run demo`.');
    console.log([...demoLinkLines(summary, env.publicUrl), ''].join('\n'));
  } catch (err) {
    if (err instanceof LocalServiceError) throw err;
    throw new LocalServiceError(`Could not read the demo's logins and cards (${(err as Error).message}). Is the demo running? Start it with \`npm run demo\`.`);
  } finally {
    await database.close();
  }
}

/** The database a local command should use: DATABASE_URL, else the default address, else the running demo's embedded one. */
export async function localDatabaseUrl(env: Env): Promise<string> {
  return demoDatabaseUrl(env, await defaultAnswers(env));
}

async function defaultAnswers(env: Env): Promise<boolean> {
  const u = new URL(env.databaseUrl);
  return answers(u.hostname, Number(u.port || 5432));
}

function demoDatabaseUrl(env: Env, defaultAnswers: boolean): string {
  if (env.local.databaseUrlGiven) return env.databaseUrl;
  if (env.local.embeddedPostgres !== 'always' && defaultAnswers) return env.databaseUrl;
  const port = env.local.embeddedPostgres === 'never' ? null : runningEmbeddedPort(env.local.dataDir);
  if (port === null) {
    throw new LocalServiceError('The demo does not seem to be running: no PostgreSQL answers on the default address and no embedded PostgreSQL runs. Start it with `npm run demo`, then ask again.');
  }
  const u = new URL(env.databaseUrl);
  u.hostname = '127.0.0.1';
  u.port = String(port);
  return u.toString();
}
