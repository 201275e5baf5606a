import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * A fake Telegram Bot API on loopback (grammY's apiRoot points here), so no
 * benchmark traffic leaves the machine. Unlike the test helper it ENFORCES
 * Telegram's bot-wide limit: at most `perSecond` accepted sendMessage calls in
 * any sliding 1-second window, across all chats; a call beyond it gets 429
 * with parameters.retry_after = 1, as Telegram answers a bot that floods.
 * It answers at once: real Telegram adds ~50-100 ms per call, which the
 * delivery worker's concurrency is meant to hide.
 */
export interface AcceptedSend {
  chatId: number;
  text: string;
  at: number; // performance.now()
}

export async function startFakeBotApi(token: string, perSecond: number) {
  const accepted: AcceptedSend[] = [];
  // Times of accepted sends still inside the window; `head` skips expired ones without shifting the array.
  const window: number[] = [];
  let head = 0;
  let tooMany = 0;
  let otherCalls = 0;
  let messageId = 1000;

  const server = createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
    if (!m || m[1] !== token) return send(404, { ok: false, error_code: 404, description: 'Not Found' });
    const method = m[2]!;
    const payload = await readJson(req);
    if (method !== 'sendMessage') {
      otherCalls++;
      return send(200, { ok: true, result: true });
    }
    const now = performance.now();
    while (head < window.length && window[head]! <= now - 1000) head++;
    if (window.length - head >= perSecond) {
      tooMany++;
      return send(429, {
        ok: false,
        error_code: 429,
        description: 'Too Many Requests: retry after 1',
        parameters: { retry_after: 1 },
      });
    }
    window.push(now);
    if (head > 10_000) {
      window.splice(0, head);
      head = 0;
    }
    accepted.push({ chatId: Number(payload.chat_id), text: String(payload.text ?? ''), at: now });
    return send(200, {
      ok: true,
      result: {
        message_id: ++messageId,
        date: Math.floor(Date.now() / 1000),
        chat: { id: Number(payload.chat_id), type: 'private' },
        text: payload.text,
      },
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    accepted,
    /** Counters so far; a phase takes a snapshot before and after. */
    counters: () => ({ accepted: accepted.length, tooMany, otherCalls }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
export type FakeBotApi = Awaited<ReturnType<typeof startFakeBotApi>>;

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  if (!raw) return {};
  try {
    return JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return {};
  }
}
