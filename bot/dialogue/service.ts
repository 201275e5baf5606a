import type { ChannelName, HandleResult, InboundEnvelope, InboundEvent, InboundHandler } from '../../core/channel.js';
import { InputError } from '../../core/errors.js';
import type { LiveBus } from '../../core/live-bus.js';
import type { Logger } from '../../core/logger.js';
import { MAX_MESSAGE_CHARS, normaliseMessageText } from '../../core/message-text.js';
import type { Queues } from '../../core/queues.js';
import type { Database, Tx } from '../../db/client.js';
import { findCardByToken } from '../../db/queries/cards.js';
import { closeOptedOutConversation, touchConversation } from '../../db/queries/conversations.js';
import { linkContactToCard, saveDialogueState } from '../../db/queries/dialogue-state.js';
import { recordEvent } from '../../db/queries/events.js';
import { findHeldIncoming, firstTimeSeen } from '../../db/queries/inbound.js';
import { cancelWaitingFor, recordIncoming, type IncomingMessage } from '../../db/queries/messages.js';
import { stopContacts } from '../../db/queries/opt-out.js';
import { findHeads } from '../../db/queries/outbox.js';
import { lockOrCreateContact, type ContactRow } from '../../db/queries/contacts.js';
import { ensureConversation } from '../../db/queries/conversations.js';
import { loadDialogueContext, type LoadedContext } from './context.js';
import { decide, describeChoice } from './dialogue.js';

type Outcome = ReturnType<typeof decide>;

/** What a handled message leaves to do after commit (ids only). */
interface Plan {
  /** The stored youngster message, if any. */
  messageId: string | null;
  duplicate: boolean;
  /** Youngster messages for the routing worker. */
  route: string[];
  /** The bot's replies, in order; unless the contact's line was busy, the first is its head. */
  replies: { contactId: string; ids: string[]; lineBusy: boolean } | null;
  /** An opt-out closed this conversation: open inboxes are told. */
  closed: { conversationId: string; municipalityId: string } | null;
}
const NOTHING: Plan = { messageId: null, duplicate: false, route: [], replies: null, closed: null };

