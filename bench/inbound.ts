import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { and, count, eq, isNotNull } from 'drizzle-orm';
import type { Context } from '../bin/context.js';
import { channelContacts, messages } from '../db/schema/index.js';
import { idIn, openLoop, summarise, waitFor, type LatencySummary } from './load.js';

/**
 * Scenario (a): a Telegram text from the webhook POST to the inbox signal.
 * Path under test: POST /telegram/webhook -> grammY -> the dialogue in the
 * request (contact, message, replies and - for the conversation's owner or the
 * card's casemanager - the routing decision, in one transaction) -> Redis
 * pub/sub inbox signal. A message routing cannot decide inline goes through the
 * inbound queue and the routing worker (another process) before its signal.
 */
export interface InboundResult {
  offeredRate: number;
  sent: number;
  httpErrors: number;
  completed: number;
  /** How long stragglers were waited for after the last send; later ones count as not completed. */
  graceS: number;
  throughput: number;
  /** Over every message sent; one that did not complete counts as infinitely late. */
  latency: LatencySummary;
  /** How long the webhook took to answer (what Telegram waits for). */
  http: LatencySummary;
  generatorLagP99: number;
}

export interface Webhook {
  baseUrl: string;
  secret: string;
}

// Telegram ids are per bot; the benchmark hands them out from counters so every update and message is unique.
let nextUpdateId = 1;
let nextMessageId = 1;

function update(chatId: number, text: string, messageId = nextMessageId++) {
  const isCommand = text.startsWith('/');
  return {
    update_id: nextUpdateId++,
    message: {
      message_id: messageId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: 'private', first_name: 'Jongere' },
      from: { id: chatId, is_bot: false, first_name: 'Jongere' },
      text,
      ...(isCommand ? { entities: [{ type: 'bot_command', offset: 0, length: text.indexOf(' ') > 0 ? text.indexOf(' ') : text.length }] } : {}),
    },
  };
}

// The load generator shares this process with the web app, so it uses the lightest client Node has
// (http.request on a keep-alive agent; fetch costs several times more CPU per call).
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function post(hook: Webhook, body: unknown): Promise<number> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${hook.baseUrl}/telegram/webhook`,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': payload.length, 'x-telegram-bot-api-secret-token': hook.secret },
      },
      (res) => {
        res.resume(); // drain, so the keep-alive connection is reused
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** A youngster's free text that is no keyword, number or crisis phrase: the dialogue forwards it to the coach. */
const textFor = (i: number) => `Hoi, ik heb een vraag over werk (bericht ${i})`;

/**
 * Scans the cards: one `/start <token>` per chat, then waits until every
 * contact is linked. A few at a time, as this is setup, not measurement.
 */
export async function startChats(ctx: Context, hook: Webhook, chats: number[], tokens: string[]) {
  const before = await linkedContacts(ctx);
  for (let i = 0; i < chats.length; i += 10) {
    const batch = chats.slice(i, i + 10);
    const statuses = await Promise.all(batch.map((chat, j) => post(hook, update(chat, `/start ${tokens[i + j]!}`))));
    if (statuses.some((s) => s !== 200)) throw new Error(`webhook answered ${statuses.join(',')} during setup`);
  }
  const ok = await waitFor(async () => (await linkedContacts(ctx)) >= before + chats.length, 60_000, 200);
  if (!ok) throw new Error('not every /start was processed within 60 s');
}

async function linkedContacts(ctx: Context): Promise<number> {
  const [row] = await ctx.database.db
    .select({ n: count() })
    .from(channelContacts)
    .where(and(eq(channelContacts.channel, 'telegram'), isNotNull(channelContacts.youngsterId)));
  return row?.n ?? 0;
}

/**
 * Sends `total` texts round robin over `chats` at `rate` per second (open loop)
 * and measures, per message, POST start -> its inbox signal. Signals carry the
 * stored message id only; the stored row's externalId is `m<message_id>` (see
 * bot/channels/telegram/dialogue-adapter.ts), and message_id is chosen here,
 * so each signal maps back to exactly one send. The mapping is looked up in
 * batches a few times a second, off the measured path.
 */
export async function runInbound(
  ctx: Context,
  hook: Webhook,
  opts: { chats: number[]; total: number; rate: number; graceS: number },
): Promise<InboundResult> {
  const { chats, total, rate } = opts;
  const firstMessageId = nextMessageId;
  nextMessageId += total;
  const sentAt = new Array<number>(total).fill(NaN);
  const httpMs: number[] = [];
  const okSends = new Set<number>();
  const signalAt = new Map<string, number>(); // stored message id -> arrival
  const matched = new Map<number, number>(); // send index -> latency
  const notOurs = new Set<string>(); // signals for other rows (the bot's acknowledgements)
  const resolved = new Set<string>();
  let httpErrors = 0;

  const stop = ctx.liveBus.onInbox((s) => {
    if (s.kind === 'message' && s.messageId && !signalAt.has(s.messageId)) signalAt.set(s.messageId, performance.now());
  });
  await new Promise((r) => setTimeout(r, 100)); // let SUBSCRIBE reach Redis before the first send

  let lastCompletion = 0;
  const resolve = async () => {
    const open = [...signalAt.keys()].filter((id) => !notOurs.has(id) && !resolved.has(id));
    if (!open.length) return;
    const rows = await ctx.database.db
      .select({ id: messages.id, externalId: messages.externalId, direction: messages.direction })
      .from(messages)
      .where(idIn(open));
    for (const r of rows) {
      const index = r.direction === 'in' && r.externalId?.startsWith('m') ? Number(r.externalId.slice(1)) - firstMessageId : -1;
      if (index < 0 || index >= total || Number.isNaN(sentAt[index]!)) {
        notOurs.add(r.id);
        continue;
      }
      resolved.add(r.id);
      const at = signalAt.get(r.id)!;
      matched.set(index, at - sentAt[index]!);
      lastCompletion = Math.max(lastCompletion, at);
    }
  };
  const resolver = setInterval(() => void resolve().catch(() => {}), 250);

  try {
    const { lagMs, startedAt } = await openLoop(total, rate, async (i) => {
      const body = update(chats[i % chats.length]!, textFor(i), firstMessageId + i);
      const t = performance.now();
      sentAt[i] = t;
      try {
        const status = await post(hook, body);
        httpMs.push(performance.now() - t);
        if (status === 200) okSends.add(i);
        else httpErrors++;
      } catch {
        httpErrors++;
      }
    });
    // Stragglers get a bounded grace period; whatever has not arrived by then counts as not completed.
    await waitFor(async () => {
      await resolve();
      return matched.size >= okSends.size;
    }, opts.graceS * 1000, 100);
    const completed = matched.size;
    return {
      offeredRate: rate,
      sent: total,
      httpErrors,
      completed,
      graceS: opts.graceS,
      throughput: completed / ((lastCompletion - startedAt) / 1000),
      latency: summarise(Array.from({ length: total }, (_, i) => matched.get(i) ?? Infinity)),
      http: summarise(httpMs),
      generatorLagP99: summarise(lagMs).p99,
    };
  } finally {
    clearInterval(resolver);
    stop();
  }
}
