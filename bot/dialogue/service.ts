import { and, eq, inArray, notInArray, or, sql } from 'drizzle-orm';
import type { ChannelName, HandleResult, InboundEnvelope, InboundHandler, MenuOption } from '../../core/channel.js';
import { InputError } from '../../core/errors.js';
import type { LiveBus } from '../../core/live-bus.js';
import type { Logger } from '../../core/logger.js';
import { MAX_MESSAGE_CHARS, normaliseMessageText } from '../../core/message-text.js';
import type { Queues } from '../../core/queues.js';
import type { Database, Tx } from '../../db/client.js';
import { findCardByToken } from '../../db/queries/cards.js';
import { recordEvent } from '../../db/queries/events.js';
import { closeOptedOutConversation } from '../../db/queries/opt-out.js';
import { enqueueHeads } from '../../db/queries/outbox.js';
import { channelContacts, messages } from '../../db/schema/index.js';
import { ensureConversation, lockOrCreateContact, touchConversation, type ContactRow } from '../contact-store.js';
import { loadDialogueContext } from './context.js';
import { decide, describeChoice } from './dialogue.js';

/**
 * The single way anything a youngster sends enters Lijntje, whatever the
 * channel. In one transaction: resolve the contact (and its card), let the
 * dialogue decide, store the youngster's message, the bot's replies (outbox
 * rows) and the state changes. Only after commit are ids enqueued; if Redis is
 * down then, the rows wait for the sweeper - nothing is lost.
 */
