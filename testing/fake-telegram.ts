import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * A fake Telegram Bot API on loopback: grammY's `client.apiRoot` points here,
 * so no test or benchmark traffic leaves the machine. It records every call
 * it accepts, answers the way Telegram does (sendMessage, getUpdates with
 * offsets and one long poll per bot - a second gets 409 -, getMe, the rest
 * `true`), and answers 429 with retry_after when told to or, with
 * `perSecond`, beyond Telegram's bot-wide limit: at most that many accepted
 * sendMessage calls in any sliding second, across all chats. It answers at
 * once; real Telegram takes ~50-100 ms per call and also limits each chat to
 * about one message a second, which the fake does not enforce.
 */
export interface RecordedCall {
  method: string;
  payload: Record<string, unknown>;
  /** performance.now() when the call was accepted. */
  at: number;
}

export interface FakeTelegramOptions {
  /** Enforce Telegram's bot-wide limit: accepted sendMessage calls per sliding second (off by default). */
  perSecond?: number;
}

export async function startFakeTelegram(token: string, opts: FakeTelegramOptions = {}) {
  const calls: RecordedCall[] = [];
  let sendCount = 0;
  let messageId = 1000;
  // 429s: told to (the next n, or every other one), or beyond perSecond.
  let tooManyLeft = 0;
  let retryAfterS = 1;
  let everyOther = false;
  let sendCalls = 0;
  let tooMany = 0;
  // Times of accepted sends still inside the sliding second; `head` skips expired ones without shifting the array.
  const window: number[] = [];
  let head = 0;
  // Polling mode: updates waiting for getUpdates, confirmed by the next call's offset (as Telegram does).
  let pending: { update_id: number }[] = [];
  // Two long polls for one bot at once: Telegram answers 409 Conflict ("terminated by other getUpdates request").
  let longPolls = 0;
  let conflicts = 0;
  let maxLongPolls = 0;

  function overLimit(now: number): boolean {
    if (!opts.perSecond) return false;
    while (head < window.length && window[head]! <= now - 1000) head++;
    if (window.length - head >= opts.perSecond) return true;
    window.push(now);
    if (head > 10_000) {
      window.splice(0, head);
      head = 0;
    }
    return false;
  }

  const server = createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
    if (!m || m[1] !== token) return send(404, { ok: false, error_code: 404, description: 'Not Found' });
    const method = m[2]!;
    const payload = await readJson(req);
    const now = performance.now();
    if (method === 'sendMessage') {
      const told = tooManyLeft > 0 || (everyOther && sendCalls++ % 2 === 0);
      if (told || overLimit(now)) {
        if (tooManyLeft > 0) tooManyLeft--;
        tooMany++;
        const after = told ? retryAfterS : 1;
        return send(429, {
          ok: false,
          error_code: 429,
          description: `Too Many Requests: retry after ${after}`,
          parameters: { retry_after: after },
        });
      }
    }
    calls.push({ method, payload, at: now });
    switch (method) {
      case 'getUpdates': {
        // A long poll (timeout > 0) counts while it is open; grammY's stop() confirms with a short one (timeout 0).
        if (Number(payload.timeout ?? 0) > 0) {
          if (longPolls > 0) {
            conflicts++;
            return send(409, { ok: false, error_code: 409, description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running' });
          }
          longPolls++;
          maxLongPolls = Math.max(maxLongPolls, longPolls);
          // Ends when answered or when the client aborts it (grammY's stop()), whichever comes first.
          let open = true;
          const ended = () => {
            if (open) longPolls--;
            open = false;
          };
          res.once('finish', ended);
          res.once('close', ended);
        }
        const offset = Number(payload.offset ?? 0);
        pending = pending.filter((u) => u.update_id >= offset);
        // A short long-poll: an empty answer after a moment, so a polling bot does not spin.
        if (!pending.length) await new Promise((r) => setTimeout(r, 100));
        return send(200, { ok: true, result: pending.slice(0, Number(payload.limit ?? 100)) });
      }
      case 'sendMessage':
        sendCount++;
        return send(200, {
          ok: true,
          result: {
            message_id: ++messageId,
            date: Math.floor(Date.now() / 1000),
            chat: { id: Number(payload.chat_id), type: 'private' },
            text: payload.text,
          },
        });
      case 'getMe':
        return send(200, { ok: true, result: { id: Number(token.split(':')[0]), is_bot: true, first_name: 'Test', username: 'lijntje_test_bot' } });
      default:
        return send(200, { ok: true, result: true });
    }
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    /** Every call accepted (not the 429s), in order. */
    calls,
    sent: (chatId?: number) =>
      calls.filter((c) => c.method === 'sendMessage' && (chatId === undefined || Number(c.payload.chat_id) === chatId)),
    /** Counters so far; a phase takes a snapshot before and after. */
    counters: () => ({ sent: sendCount, tooMany, otherCalls: calls.length - sendCount }),
    /** 409 answers to a second simultaneous long poll: more than one process polled the bot. */
    conflicts: () => conflicts,
    /** The most long polls open at the same time (1 when exactly one process polls). */
    maxLongPolls: () => maxLongPolls,
    /** Queues an update for a bot that polls (getUpdates). */
    pushUpdate(update: { update_id: number }) {
      pending.push(update);
    },
    /** Half of all sendMessage calls (every other one) get 429 with retry_after. */
    tooManyRequestsHalf(on: boolean, retryAfter = 1) {
      everyOther = on;
      retryAfterS = retryAfter;
    },
    /** The next n sendMessage calls get 429 with retry_after. */
    tooManyRequests(n: number, retryAfter = 1) {
      tooManyLeft = n;
      retryAfterS = retryAfter;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
export type FakeTelegram = Awaited<ReturnType<typeof startFakeTelegram>>;

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  if (!raw) return {};
  try {
    return JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return { raw };
  }
}
