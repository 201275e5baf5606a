import { performance } from 'node:perf_hooks';
import { and, count, eq, inArray } from 'drizzle-orm';
import type { Context } from '../bin/context.js';
import { findHeads } from '../db/queries/outbox.js';
import { channelContacts, conversations, messages } from '../db/schema/index.js';
import type { FakeTelegram } from '../testing/fake-telegram.js';
import { idIn, waitFor } from './load.js';

/**
 * Scenario (b): how close the Telegram delivery worker gets to Telegram's
 * 30 msg/s without being told off. The outbox rows are written directly (as
 * a burst of coach replies and bot messages would leave them), then their ids
 * are enqueued the way the app does it: only each chat's first message (findHeads) goes on the
 * queue and the delivery worker follows with the next (order per chat, paced per chat).
 */
export interface OutboundResult {
  messages: number;
  chats: number;
  /** False when the run was cut off at its time limit before every row was settled. */
  finished: boolean;
  sent: number;
  seconds: number;
  /** Sent per second from the first enqueue to the last accepted send. */
  rate: number;
  allowedRate: number;
  tooMany: number;
  /** A chat whose messages reached the fake in another order than written. */
  orderViolations: number;
}

export async function runOutbound(
  ctx: Context,
  fake: FakeTelegram,
  opts: {
    chats: number;
    perChat: number;
    firstChatId: number;
    municipalityId: string;
    casemanagerId: string;
    allowedRate: number;
    timeoutS: number;
    /** chat: each chat's messages enqueued back to back (default); round: first messages of all chats, then second, ... */
  },
): Promise<OutboundResult> {
  const { db } = ctx.database;
  const chatIds = Array.from({ length: opts.chats }, (_, i) => opts.firstChatId + i);

  // Contacts that wrote first (one inbound message each), in a conversation a coach owns: every delivery gate passes.
  const contacts = await db
    .insert(channelContacts)
    .values(chatIds.map((id) => ({ channel: 'telegram' as const, externalId: String(id), municipalityId: opts.municipalityId, dialogueState: 'chatting' })))
    .returning({ id: channelContacts.id, externalId: channelContacts.externalId });
  const convs = await db
    .insert(conversations)
    .values(contacts.map((c) => ({ contactId: c.id, municipalityId: opts.municipalityId, assignedTo: opts.casemanagerId })))
    .returning({ id: conversations.id, contactId: conversations.contactId });
  const convOf = new Map(convs.map((c) => [c.contactId!, c.id]));
  await db.insert(messages).values(
    contacts.map((c) => ({ conversationId: convOf.get(c.id)!, contactId: c.id, channel: 'telegram' as const, direction: 'in' as const, kind: 'text' as const, body: 'Hoi', status: 'routed' as const })),
  );
  // Chat by chat, each chat's messages in order - how a coach's consecutive replies or the bot's greeting + menu are queued.
  const outbox = await db
    .insert(messages)
    .values(
      contacts.flatMap((c) =>
        Array.from({ length: opts.perChat }, (_, k) => ({
          conversationId: convOf.get(c.id)!,
          contactId: c.id,
          channel: 'telegram' as const,
          direction: 'out' as const,
          kind: 'text' as const,
          body: `Antwoord ${k + 1}/${opts.perChat}`,
          status: 'queued' as const,
        })),
      ),
    )
    .returning({ id: messages.id, seq: messages.seq });
  outbox.sort((a, b) => a.seq - b.seq); // rows were written chat by chat, so seq order is chat order
  const ids = outbox.map((r) => r.id);

  const before = fake.counters();
  const t0 = performance.now();
  // The product's own path: only each chat's first message is enqueued; the delivery worker enqueues the next.
  await ctx.queues.enqueueHeads(await findHeads(db, contacts.map((c) => c.id)));
  const settled = async () => {
    const [row] = await db
      .select({ n: count() })
      .from(messages)
      .where(and(idIn(ids), inArray(messages.status, ['sent', 'failed', 'cancelled', 'in_doubt'])));
    return (row?.n ?? 0) >= ids.length;
  };
  // Bounded, so a slow run still ends: the rate is then what was sent in that time.
  const finished = await waitFor(settled, opts.timeoutS * 1000, 100);

  const [sentRow] = await db
    .select({ n: count() })
    .from(messages)
    .where(and(idIn(ids), eq(messages.status, 'sent')));
  const sent = sentRow?.n ?? 0;
  const ours = new Set(chatIds);
  const accepted = fake
    .sent()
    .slice(before.sent)
    .map((c) => ({ chatId: Number(c.payload.chat_id), text: String(c.payload.text ?? ''), at: c.at }))
    .filter((a) => ours.has(a.chatId));
  // Until the last accepted send when all went; until the cut-off when the run was cut short.
  const last = finished ? (accepted.at(-1)?.at ?? performance.now()) : performance.now();
  const seconds = (last - t0) / 1000;

  return {
    messages: ids.length,
    chats: opts.chats,
    finished,
    sent,
    seconds,
    rate: sent / seconds,
    allowedRate: opts.allowedRate,
    tooMany: fake.counters().tooMany - before.tooMany,
    orderViolations: countOrderViolations(accepted, opts.perChat),
  };
}


function countOrderViolations(accepted: { chatId: number; text: string }[], perChat: number): number {
  const seen = new Map<number, string[]>();
  for (const a of accepted) seen.set(a.chatId, [...(seen.get(a.chatId) ?? []), a.text]);
  const expected = Array.from({ length: perChat }, (_, k) => `Antwoord ${k + 1}/${perChat}`);
  let bad = 0;
  // A prefix is in order too: a message not (yet) sent is reported through `sent`, not here.
  for (const texts of seen.values()) if (texts.join('|') !== expected.slice(0, texts.length).join('|')) bad++;
  return bad;
}
