import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// No Docker engine runs here, so the compose file is checked for structure instead of being run.
const compose = parse(readFileSync(fileURLToPath(new URL('../docker-compose.yml', import.meta.url)), 'utf8'));
const read = (p: string) => readFileSync(fileURLToPath(new URL(`../${p}`, import.meta.url)), 'utf8');
const dockerfile = read('Dockerfile');

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
    expect(Object.keys(compose.volumes).sort()).toEqual(['cards', 'pgdata', 'redisdata']);
    // The worker writes card PDFs, the app serves them: both see the same volume, where CARD_PDF_DIR says.
    for (const name of ['app', 'worker']) expect(compose.services[name].volumes).toContain('cards:/var/lib/lijntje/cards');
    expect(compose.services.app.environment.CARD_PDF_DIR).toBe('/var/lib/lijntje/cards');
  });

  it('points app and worker at the compose services and at built entry points (node dist/..., no tsx)', () => {
    for (const name of ['app', 'worker']) {
      const env = compose.services[name].environment;
      expect(env.DATABASE_URL).toMatch(/@postgres:5432\//);
      expect(env.REDIS_URL).toBe('redis://redis:6379');
      const command: string[] = compose.services[name].command;
      expect(command[0]).toBe('node');
      expect(command.join(' ')).not.toMatch(/tsx/);
      const script = command.at(-1)!;
      expect(script).toMatch(/^dist\/bin\/[a-z-]+\.js$/);
      // dist/ is built from the source of the same name.
      expect(() => read(script.replace(/^dist\//, '').replace(/\.js$/, '.ts'))).not.toThrow();
    }
  });
});

describe('Dockerfile', () => {
  it('runs on the current Node LTS as a non-root user, from the build, without TypeScript at runtime', () => {
    const stages = dockerfile.split(/^FROM /m).slice(1);
    expect(stages.at(-1)).toMatch(/^node:24-bookworm-slim\s/);
    const runtime = stages.at(-1)!;
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^CMD \["node", "--enable-source-maps", "dist\/bin\/web\.js"\]$/m);
    expect(dockerfile).not.toMatch(/tsx/);
  });

  it('builds with the same script CI runs and then starts (so what breaks the image breaks CI first)', () => {
    expect(dockerfile).toMatch(/^RUN bash \.ci\/build-release \/app$/m);
    expect(read('.ci/run')).toMatch(/^bash \.ci\/build-release "\$release_dir\/app"$/m);
    expect(read('.ci/run')).toMatch(/^npx tsx \.ci\/check-release\.ts "\$release_dir\/app"$/m);
    expect(read('.ci/build-release')).toMatch(/npm ci --omit=dev/);
  });

  it('leaves nothing out of the build context that the build needs', () => {
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim()).filter(Boolean);
    for (const needed of ['bin', 'bot', 'core', 'db', 'templates', 'web', 'worker', '.ci', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']) {
      expect(ignored).not.toContain(needed);
    }
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.data']));
  });
});
