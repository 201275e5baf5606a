import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// No Docker engine runs here, so the compose file is checked for structure instead of being run.
const compose = parse(readFileSync(fileURLToPath(new URL('../docker-compose.yml', import.meta.url)), 'utf8'));
const dockerfile = readFileSync(fileURLToPath(new URL('../Dockerfile', import.meta.url)), 'utf8');

describe('docker-compose.yml', () => {
  it('runs postgres, redis, the app and a separate worker', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['app', 'postgres', 'redis', 'worker']);
  });

  it('gives every service a health check or waits for healthy dependencies', () => {
    for (const name of ['postgres', 'redis', 'app']) expect(compose.services[name].healthcheck?.test).toBeTruthy();
    for (const name of ['app', 'worker']) {
      expect(compose.services[name].depends_on).toEqual({
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
    }
  });

  it('keeps data in named volumes', () => {
    expect(compose.services.postgres.volumes).toContain('pgdata:/var/lib/postgresql/data');
    expect(compose.services.redis.volumes).toContain('redisdata:/data');
    expect(Object.keys(compose.volumes).sort()).toEqual(['pgdata', 'redisdata']);
  });

  it('points app and worker at the compose services and existing entry points', () => {
    for (const name of ['app', 'worker']) {
      const env = compose.services[name].environment;
      expect(env.DATABASE_URL).toMatch(/@postgres:5432\//);
      expect(env.REDIS_URL).toBe('redis://redis:6379');
      const script = compose.services[name].command.at(-1);
      expect(() => readFileSync(fileURLToPath(new URL(`../${script}`, import.meta.url)))).not.toThrow();
    }
  });

  it('builds from a Dockerfile that copies every runtime folder', () => {
    for (const dir of ['bin', 'bot', 'core', 'db', 'templates', 'web', 'worker']) expect(dockerfile).toContain(`COPY ${dir} ./${dir}`);
  });
});
