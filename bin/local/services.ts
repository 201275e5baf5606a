import { join, relative, resolve } from 'node:path';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { LocalServiceError } from './local-service-error.js';
import { startLocalRedis } from './local-redis.js';
import { answers } from './probe.js';

export interface ChosenService {
  url: string;
  /** For a person: where the data is, or the URL without its password. */
  description: string;
  /** Whether we started it (else we only connect to it). */
  started: boolean;
  /** Stops what we started; a no-op for a service we only connect to. */
  stop(): Promise<void>;
}

const nothingToStop = async () => {};

/**
 * PostgreSQL for the demo and the tests, in this order: an explicit URL always
 * wins; else whatever answers on the default address (unless `mode` is
 * `always`); else the embedded PostgreSQL with its cluster in `<baseDir>/pg`
 * (unless `mode` is `never`).
 */
export async function choosePostgres(opts: {
  explicitUrl: string | null;
  defaultUrl: string;
  mode: 'auto' | 'always' | 'never';
  baseDir: string;
  settings?: Record<string, string>;
}): Promise<ChosenService> {
  if (opts.explicitUrl) return { url: opts.explicitUrl, description: withoutPassword(opts.explicitUrl), started: false, stop: nothingToStop };
  const address = new URL(opts.defaultUrl);
  const host = address.hostname;
  const port = Number(address.port || 5432);
  if (opts.mode !== 'always' && (await answers(host, port))) {
    return { url: opts.defaultUrl, description: withoutPassword(opts.defaultUrl), started: false, stop: nothingToStop };
  }
  if (opts.mode === 'never') {
    throw new LocalServiceError(`No PostgreSQL answers on ${host}:${port} and EMBEDDED_POSTGRES=never. Start one, set DATABASE_URL, or leave EMBEDDED_POSTGRES unset to use the embedded PostgreSQL.`);
  }
  const pg = await startEmbeddedPostgres({ baseDir: opts.baseDir, ...(opts.settings ? { settings: opts.settings } : {}) });
  const elsewhere = pg.dataDir !== join(resolve(opts.baseDir), 'pg');
  return {
    url: pg.url(decodeURIComponent(address.pathname.slice(1)) || 'postgres'),
    description: `embedded PostgreSQL in ${shortPath(pg.dataDir)}${elsewhere ? ` (as root it runs as an unprivileged user, who cannot reach ${shortPath(resolve(opts.baseDir))})` : ''}`,
    started: true,
    stop: () => pg.stop(),
  };
}

/** Redis likewise: explicit URL, else the default address, else redis-server from the PATH with its data in `dir`. */
export async function chooseRedis(opts: {
  explicitUrl: string | null;
  defaultUrl: string;
  dir: string;
  persist: boolean;
  /** Start one even though the default address answers (tests of this very path). */
  force?: boolean;
  searchPath?: string;
}): Promise<ChosenService> {
  if (opts.explicitUrl) return { url: opts.explicitUrl, description: withoutPassword(opts.explicitUrl), started: false, stop: nothingToStop };
  const address = new URL(opts.defaultUrl);
  if (!opts.force && (await answers(address.hostname, Number(address.port || 6379)))) {
    return { url: opts.defaultUrl, description: withoutPassword(opts.defaultUrl), started: false, stop: nothingToStop };
  }
  const redis = await startLocalRedis({ dir: opts.dir, persist: opts.persist, ...(opts.searchPath !== undefined ? { searchPath: opts.searchPath } : {}) });
  return { url: redis.url, description: `redis-server from the PATH, data in ${shortPath(redis.dir)}`, started: true, stop: () => redis.stop() };
}

export function withoutPassword(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '';
  return u.toString().replace(/:@/, '@');
}

/** Relative to where the person started the command when it is below it (".data/pg"), else absolute. */
export function shortPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}
