import { describe, expect, it } from 'vitest';
import { loadEnv } from '../../core/env.js';
import { ConfigError } from '../../core/errors.js';

describe('loadEnv', () => {
  it('has working defaults for demo and test', () => {
    const env = loadEnv({ APP_ENV: 'demo' });
    expect(env.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/lijntje');
    expect(env.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(env.port).toBe(3000);
    expect(env.publicUrl).toBe('http://localhost:3000');
    expect(env.secureCookies).toBe(false);
  });

  it('tells whether the database and Redis were given, so the demo knows when it may start its own', () => {
    const bare = loadEnv({ APP_ENV: 'demo' });
    expect(bare.local).toEqual({ databaseUrlGiven: false, redisUrlGiven: false, embeddedPostgres: 'auto', dataDir: '.data' });
    const given = loadEnv({ APP_ENV: 'demo', DATABASE_URL: 'postgres://x@db:5432/l', REDIS_URL: 'redis://r:6379', EMBEDDED_POSTGRES: 'always', DATA_DIR: '/srv/demo' });
    expect(given.local).toEqual({ databaseUrlGiven: true, redisUrlGiven: true, embeddedPostgres: 'always', dataDir: '/srv/demo' });
    expect(given.databaseUrl).toBe('postgres://x@db:5432/l');
    expect(() => loadEnv({ APP_ENV: 'demo', EMBEDDED_POSTGRES: 'sometimes' })).toThrow(/EMBEDDED_POSTGRES/);
  });

  it('requires SECRET_KEY in production', () => {
    expect(() => loadEnv({})).toThrow(ConfigError);
    expect(() => loadEnv({})).toThrow(/SECRET_KEY/);
    expect(() => loadEnv({ SECRET_KEY: 'x'.repeat(40) })).toThrow(/SUPPRESSION_KEY/);
    expect(loadEnv({ SECRET_KEY: 'x'.repeat(40), SUPPRESSION_KEY: `1:${'s'.repeat(40)}` }).appEnv).toBe('production');
  });

  it('reads SUPPRESSION_KEY as versioned keys: the highest writes, all are checked; mistakes are named', () => {
    const keys = loadEnv({ APP_ENV: 'test', SUPPRESSION_KEY: `1:${'a'.repeat(32)},2:${'b'.repeat(32)}` }).suppressionKeys;
    expect(keys.current.version).toBe(2);
    expect(keys.all.map((k) => k.version)).toEqual([2, 1]);
    expect(loadEnv({ APP_ENV: 'test', SUPPRESSION_KEY: 'c'.repeat(40) }).suppressionKeys.current).toEqual({ version: 1, key: 'c'.repeat(40) });
    expect(() => loadEnv({ APP_ENV: 'test', SUPPRESSION_KEY: `1:${'a'.repeat(32)},1:${'b'.repeat(32)}` })).toThrow(/version twice/);
    expect(() => loadEnv({ APP_ENV: 'test', SUPPRESSION_KEY: `1:${'a'.repeat(32)},2:short` })).toThrow(/at least 32/);
    expect(() => loadEnv({ APP_ENV: 'test', SUPPRESSION_KEY: `${'a'.repeat(32)},2:${'b'.repeat(32)}` })).toThrow(/needs a version/);
  });

  it('names every invalid setting in one message', () => {
    try {
      loadEnv({ APP_ENV: 'test', PORT: 'eighty', DATABASE_URL: 'mysql://x', SECRET_KEY: 'short' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const msg = (e as Error).message;
      expect(msg).toMatch(/PORT/);
      expect(msg).toMatch(/DATABASE_URL/);
      expect(msg).toMatch(/SECRET_KEY/);
    }
  });

  it('treats empty values as unset and turns on Secure cookies behind https', () => {
    const env = loadEnv({ APP_ENV: 'test', PUBLIC_URL: 'https://lijntje.example.nl/', PORT: '' });
    expect(env.publicUrl).toBe('https://lijntje.example.nl');
    expect(env.secureCookies).toBe(true);
    expect(env.port).toBe(3000);
  });

  it('lets defaults fill only what the source leaves unset', () => {
    expect(loadEnv({}, { APP_ENV: 'demo' }).appEnv).toBe('demo');
    expect(loadEnv({ APP_ENV: 'test' }, { APP_ENV: 'demo' }).appEnv).toBe('test');
  });
});
