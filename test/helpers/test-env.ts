import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEnv, type Env } from '../../core/env.js';

/**
 * Tests may point elsewhere with TEST_DATABASE_URL / TEST_REDIS_URL; they never touch the dev database.
 * Without them and without a PostgreSQL / Redis on the default address, the global setup starts
 * local ones (test/helpers/local-services.ts) and sets these variables for the test processes.
 */
export const DEFAULT_TEST_PG_BASE = 'postgres://postgres@127.0.0.1:5432/postgres';
export const DEFAULT_TEST_REDIS_URL = 'redis://127.0.0.1:6379';
export const TEST_PG_BASE = process.env.TEST_DATABASE_URL ?? DEFAULT_TEST_PG_BASE;
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? DEFAULT_TEST_REDIS_URL;

export function dbUrl(name: string, base = TEST_PG_BASE): string {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

export function testEnv(overrides: Record<string, string> = {}): Env {
  return loadEnv({
    APP_ENV: 'test',
    DATABASE_URL: dbUrl('postgres'),
    REDIS_URL: TEST_REDIS_URL,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PORT: '0',
    PUBLIC_URL: 'http://lijntje.test',
    HOST: '127.0.0.1',
    // Tests sign in and post far more often than a person; test/integration/rate-limit.test.ts checks the limits.
    LOGIN_ATTEMPTS_PER_MINUTE: '10000',
    // Test files run side by side against one PostgreSQL (max_connections 100): small pools.
    DATABASE_POOL_SIZE: '10',
    CHAT_MESSAGES_PER_MINUTE: '10000',
    // Card PDFs of the tests: never in the repository's .data (file names are batch ids, so files share it safely).
    CARD_PDF_DIR: join(tmpdir(), 'lijntje-test-cards'),
    // The web chat's grace before an erasure: short here, the tests' browsers read at once.
    ERASURE_DELAY_MS: '300',
    ...overrides,
  });
}
