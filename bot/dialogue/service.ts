import type { ChannelName, HandleResult, InboundEnvelope, InboundEvent, InboundHandler } from '../../core/channel.js';
import { InputError } from '../../core/errors.js';
import type { LiveBus } from '../../core/live-bus.js';
import type { Logger } from '../../core/logger.js';
import { MAX_MESSAGE_CHARS, normaliseMessageText } from '../../core/message-text.js';
import type { Queues } from '../../core/queues.js';
import { decideRoute } from '../../core/routing.js';
import { parseShortCode } from '../../core/short-codes.js';
import type { AfterCommit, ErasureRegistry } from '../../core/erasure-registry.js';
import type { SuppressionKeys } from '../../core/suppression.js';
import type { Database, Tx } from '../../db/client.js';
import { heldData } from '../../db/queries/held-data.js';
import { pipelinedTransaction, type PipelinedTx } from '../../db/pipelined-transaction.js';
import { findCardByShortCode, findCardByToken } from '../../db/queries/cards.js';
import { createContact, rememberAltId, type ContactRow } from '../../db/queries/contacts.js';
import { closeOptedOutConversation, ensureConversation } from '../../db/queries/conversations.js';
import { listMunicipalityChoices, loadDialogueFacts, lockContactWithContext, type DialogueFacts } from '../../db/queries/dialogue-context.js';
import { linkContactToCard, saveDialogueState } from '../../db/queries/dialogue-state.js';
import { recordEvent, type EventInput } from '../../db/queries/events.js';
import { findHeldIncoming, firstTimeSeen, firstTimeSeenByIds } from '../../db/queries/inbound.js';
import {
  cancelWaitingFor,
  recordIncoming,
  type IncomingMessage,
  type IncomingTurn,
  type InlineRoute,
  type RecordedTurn,
} from '../../db/queries/messages.js';
import { lastBotMenu } from '../../db/queries/last-menu.js';
import { optOutReasonGiven, stopAllContact } from '../../db/queries/opt-out.js';
import { findHeads } from '../../db/queries/outbox.js';
import { dialogueContextFrom, type LoadedContext } from './context.js';
import { decide, describeChoice } from './dialogue.js';
import { applyPrivacyEffects, asksAboutData, hasPrivacyEffects, optedOutBefore } from './privacy-effects.js';
import { loadBooking, type LoadedBooking } from './booking-effects.js';
import { CHOICE } from './choices.js';
import { matchNumber } from './keywords.js';
import type { DialogueEvent } from './types.js';

type Outcome = ReturnType<typeof decide>;

