import type { FastifyReply } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** Registers an open SSE stream so shutdown can end it instead of waiting forever. */
    trackStream(reply: FastifyReply, cleanup: () => void): void;
  }
}

/**
 * SSE connections never end by themselves, so `app.close()` (graceful
 * shutdown, and every test) would wait on them. Before closing, each open
 * stream is told to end; browsers reconnect to another instance on their own.
 */
export const liveStreamsPlugin = fp(
  async (app) => {
    const open = new Map<FastifyReply, () => void>();
    app.decorate('trackStream', (reply: FastifyReply, cleanup: () => void) => {
      open.set(reply, cleanup);
      reply.sse.onClose(() => {
        open.get(reply)?.();
        open.delete(reply);
      });
    });
    app.addHook('preClose', async () => {
      for (const [reply, cleanup] of open) {
        cleanup();
        reply.sse.close();
      }
      open.clear();
    });
  },
  { name: 'live-streams', dependencies: ['@fastify/sse'] },
);
