import { createConnection, createServer } from 'node:net';

/** Whether something accepts a TCP connection there (we do not ask what it is). */
export function answers(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** A port nothing listens on right now (the kernel picks it; the short race until use is acceptable locally). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Polls `check` until it is true; throws `onTimeout()` after `timeoutMs`, or what `failed()` returns when it stops being worth waiting. */
export async function waitFor(
  check: () => Promise<boolean>,
  opts: { timeoutMs: number; failed?: () => Error | null; onTimeout: () => Error },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const failure = opts.failed?.();
    if (failure) throw failure;
    if (await check()) return;
    if (Date.now() > deadline) throw opts.onTimeout();
    await new Promise((r) => setTimeout(r, 150));
  }
}