export function createDialogueService(deps: {
  database: Database;
  queues: Queues;
  logger: Logger;
  publicUrl: string;
  /** Tells open inboxes that an opt-out closed a conversation (without it they see it on their next load). */
  liveBus?: LiveBus;
  now?: () => Date;
}): InboundHandler {
  const { db } = deps.database;
  const privacyUrl = `${deps.publicUrl}/privacy`;

  async function handle(envelope: InboundEnvelope): Promise<HandleResult> {
    const now = deps.now?.() ?? new Date();
    const incomingText = envelope.event.type === 'text' ? cleanText(envelope.channel, envelope.event.text) : null;
    if (envelope.event.type === 'text' && incomingText === null) return { messageId: null, duplicate: false };

    const plan = await db.transaction(async (tx) => {
      let contact = await lockOrCreateContact(tx, envelope.channel, envelope.externalContactId, envelope.externalAltId);
      const isStart = envelope.event.type === 'start';
      // Statements that do not depend on each other are sent together: postgres.js pipelines them on the
      // transaction's connection and PostgreSQL runs them in the order given. (A start links the card
      // first, which changes the context, so it takes the sequential way.)
      const [seen, early] = await Promise.all([
        envelope.externalMessageId ? firstTimeSeen(tx, contact, envelope.externalMessageId, now) : true,
        isStart || contact.optedOutAt ? null : loadDialogueContext(tx, contact, { privacyUrl, now }),
      ]);
      if (!seen) {
        return { messageId: null, duplicate: true, route: [] as string[], send: [] as string[], contactId: null as string | null, outboxBusy: false, closed: null as Closed | null };
      }
      if (envelope.event.type === 'start') contact = await linkCard(tx, contact, envelope.event.token);
      // Opted out: silence. Nothing is stored, nothing is sent.
      if (contact.optedOutAt) return { messageId: null, duplicate: false, route: [], send: [], contactId: null, outboxBusy: false, closed: null };

      const loaded = early ?? (await loadDialogueContext(tx, contact, { privacyUrl, now }));
      const event = incomingText !== null ? { type: 'text' as const, text: incomingText } : envelope.event;
      const outcome = decide(loaded.ctx, event);
      const municipalityId = outcome.municipalityId ?? loaded.municipalityId;

      const noticeSent = outcome.officeNoticeSent || outcome.absenceNoticeSent;
      // Most messages change nothing about the contact; the update is skipped then, and otherwise goes in the batch below.
      const contactChanged =
        outcome.state !== contact.dialogueState || outcome.language !== contact.language || outcome.municipalityId !== null || noticeSent;
      // The existing conversation came with the context; only a new one, or one that just got its municipality, needs more.
      const known = loaded.conversation;
      const conv =
        known && (known.municipalityId !== null || municipalityId === null)
          ? known
          : await ensureConversation(tx, { id: contact.id, youngsterId: contact.youngsterId, municipalityId });
      const route: string[] = [];

      const startText = event.type === 'start' && event.text ? maskToken(event.text, event.token) : null;
      const stored = event.type !== 'start' || startText !== null;
      // Routed to the inbox when the dialogue forwards it; otherwise kept in the thread quietly.
      // Without a municipality nobody can see it yet: it waits as 'received' until one is chosen.
      const routeNow = stored && outcome.forward !== null && conv.municipalityId !== null;
      const kind = event.type === 'choice' ? ('choice' as const) : ('text' as const);
      const rows: MessageRow[] = [];
      if (stored) {
        rows.push({
          direction: 'in',
          kind,
          // A start that arrived as a written message (WhatsApp's prefilled first text) is their first
          // message - it counts for "wrote first". The card code in it is a key, so it is masked.
          body: event.type === 'text' ? event.text : event.type === 'choice' ? describeChoice(loaded.ctx, event.choice) : startText!,
          status: routeNow || conv.municipalityId === null ? 'received' : 'routed',
          externalId: envelope.externalMessageId,
          menu: null,
          isOptOutAck: false,
        });
      }
      outcome.replies.forEach((r, i) =>
        rows.push({
          direction: 'out',
          kind: 'bot',
          body: r.text,
          status: 'queued',
          externalId: null,
          menu: r.menu,
          // The goodbye after an opt-out is the one message that still goes out.
          isOptOutAck: outcome.optOut && i === outcome.replies.length - 1,
        }),
      );
      // The messages go in one statement, the youngster's first: seq (an identity) follows VALUES order,
      // so the bot's replies always come after what they answer. The rest - its event, the conversation's
      // clock, the contact's state, the dialogue's events - is independent of it and pipelined with it on
      // the transaction's connection.
      const [inserted] = await Promise.all([
        rows.length ? insertMessages(tx, { conversationId: conv.id, contactId: contact.id, channel: envelope.channel }, rows) : { ids: [], outboxBusy: false },
        stored
          ? recordEvent(tx, {
              type: 'message.received',
              municipalityId,
              subject: loaded.monitoringKey,
              conversationId: conv.id,
              data: { channel: envelope.channel, kind },
            })
          : null,
        // An opt-out (or a message after one) does not reopen the conversation: it waits for no answer.
        touchConversation(tx, conv.id, { inbound: stored && !outcome.optOut, urgent: outcome.urgent }),
        contactChanged
          ? tx.execute(sql`
              update channel_contacts set dialogue_state = ${outcome.state}, language = ${outcome.language},
                municipality_id = coalesce(${outcome.municipalityId}::uuid, municipality_id),
                -- Shared by both automatic notices (office hours, absence): see loadDialogueContext.
                last_office_notice_at = case when ${noticeSent} then ${now.toISOString()}::timestamptz else last_office_notice_at end
              where id = ${contact.id}`)
          : null,
        ...outcome.events.map((type) => recordEvent(tx, { type, municipalityId, subject: loaded.monitoringKey, conversationId: conv.id })),
      ]);
      const messageId = stored ? inserted.ids[0]! : null;
      if (routeNow && messageId) route.push(messageId);
      const send = inserted.ids.slice(stored ? 1 : 0);

      if (outcome.releaseHeldText) {
        const held = await tx
          .select({ id: messages.id })
          .from(messages)
          .where(and(eq(messages.conversationId, conv.id), eq(messages.direction, 'in'), eq(messages.status, 'received')));
        route.push(...held.map((h) => h.id).filter((id) => !route.includes(id)));
        await recordEvent(tx, { type: 'contact.linked', municipalityId, conversationId: conv.id, data: { via: 'municipality' } });
      }

      let closed: Closed | null = null;
      if (outcome.optOut) {
        await optOut(tx, contact, send);
        const done = await closeOptedOutConversation(tx, { conversationId: conv.id, cardId: contact.cardId, youngsterId: contact.youngsterId });
        closed = done?.municipalityId ? { conversationId: conv.id, municipalityId: done.municipalityId } : null;
      }
      return { messageId, duplicate: false, route, send, contactId: contact.id, outboxBusy: inserted.outboxBusy || outcome.optOut, closed };
    });

    if (plan.closed && deps.liveBus) {
      const closed = plan.closed;
      await deps.liveBus
        .publishInbox({ kind: 'conversation', ...closed })
        .catch((err: unknown) => deps.logger.warn({ err, conversationId: closed.conversationId }, 'live signal after opt-out failed'));
    }

    for (const id of plan.route) await enqueue(() => deps.queues.enqueueInbound(id), id);
    if (plan.send.length && plan.contactId) {
      const contactId = plan.contactId;
      const first = plan.send[0]!;
      // Nothing else of theirs waiting or going out: the first reply is the head of their line.
      // Otherwise the line's head is looked up (see enqueueHeads).
      await enqueue(
        () => (plan.outboxBusy ? enqueueHeads(db, deps.queues, [contactId]).then(() => undefined) : deps.queues.enqueueOutbound(first, envelope.channel)),
        first,
      );
    }
    return { messageId: plan.messageId, duplicate: plan.duplicate };
  }

  async function enqueue(add: () => Promise<void>, messageId: string) {
    try {
      await add();
    } catch (err) {
      deps.logger.warn({ err, messageId }, 'enqueue failed; the sweeper will pick the row up');
    }
  }

  return { handle };
}

/**
 * Text from a platform (Telegram, WhatsApp) is stored even when odd; only what
 * cannot be stored is cleaned, and an over-long message is cut rather than lost.
 * Our own web chat refuses instead, so the youngster can fix it (the text stays in their box).
 */
