// Applies migrations and exits: 0 on success, 1 on bad config, 2 on a failed migration.
import { loadEnv } from '../core/env.js';
import { ConfigError } from '../core/errors.js';
import { createLogger } from '../core/logger.js';
import { ensureDatabase, runMigrations } from '../db/migrate.js';

try {
  const env = loadEnv();
  await ensureDatabase(env.databaseUrl);
  await runMigrations(env.databaseUrl);
  console.log('migrations applied');
} catch (err) {
  if (err instanceof ConfigError) console.error(err.message);
  // Through the logger's error serializer like every other error: a failed statement's values stay out.
  else createLogger({ level: 'info' }).fatal({ err }, 'migration failed');
  process.exit(err instanceof ConfigError ? 1 : 2);
}
