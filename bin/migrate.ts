// Applies migrations and exits: 0 on success, 1 on bad config, 2 on a failed migration.
import { loadEnv } from '../core/env.js';
import { ConfigError } from '../core/errors.js';
import { ensureDatabase, runMigrations } from '../db/migrate.js';

try {
  const env = loadEnv();
  await ensureDatabase(env.databaseUrl);
  await runMigrations(env.databaseUrl);
  console.log('migrations applied');
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(err instanceof ConfigError ? 1 : 2);
}
