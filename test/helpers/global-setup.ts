import postgres from 'postgres';
import { runMigrations } from '../../db/migrate.js';
import { TEMPLATE_DB, TEST_PG_BASE, dbUrl } from './test-env.js';

/**
 * Once per test run: a freshly migrated template database. Each test file then
 * clones it (CREATE DATABASE ... TEMPLATE), which takes milliseconds.
 */
export default async function setup() {
  const admin = postgres(TEST_PG_BASE, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${TEMPLATE_DB} with (force)`);
    await admin.unsafe(`create database ${TEMPLATE_DB}`);
    // Leftovers of an interrupted earlier run.
    const stale = await admin<{ datname: string }[]>`select datname from pg_database where starts_with(datname, 'lijntje_t_')`;
    for (const { datname } of stale) await admin.unsafe(`drop database if exists "${datname}" with (force)`);
  } finally {
    await admin.end();
  }
  await runMigrations(dbUrl(TEMPLATE_DB));
}