/** What a handled message leaves to do after commit (ids only). */
interface Plan {
  /** The stored youngster message, if any. */
  messageId: string | null;
  duplicate: boolean;
  /** Youngster messages for the routing worker. */
  route: string[];
  /** A youngster message routed inline (its conversation's owner, or the card's casemanager): the inbox is told. */
  routed: { messageId: string; conversationId: string; municipalityId: string } | null;
  /** The bot's replies, in order; unless the contact's line was busy, the first is its head. */
  replies: { contactId: string; ids: string[]; lineBusy: boolean } | null;
  /** An opt-out closed this conversation: open inboxes are told. */
  closed: { conversationId: string; municipalityId: string } | null;
  /** An opt-out's registered steps' work for after the commit (core/erasure-registry.ts). */
  afterCommit: AfterCommit[];
  /** A visit booked, moved or cancelled: its reminders (re)scheduled or removed after commit. */
  afterBooking: LoadedBooking['afterCommit'];
}
const NOTHING: Plan = { messageId: null, duplicate: false, route: [], routed: null, replies: null, closed: null, afterCommit: [], afterBooking: null };

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
  /** Tells open inboxes what happened here: a message that stayed with its owner, a conversation an opt-out closed. */
  liveBus: LiveBus;
  /** What an opt-out cancels (bin/erasure-steps.ts); the erasure itself is the worker's. */
  erasure: ErasureRegistry<Tx>;
  /** Recognises a messenger account that opted out before (core/suppression.ts). */
  suppressionKeys: SuppressionKeys;
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
    const plan = await pipelinedTransaction(deps.database, (t) => receive(t, envelope, event, now));
    await announceRouted(plan.routed);
    await announceClosed(plan.closed);
    await deps.erasure.afterCommit(plan.afterCommit, deps.logger);
    // The reminder sweep (worker/reminder-processor.ts) repairs a failure here.
    await plan.afterBooking?.(deps.queues).catch((err: unknown) => deps.logger.warn({ err }, 'visit reminders not (re)scheduled; the sweep will'));
    await enqueueAfterCommit(plan, envelope.channel);
    return { messageId: plan.messageId, duplicate: plan.duplicate };
  }

  /**
   * Everything inside the transaction, from the contact to the stored turn, in
   * two round trips for nearly every message: the contact (locked) with its
   * dialogue context and the platform id's de-duplication key, then the turn's
   * writes with COMMIT (db/pipelined-transaction.ts). A new contact, a scanned
   * card, a new conversation, a chosen municipality and an opt-out take a few
   * more, step by step.
   */
  async function receive(t: PipelinedTx, envelope: InboundEnvelope, event: InboundEvent, now: Date): Promise<Plan> {
    const { channel, externalContactId, externalAltId, externalMessageId } = envelope;
    const ids = externalAltId ? [externalContactId, externalAltId] : [externalContactId];
    let [found, seen] = await Promise.all([
      lockContactWithContext(t, channel, ids),
      externalMessageId ? firstTimeSeenByIds(t, channel, ids, externalMessageId, now) : true,
    ]);
    if (!found) {
      // A reason tapped under an opt-out's goodbye after the erasure (ERASURE_DELAY_MS after the goodbye
      // was delivered): the contact is gone, so it is not counted - and no new contact is made for it.
      if (isOptOutReasonChoice(event)) return NOTHING;
      // First message of this messenger identity: create it, then read it as every other time.
      // An account that opted out before (its data erased since) is asked whether to start again.
      const returning = await optedOutBefore(t.tx, deps.suppressionKeys, channel, ids);
      await createContact(t.tx, channel, externalContactId, externalAltId ?? null, returning ? 'restart_offered' : 'new');
      found = await lockContactWithContext(t, channel, ids);
      if (!found) throw new Error('contact vanished during creation');
      seen = externalMessageId ? await firstTimeSeen(t, found.contact, externalMessageId, now) : true;
    }
    if (!seen) return { ...NOTHING, duplicate: true };
    let contact = found.contact;
    let facts: DialogueFacts | null = found.facts;
    if (externalAltId && !contact.externalAltId && contact.externalId !== externalAltId) {
      await rememberAltId(t.tx, contact.id, externalAltId);
    }
    // The code printed on the card, typed into the chat by someone who did not scan: the same as scanning.
    if (event.type === 'text' && !contact.youngsterId) event = await typedCardCode(t.tx, event);
    if (event.type === 'start') {
      const linked = await linkCard(t.tx, contact, event.token);
      // A card just linked changes who this is: read the context again.
      if (linked !== contact) facts = await loadDialogueFacts(t.tx, linked.id);
      contact = linked;
    }
    // Opted out: silence. Nothing is stored, nothing is sent - only a reason given under the goodbye is counted.
    if (contact.optedOutAt) return countOptOutReason(t.tx, contact, facts, event, now);

    const choices = facts?.municipalityId ? [] : await listMunicipalityChoices(t.tx);
    const held = asksAboutData(contact.dialogueState, event) ? await heldData(t.tx, contact) : null;
    // Booking a visit: searched, booked, moved or cancelled here, before the decision phrases it.
    const booking = await loadBooking(t.tx, {
      contact,
      municipalityId: facts?.municipalityId ?? null,
      cardCasemanagerId: facts?.cardOwner?.id ?? null,
      conversationId: facts?.conversation?.id ?? null,
      event,
      now,
    });
    const loaded = dialogueContextFrom(contact, facts, choices, { privacyUrl, now, held, booking: booking.booking, lastMenu: booking.lastMenu });
    const outcome = decide(loaded.ctx, event);
    const municipalityId = outcome.municipalityId ?? loaded.municipalityId;
    const conv = await conversationOf(t.tx, contact, loaded, municipalityId);
    // Routed to the inbox when the dialogue forwards it; otherwise kept in the thread quietly.
    // Without a municipality nobody can see it yet: it waits as 'received' until one is chosen.
    const visible = conv.municipalityId !== null;
    // A forwarded message that its conversation's owner can keep, or that goes to the card's
    // casemanager, is routed here and now (routing's "sticky" and "card", the common cases);
    // anything else waits as 'received' for the routing worker.
    const inline = visible && outcome.forward !== null ? inlineRoute(loaded, conv, now) : null;
    const incoming = incomingMessage(event, loaded, externalMessageId, (outcome.forward !== null || !visible) && inline === null);

    // The common turn ends here: its writes and COMMIT go out together.
    const last = !outcome.releaseHeldText && !outcome.optOut && !hasPrivacyEffects(outcome);
    const stored = await storeTurn(t, { contact, conversationId: conv.id, channel, incoming, outcome, loaded, municipalityId, now, route: inline }, last);
    const route = stored.incomingId && incoming?.status === 'received' && visible ? [stored.incomingId] : [];
    const routed = stored.incomingId && inline && conv.municipalityId ? { messageId: stored.incomingId, conversationId: conv.id, municipalityId: conv.municipalityId } : null;
    if (outcome.releaseHeldText) {
      route.push(...(await findHeldIncoming(t.tx, conv.id)).filter((id) => !route.includes(id)));
      await recordEvent(t.tx, { type: 'contact.linked', municipalityId, conversationId: conv.id, data: { via: 'municipality' } });
    }
    if (hasPrivacyEffects(outcome)) {
      const at = { channel, ids, youngsterId: contact.youngsterId, municipalityId, monitoringKey: loaded.monitoringKey, conversationId: conv.id, now };
      await applyPrivacyEffects(t.tx, deps.suppressionKeys, outcome, at);
    }
    const stopped = outcome.optOut
      ? await stopAllContact(t.tx, deps.erasure, {
          contact,
          conversationId: conv.id,
          municipalityId: conv.municipalityId,
          goodbyeIds: stored.replyIds,
          how: 'chat',
          monitoringKey: loaded.monitoringKey,
        })
      : null;
    const closed = stopped?.closed ?? null;
    return {
      afterCommit: stopped?.afterCommit ?? [],
      afterBooking: booking.afterCommit,
      messageId: stored.incomingId,
      duplicate: false,
      route,
      routed,
      replies: stored.replyIds.length ? { contactId: contact.id, ids: stored.replyIds, lineBusy: stored.lineBusy || outcome.optOut } : null,
      closed,
    };
  }

  /**
   * The goodbye after an opt-out asks, optionally, why (dialogue.ts confirmOptOut). A reason tapped
   * (a number on WhatsApp) becomes the anonymous event 'optout.reason_given' - the municipality, the
   * monitoring key and the reason, nothing else - once per goodbye: the first answer counts (the web
   * chat shows the buttons again on a reload). Nothing is stored in the thread, nothing is sent,
   * nothing goes to the inbox. Anything else an opted-out contact sends costs no statement here.
   * Until the erasure only: after it the contact is gone and a late tap is not counted (above).
   */
  async function countOptOutReason(tx: Tx, contact: ContactRow, facts: DialogueFacts | null, event: InboundEvent, now: Date): Promise<Plan> {
    const maybe = isOptOutReasonChoice(event) || (event.type === 'text' && matchNumber(event.text) !== null);
    if (!maybe) return NOTHING;
    const lastMenu = await lastBotMenu(tx, contact.id);
    const loaded = dialogueContextFrom(contact, facts, [], { privacyUrl, now, lastMenu });
    // opted_out_at is never cleared: the contact is opted out whatever its stored state says.
    const outcome = decide({ ...loaded.ctx, state: 'opted_out' }, event);
    if (outcome.events.length === 0) return NOTHING;
    const conversationId = loaded.conversation?.id ?? null;
    if (conversationId && (await optOutReasonGiven(tx, conversationId))) return NOTHING;
    for (const e of outcome.events) {
      await recordEvent(tx, { ...eventOf(e), municipalityId: loaded.municipalityId, subject: loaded.monitoringKey, conversationId });
    }
    return NOTHING;
  }

  /** The existing conversation came with the context; only a new one, or one that just got its municipality, needs more. */
  async function conversationOf(tx: Tx, contact: ContactRow, loaded: LoadedContext, municipalityId: string | null) {
    const known = loaded.conversation;
    if (known && (known.municipalityId !== null || municipalityId === null)) return known;
    return ensureConversation(tx, { id: contact.id, youngsterId: contact.youngsterId, municipalityId });
  }

  /**
   * The youngster's message with the bot's replies, its events and the
   * conversation's clock (one statement), the contact's dialogue state and the
   * dialogue's events: independent of each other, so handed to the connection
   * together - with COMMIT when nothing follows them (`last`).
   */
  async function storeTurn(
    t: PipelinedTx,
    turn: {
      contact: ContactRow;
      conversationId: string;
      channel: ChannelName;
      incoming: IncomingMessage | null;
      outcome: Outcome;
      loaded: LoadedContext;
      municipalityId: string | null;
      now: Date;
      /** Where routing sent the incoming message inline (routed in this statement), or null. */
      route: InlineRoute | null;
    },
    last: boolean,
  ): Promise<RecordedTurn> {
    const { outcome, contact } = turn;
    const noticeSent = outcome.officeNoticeSent || outcome.absenceNoticeSent;
    // Most messages change nothing about the contact; the update is skipped then.
    const contactChanged =
      outcome.state !== contact.dialogueState || outcome.language !== contact.language || outcome.municipalityId !== null || noticeSent;
    const monitoring = { municipalityId: turn.municipalityId, subject: turn.loaded.monitoringKey };
    const recorded: IncomingTurn = {
      incoming: turn.incoming,
      // The goodbye after an opt-out is the one message that still goes out.
      replies: outcome.replies.map((r, i) => ({ body: r.text, menu: r.menu, isOptOutAck: outcome.optOut && i === outcome.replies.length - 1 })),
      monitoring,
      // An opt-out (or a message after one) does not reopen the conversation: it waits for no answer.
      clock: { inbound: turn.incoming !== null && !outcome.optOut, urgent: outcome.urgent },
      route: turn.route,
    };
    // Each call hands its statement to the connection at once; COMMIT follows them in the same write.
    const writes = [
      recordIncoming(t, { conversationId: turn.conversationId, contactId: contact.id, channel: turn.channel }, recorded),
      contactChanged
        ? saveDialogueState(t, contact.id, {
            state: outcome.state,
            language: outcome.language,
            municipalityId: outcome.municipalityId,
            noticeSentAt: noticeSent ? turn.now : null,
          })
        : null,
      ...outcome.events.map((e) => recordEvent(t, { ...eventOf(e), ...monitoring, conversationId: turn.conversationId })),
    ] as const;
    if (last) void t.commit().catch(() => {}); // a failure here is a failed statement's, awaited below
    const [stored] = await Promise.all(writes);
    return stored;
  }

  /**
   * Routing's two common answers, decided here from the facts the dialogue's context already read
   * (core/routing.ts, the same rules), so the message needs no routing job: the conversation's
   * owner keeps it ("sticky"), or an unowned conversation goes to the casemanager on the card
   * ("card") - each only when that person is an active member of the serving team and not away.
   * Anything else (an absent owner's delegate, the least loaded colleague, nobody) is the routing
   * worker's, which sees the whole team.
   */
  function inlineRoute(loaded: LoadedContext, conv: { id: string }, now: Date): InlineRoute | null {
    const known = loaded.conversation?.id === conv.id ? loaded.conversation : null;
    if (known?.assignedTo) {
      const owner = known.owner;
      if (!owner) return null;
      const d = decideRoute({ currentAssigneeId: owner.id, cardCasemanagerId: null, team: [owner], now });
      return d.reason === 'sticky' && d.assigneeId ? { to: d.assigneeId, reason: 'sticky' } : null;
    }
    const card = loaded.cardOwner;
    // A conversation made in this turn is unowned too - unless another contact of the person made it
    // first; the clock's UPDATE then keeps that owner (db/queries/conversations.ts, touchStatement).
    if (!card) return null;
    const d = decideRoute({ currentAssigneeId: null, cardCasemanagerId: card.id, team: [card], now });
    return d.reason === 'card' && d.assigneeId ? { to: d.assigneeId, reason: 'card' } : null;
  }

  async function announceRouted(routed: Plan['routed']) {
    if (!routed) return;
    await deps.liveBus
      .publishInbox({ kind: 'message', ...routed })
      .catch((err: unknown) => deps.logger.warn({ err, messageId: routed.messageId }, 'live signal of a routed message failed'));
  }

  async function announceClosed(closed: Plan['closed']) {
    if (!closed) return;
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

/** A dialogue event as an event row's type and data (categories only). */
function eventOf(e: DialogueEvent): Pick<EventInput, 'type' | 'data'> {
  return typeof e === 'string' ? { type: e } : { type: e.type, data: e.data };
}

/** A reason tapped under an opt-out's goodbye (why:<reason>). */
function isOptOutReasonChoice(event: InboundEvent): boolean {
  return event.type === 'choice' && event.choice.startsWith(CHOICE.optOutReasonPrefix);
}

function maskToken(text: string, token: string | null): string {
  return token ? text.split(token).join('[kaartcode]') : text;
}

/**
 * A text that is an active card's short code becomes that card's start; anything else stays text.
 * The code is a key like the token: the message keeps only "[kaartcode]" (as maskToken does).
 */
async function typedCardCode(tx: Tx, event: { type: 'text'; text: string }): Promise<InboundEvent> {
  const code = parseShortCode(event.text);
  if (!code) return event;
  const card = await findCardByShortCode(tx, code);
  return card?.status === 'active' ? { type: 'start', token: card.token, text: '[kaartcode]' } : event;
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
