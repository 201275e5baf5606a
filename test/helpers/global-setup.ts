import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { runMigrations } from '../../db/migrate.js';
import { testServices } from './local-services.js';
import { dbUrl } from './test-env.js';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDb: string;
    runId: string;
  }
}

/**
 * Once per test run: PostgreSQL and Redis (configured, on the default address,
 * or started locally - see local-services.ts), handed to the test processes as
 * TEST_DATABASE_URL / TEST_REDIS_URL; then a freshly migrated template
 * database, named for this run so two runs on one machine never touch each
 * other's. Each test file clones it (CREATE DATABASE ... TEMPLATE), which takes
 * milliseconds. Teardown drops the template and every database this run
 * created, and stops what was started.
 */
export default async function setup(project: TestProject) {
  const services = await testServices();
  // Test processes are forked after this and inherit the environment (test-env.ts reads these).
  process.env.TEST_DATABASE_URL = services.pgBase;
  process.env.TEST_REDIS_URL = services.redisUrl;
  const base = services.pgBase;
  for (const line of services.said) console.log(line);

  const runId = randomBytes(4).toString('hex');
  const templateDb = `lijntje_tpl_${runId}`;
  try {
    const admin = postgres(base, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`create database ${templateDb}`);
    } finally {
      await admin.end();
    }
    await runMigrations(dbUrl(templateDb, base));
  } catch (err) {
    await services.stop();
    throw err;
  }
  project.provide('templateDb', templateDb);
  project.provide('runId', runId);

  return async () => {
    const a = postgres(base, { max: 1, onnotice: () => {} });
    try {
      const mine = await a<{ datname: string }[]>`
        select datname from pg_database
        where datname = ${templateDb} or starts_with(datname, ${`lijntje_t_${runId}_`})`;
      for (const { datname } of mine) await a.unsafe(`drop database if exists "${datname}" with (force)`);
    } finally {
      await a.end();
      await services.stop();
    }
  };
}