function cleanText(channel: ChannelName, raw: string): string | null {
  try {
    return normaliseMessageText(raw);
  } catch (err) {
    if (!(err instanceof InputError) || channel === 'web') throw err;
    if (err.code === 'message_too_long') return `${normaliseMessageText(raw.slice(0, MAX_MESSAGE_CHARS - 1))}…`;
    return null; // empty after cleaning: nothing to store
  }
}

function maskToken(text: string, token: string | null): string {
  return token ? text.split(token).join('[kaartcode]') : text;
}

/** Durable de-duplication of platform re-deliveries (only the ids are kept, never the text). */
async function firstTimeSeen(tx: Tx, contact: ContactRow, externalMessageId: string, now: Date) {
  const inserted = await tx.execute<{ id: string }>(sql`
    insert into channel_updates (channel, update_key, processed_at)
    values (${contact.channel}, ${`msg:${contact.id}:${externalMessageId}`}, ${now.toISOString()}::timestamptz)
    on conflict do nothing
    returning id`);
  return inserted.length > 0;
}

/** A scanned card links a contact to its youngster (an existing link is kept: a shared phone must not mix people). */
async function linkCard(tx: Tx, contact: ContactRow, token: string | null): Promise<ContactRow> {
  if (!token || contact.youngsterId) return contact;
  const card = await findCardByToken(tx, token);
  if (!card || card.status !== 'active') return contact;
  const [updated] = await tx
    .update(channelContacts)
    .set({ youngsterId: card.youngsterId, municipalityId: card.municipalityId, cardId: card.cardId })
    .where(eq(channelContacts.id, contact.id))
    .returning();
  await recordEvent(tx, {
    type: 'contact.linked',
    municipalityId: card.municipalityId,
    subject: card.monitoringKey,
    data: { via: 'card', channel: contact.channel },
  });
  return updated!;
}

/**
 * Stops all contact at once: every channel of this youngster (or just this
 * contact, without a card) is marked opted out and anything still queued for
 * them is cancelled - except the goodbye just written. Erasure follows in the
 * privacy work; until then the coach sees the thread marked opted out.
 */
async function optOut(tx: Tx, contact: ContactRow, keep: string[]) {
  const whose = contact.youngsterId ? eq(channelContacts.youngsterId, contact.youngsterId) : eq(channelContacts.id, contact.id);
  const stopped = await tx
    .update(channelContacts)
    .set({ optedOutAt: sql`coalesce(${channelContacts.optedOutAt}, now())`, dialogueState: 'opted_out' })
    .where(or(whose, eq(channelContacts.id, contact.id)))
    .returning({ id: channelContacts.id });
  await tx
    .update(messages)
    .set({ status: 'cancelled', lastError: 'opted_out' })
    .where(
      and(
        inArray(messages.contactId, stopped.map((s) => s.id)),
        eq(messages.direction, 'out'),
        eq(messages.status, 'queued'),
        keep.length ? notInArray(messages.id, keep) : undefined,
      ),
    );
}

interface Closed {
  conversationId: string;
  municipalityId: string;
}

interface MessageRow {
  direction: 'in' | 'out';
  kind: 'text' | 'choice' | 'bot';
  body: string;
  status: 'received' | 'routed' | 'queued';
  externalId: string | null;
  menu: MenuOption[] | null;
  isOptOutAck: boolean;
}

/**
 * One INSERT for the youngster's message and the bot's replies, in order
 * (raw SQL: this runs for every message, and the query builder costs more
 * than the statement). Also tells whether the contact already had outbound
 * messages waiting or going out - read in the same statement, before the
 * insert, so the caller knows whether the first reply heads the line.
 */
async function insertMessages(
  tx: Tx,
  thread: { conversationId: string; contactId: string; channel: ChannelName },
  rows: MessageRow[],
): Promise<{ ids: string[]; outboxBusy: boolean }> {
  const values = sql.join(
    rows.map(
      (r) => sql`(${thread.conversationId}::uuid, ${thread.contactId}::uuid, ${thread.channel}::channel, ${r.direction}::message_direction,
                  ${r.kind}::message_kind, ${r.body}, ${r.status}::message_status, ${r.externalId},
                  ${r.menu ? JSON.stringify(r.menu) : null}::jsonb, ${r.isOptOutAck})`,
    ),
    sql`, `,
  );
  const result = await tx.execute<{ id: string; busy: boolean }>(sql`
    with busy as (
      select exists (select 1 from messages where contact_id = ${thread.contactId} and direction = 'out' and status in ('queued', 'sending')) as busy
    ), ins as (
      insert into messages (conversation_id, contact_id, channel, direction, kind, body, status, external_id, menu, is_opt_out_ack)
      values ${values}
      returning id, seq
    )
    select ins.id, busy.busy from ins, busy order by ins.seq`);
  return { ids: result.map((r) => r.id), outboxBusy: result[0]?.busy ?? false };
}
