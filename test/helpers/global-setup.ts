import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { runMigrations } from '../../db/migrate.js';
import { TEST_PG_BASE, dbUrl } from './test-env.js';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDb: string;
    runId: string;
  }
}

/**
 * Once per test run: a freshly migrated template database, named for this run
 * so two runs on one machine never touch each other's. Each test file clones it
 * (CREATE DATABASE ... TEMPLATE), which takes milliseconds. Teardown drops the
 * template and every database this run created.
 */
export default async function setup(project: TestProject) {
  const runId = randomBytes(4).toString('hex');
  const templateDb = `lijntje_tpl_${runId}`;
  const admin = postgres(TEST_PG_BASE, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${templateDb}`);
  } finally {
    await admin.end();
  }
  await runMigrations(dbUrl(templateDb));
  project.provide('templateDb', templateDb);
  project.provide('runId', runId);

  return async () => {
    const a = postgres(TEST_PG_BASE, { max: 1, onnotice: () => {} });
    try {
      const mine = await a<{ datname: string }[]>`
        select datname from pg_database
        where datname = ${templateDb} or starts_with(datname, ${`lijntje_t_${runId}_`})`;
      for (const { datname } of mine) await a.unsafe(`drop database if exists "${datname}" with (force)`);
    } finally {
      await a.end();
    }
  };
}
