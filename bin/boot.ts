import { loadEnv, type Env } from '../core/env.js';
import { ConfigError } from '../core/errors.js';
import { createLogger, type Logger } from '../core/logger.js';
import { listen, shutdownOnSignals } from '../web/server.js';
import { createContext } from './context.js';
import { buildServices, buildWebApp } from './services.js';

export type Role = 'web' | 'worker';

/**
 * Shared by the entry points: parse config (exit 1 with a clear message when
 * invalid), migrate (exit non-zero on failure), start the requested roles and
 * shut them down gracefully on SIGTERM.
 */
export async function boot(
  roles: Role[],
  opts: {
    envDefaults?: Record<string, string>;
    createDb?: boolean;
    /** Defaults to JSON lines on stdout at LOG_LEVEL. */
    logger?: (env: Env) => Logger;
    /** Runs after everything else stopped (the demo's local PostgreSQL and Redis). */
    afterStop?: () => Promise<void>;
  } = {},
) {
  let env: Env;
  try {
    env = loadEnv(undefined, opts.envDefaults);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger = opts.logger?.(env) ?? createLogger({ level: env.logLevel });
  let ctx;
  try {
    ctx = await createContext(env, logger, { createDb: opts.createDb });
  } catch (err) {
    logger.fatal({ err }, 'startup failed (database migration or connection)');
    process.exit(2);
  }

  const stops: (() => Promise<void>)[] = [];
  const services = buildServices(ctx);
  if (roles.includes('worker')) {
    const running = services.channels.startWorkers();
    stops.push(() => running.stop());
    logger.info('workers started');
  }
  if (roles.includes('web')) {
    const app = await buildWebApp(ctx, services);
    await listen(app, { host: env.host, port: env.port });
    await services.channels.registerTelegramWebhook();
    // Stop HTTP first so no new work arrives while workers drain.
    stops.unshift(() => app.close());
  }
  shutdownOnSignals(logger, async () => {
    for (const stop of stops) await stop();
    await ctx.close();
    await opts.afterStop?.();
  });
  return { env, logger, ctx };
}
