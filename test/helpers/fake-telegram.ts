import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake Telegram Bot API on loopback: grammY's `client.apiRoot` points here.
 * Records every call, answers like Telegram, and can be told to answer 429
 * with retry_after (the way Telegram slows a bot down).
 */
export interface RecordedCall {
  method: string;
  payload: Record<string, unknown>;
  at: number;
}

export async function startFakeTelegram(token: string) {
  const calls: RecordedCall[] = [];
  let messageId = 1000;
  let tooManyLeft = 0;
  let retryAfterS = 1;
  let everyOther = false;
  let sendCalls = 0;
  // Polling mode: updates waiting for getUpdates, confirmed by the next call's offset (as Telegram does).
  let pending: { update_id: number }[] = [];
  // Two long polls for one bot at once: Telegram answers 409 Conflict ("terminated by other getUpdates request").
  let longPolls = 0;
  let conflicts = 0;
  let maxLongPolls = 0;

  const server = createServer(async (req, res) => {
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (!m || m[1] !== token) return send(404, { ok: false, error_code: 404, description: 'Not Found' });
    const method = m[2]!;
    const payload = await readJson(req);
    if (method === 'sendMessage' && (tooManyLeft > 0 || (everyOther && sendCalls++ % 2 === 0))) {
      if (tooManyLeft > 0) tooManyLeft--;
      return send(429, {
        ok: false,
        error_code: 429,
        description: `Too Many Requests: retry after ${retryAfterS}`,
        parameters: { retry_after: retryAfterS },
      });
    }
    calls.push({ method, payload, at: Date.now() });
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    calls,
    sent: (chatId?: number) =>
      calls.filter((c) => c.method === 'sendMessage' && (chatId === undefined || Number(c.payload.chat_id) === chatId)),
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
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

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

let updateId = 1;
export const tg = {
  start(chatId: number, payload: string) {
    const update = tg.text(chatId, `/start ${payload}`);
    return { ...update, message: { ...update.message, entities: [{ type: 'bot_command', offset: 0, length: 6 }] } };
  },
  text(chatId: number, text: string) {
    return {
      update_id: updateId++,
      message: {
        message_id: updateId * 10,
        date: Math.floor(Date.now() / 1000),
        chat: { id: chatId, type: 'private', first_name: 'Jongere' },
        from: { id: chatId, is_bot: false, first_name: 'Jongere' },
        text,
      },
    };
  },
  button(chatId: number, data: string) {
    return {
      update_id: updateId++,
      callback_query: {
        id: `cb${updateId}`,
        chat_instance: 'ci',
        from: { id: chatId, is_bot: false, first_name: 'Jongere' },
        message: {
          message_id: 5,
          date: Math.floor(Date.now() / 1000),
          chat: { id: chatId, type: 'private', first_name: 'Jongere' },
          text: 'Wat wil je?',
        },
        data,
      },
    };
  },
};

export const TEST_BOT_TOKEN = '123456:TEST-token-abcdefghijklmnopqrstu';
export const TEST_WEBHOOK_SECRET = 'webhook-secret-0123456789';

/** Config that points the app's Telegram channel at a fake Bot API. */
export function telegramEnv(apiRoot: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN,
    TELEGRAM_BOT_USERNAME: 'lijntje_test_bot',
    TELEGRAM_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    TELEGRAM_API_ROOT: apiRoot,
    ...extra,
  };
}
