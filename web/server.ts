import type { FastifyInstance } from 'fastify';

/** Listens, and on SIGTERM/SIGINT stops taking requests, drains, then runs `onClose` (workers, pools). */
export async function listen(app: FastifyInstance, opts: { host: string; port: number }) {
  await app.listen({ host: opts.host, port: opts.port });
  return app;
}

export function shutdownOnSignals(logger: { info(msg: string): void; error(o: object, msg: string): void }, stop: () => Promise<void>) {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received, shutting down`);
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => handler('SIGTERM'));
  process.once('SIGINT', () => handler('SIGINT'));
}