/**
 * The single way anything a youngster sends enters Lijntje, whatever the
 * channel. In one transaction: resolve the contact (and its card), let the
 * dialogue decide, store the youngster's message, the bot's replies (outbox
 * rows) and the state changes. Only after commit are ids enqueued; if Redis is
 * down then, the rows wait for the sweeper - nothing is lost.
 * This is the inbound hot path: every statement counts (see bench/).
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
    let event = envelope.event;
    if (event.type === 'text') {
      const text = cleanText(envelope.channel, event.text);
      if (text === null) return { messageId: null, duplicate: false };
      event = { type: 'text', text };
    }
    const plan = await db.transaction((tx) => receive(tx, envelope, event, now));
    await announceClosed(plan.closed);
    await enqueueAfterCommit(plan, envelope.channel);
    return { messageId: plan.messageId, duplicate: plan.duplicate };
  }

  /** Everything inside the transaction: from the contact to the stored turn. */
  async function receive(tx: Tx, envelope: InboundEnvelope, event: InboundEvent, now: Date): Promise<Plan> {
    let contact = await lockOrCreateContact(tx, envelope.channel, envelope.externalContactId, envelope.externalAltId);
    // Statements that do not depend on each other are sent together: postgres.js pipelines them on the
    // transaction's connection and PostgreSQL runs them in the order given. (A start links the card
    // first, which changes the context, so it takes the sequential way.)
    const [seen, early] = await Promise.all([
      envelope.externalMessageId ? firstTimeSeen(tx, contact, envelope.externalMessageId, now) : true,
      event.type === 'start' || contact.optedOutAt ? null : loadDialogueContext(tx, contact, { privacyUrl, now }),
    ]);
    if (!seen) return { ...NOTHING, duplicate: true };
    if (event.type === 'start') contact = await linkCard(tx, contact, event.token);
    // Opted out: silence. Nothing is stored, nothing is sent.
    if (contact.optedOutAt) return NOTHING;

    const loaded = early ?? (await loadDialogueContext(tx, contact, { privacyUrl, now }));
    const outcome = decide(loaded.ctx, event);
    const municipalityId = outcome.municipalityId ?? loaded.municipalityId;
    const conv = await conversationOf(tx, contact, loaded, municipalityId);
    // Routed to the inbox when the dialogue forwards it; otherwise kept in the thread quietly.
    // Without a municipality nobody can see it yet: it waits as 'received' until one is chosen.
    const visible = conv.municipalityId !== null;
    const incoming = incomingMessage(event, loaded, envelope.externalMessageId, outcome.forward !== null || !visible);

    const stored = await storeTurn(tx, { contact, conversationId: conv.id, channel: envelope.channel, incoming, outcome, loaded, municipalityId, now });
    const route = stored.incomingId && incoming?.status === 'received' && visible ? [stored.incomingId] : [];
    if (outcome.releaseHeldText) {
      route.push(...(await findHeldIncoming(tx, conv.id)).filter((id) => !route.includes(id)));
      await recordEvent(tx, { type: 'contact.linked', municipalityId, conversationId: conv.id, data: { via: 'municipality' } });
    }
    const closed = outcome.optOut ? await optOut(tx, contact, conv.id, stored.replyIds) : null;
    return {
      messageId: stored.incomingId,
      duplicate: false,
      route,
      replies: stored.replyIds.length ? { contactId: contact.id, ids: stored.replyIds, lineBusy: stored.lineBusy || outcome.optOut } : null,
      closed,
    };
  }

  /** The existing conversation came with the context; only a new one, or one that just got its municipality, needs more. */
  async function conversationOf(tx: Tx, contact: ContactRow, loaded: LoadedContext, municipalityId: string | null) {
    const known = loaded.conversation;
    if (known && (known.municipalityId !== null || municipalityId === null)) return known;
    return ensureConversation(tx, { id: contact.id, youngsterId: contact.youngsterId, municipalityId });
  }

  /**
   * The youngster's message with the bot's replies and its event (one
   * statement), the conversation's clock, the contact's dialogue state and the
   * dialogue's events: independent of each other, so pipelined on the
   * transaction's connection.
   */
  async function storeTurn(
    tx: Tx,
    t: {
      contact: ContactRow;
      conversationId: string;
      channel: ChannelName;
      incoming: IncomingMessage | null;
      outcome: Outcome;
      loaded: LoadedContext;
      municipalityId: string | null;
      now: Date;
    },
  ) {
    const { outcome, contact } = t;
    const noticeSent = outcome.officeNoticeSent || outcome.absenceNoticeSent;
    // Most messages change nothing about the contact; the update is skipped then.
    const contactChanged =
      outcome.state !== contact.dialogueState || outcome.language !== contact.language || outcome.municipalityId !== null || noticeSent;
    const monitoring = { municipalityId: t.municipalityId, subject: t.loaded.monitoringKey };
    const [stored] = await Promise.all([
      recordIncoming(
        tx,
        { conversationId: t.conversationId, contactId: contact.id, channel: t.channel },
        {
          incoming: t.incoming,
          // The goodbye after an opt-out is the one message that still goes out.
          replies: outcome.replies.map((r, i) => ({ body: r.text, menu: r.menu, isOptOutAck: outcome.optOut && i === outcome.replies.length - 1 })),
          monitoring,
        },
      ),
      // An opt-out (or a message after one) does not reopen the conversation: it waits for no answer.
      touchConversation(tx, t.conversationId, { inbound: t.incoming !== null && !outcome.optOut, urgent: outcome.urgent }),
      contactChanged
        ? saveDialogueState(tx, contact.id, {
            state: outcome.state,
            language: outcome.language,
            municipalityId: outcome.municipalityId,
            noticeSentAt: noticeSent ? t.now : null,
          })
        : null,
      ...outcome.events.map((type) => recordEvent(tx, { type, ...monitoring, conversationId: t.conversationId })),
    ]);
    return stored;
  }

  /**
   * Stops all contact at once: every channel of this youngster (or just this
   * contact, without a card) is marked opted out, anything still waiting for
   * them is cancelled - except the goodbye just written - and the conversation
   * is closed. Erasure follows in the privacy work; until then the coach sees
   * the thread marked opted out.
   */
  async function optOut(tx: Tx, contact: ContactRow, conversationId: string, goodbye: string[]): Promise<Plan['closed']> {
    const stopped = await stopContacts(tx, contact);
    await cancelWaitingFor(tx, stopped, { keep: goodbye });
    const done = await closeOptedOutConversation(tx, { conversationId, cardId: contact.cardId, youngsterId: contact.youngsterId });
    return done?.municipalityId ? { conversationId, municipalityId: done.municipalityId } : null;
  }

  async function announceClosed(closed: Plan['closed']) {
    if (!closed || !deps.liveBus) return;
    await deps.liveBus
      .publishInbox({ kind: 'conversation', ...closed })
      .catch((err: unknown) => deps.logger.warn({ err, conversationId: closed.conversationId }, 'live signal after opt-out failed'));
  }

  async function enqueueAfterCommit(plan: Plan, channel: ChannelName) {
    for (const id of plan.route) await enqueue(() => deps.queues.enqueueInbound(id), id);
    const replies = plan.replies;
    if (!replies) return;
    const first = replies.ids[0]!;
    // Nothing else of theirs waiting or going out: the first reply is the head of their line.
    // Otherwise the line's head is looked up.
    await enqueue(
      async () => {
        if (replies.lineBusy) await deps.queues.enqueueHeads(await findHeads(db, [replies.contactId]));
        else await deps.queues.enqueueOutbound(first, channel);
      },
      first,
    );
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
 * What of the youngster's event is stored as their message: what they typed,
 * the option they chose (in words), or the text that came with a start
 * (WhatsApp's prefilled first message - it counts for "wrote first"; the card
 * code in it is a key, so it is masked). A plain start stores nothing.
 */
function incomingMessage(
  event: InboundEvent,
  loaded: LoadedContext,
  externalId: string | null,
  waitsForRouting: boolean,
): IncomingMessage | null {
  const body =
    event.type === 'text'
      ? event.text
      : event.type === 'choice'
        ? describeChoice(loaded.ctx, event.choice)
        : event.text
          ? maskToken(event.text, event.token)
          : null;
  if (body === null) return null;
  return { kind: event.type === 'choice' ? 'choice' : 'text', body, status: waitsForRouting ? 'received' : 'routed', externalId };
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

/** A scanned card links a contact to its youngster (an existing link is kept: a shared phone must not mix people). */
async function linkCard(tx: Tx, contact: ContactRow, token: string | null): Promise<ContactRow> {
  if (!token || contact.youngsterId) return contact;
  const card = await findCardByToken(tx, token);
  if (!card || card.status !== 'active') return contact;
  const linked = await linkContactToCard(tx, contact.id, card);
  await recordEvent(tx, {
    type: 'contact.linked',
    municipalityId: card.municipalityId,
    subject: card.monitoringKey,
    data: { via: 'card', channel: contact.channel },
  });
  return linked;
}
