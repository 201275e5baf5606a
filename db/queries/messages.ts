import { and, eq, inArray, isNull, lt, notInArray, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { ChannelName, MenuOption } from '../../core/channel.js';
import { assertTransition, INITIAL_STATUS, MOVES, type MessageStatus, type Move } from '../../core/message-lifecycle.js';
import { IllegalTransitionError } from '../../core/errors.js';
import { rawRows, type DbOrTx, type Executor, type Tx } from '../client.js';
import { messages } from '../schema/index.js';
import { assignIfStill, touchStatement } from './conversations.js';
import { eventInsert, type EventColumns } from './events.js';
import { lineAhead } from './outbox.js';

/**
 * THE writer of the messages table: every INSERT and every status change of a
 * message is a function here (test/unit/message-writes.test.ts greps for
 * others). The rules are core/message-lifecycle.ts; each move is a guarded
 * UPDATE ... WHERE status IN (<the move's from>). Where the caller relies on the
 * row's state (a worker marking its own claim sent) and it is not so, that is
 * an IllegalTransitionError; where "nothing to do" is normal (a duplicate job
 * finds the row claimed) the return type says so. The events that belong to a
 * move are recorded in the same statement. Nothing here enqueues: callers hand
 * ids to BullMQ after commit.
 */

type Fields = Omit<PgUpdateSetSource<typeof messages>, 'id' | 'seq' | 'status' | 'searchText'>;

/** A move as an UPDATE: only rows matching `where` whose status the move may leave from. */
function guarded(db: DbOrTx, m: Move, where: SQL, set: Fields) {
  return db
    .update(messages)
    .set({ ...set, status: m.to })
    .where(and(where, inArray(messages.status, [...m.from])));
}

/** The statement of a query builder without the parentheses drizzle puts around an embedded one. */
const bare = (q: SQLWrapper): SQL => q.getSQL();

/** A row a move changed, with what a live signal to the inbox needs. */
export const movedRow = z.strictObject({
  id: z.uuid(),
  contactId: z.uuid().nullable(),
  conversationId: z.uuid(),
  municipalityId: z.uuid().nullable(),
});
export type MovedRow = z.infer<typeof movedRow>;

/**
 * A move and its event in one statement: one event per row that moved, none
 * when nothing did. `eventFrom` joins what the event needs beyond the moved
 * rows (`moved` has id, contact_id, conversation_id, channel).
 */
async function moveWithEvent(db: DbOrTx, m: Move, where: SQL, set: Fields, event: EventColumns, eventFrom = sql`from moved`) {
  const update = guarded(db, m, where, set).returning({
    id: messages.id,
    contactId: messages.contactId,
    conversationId: messages.conversationId,
    channel: messages.channel,
  });
  // Raw: a data-modifying CTE, which drizzle's builder cannot write. The column list names what returning gives.
  return db.execute<MovedRow>(sql`
    with moved (id, contact_id, conversation_id, channel) as (${bare(update)}),
    ev as (${eventInsert(event, eventFrom)})
    select m.id, m.contact_id as "contactId", m.conversation_id as "conversationId", c.municipality_id as "municipalityId"
    from moved m join conversations c on c.id = m.conversation_id`);
}

/** Why a move the caller relied on did not happen: the row's status now, in an IllegalTransitionError. */
async function refused(db: DbOrTx, messageId: string, m: Move, expected: string): Promise<never> {
  const [row] = await db.select({ status: messages.status }).from(messages).where(eq(messages.id, messageId));
  const from: MessageStatus | 'absent' = row?.status ?? 'absent';
  assertTransition(messageId, from, m.to, expected);
  // The table allows it in general, but the row is not in the state this caller relied on (another claim).
  throw new IllegalTransitionError(messageId, from, m.to, expected);
}

/* ---------------------------------------------------------------- incoming */

export interface Thread {
  conversationId: string;
  contactId: string;
  channel: ChannelName;
}
export interface IncomingMessage {
  kind: 'text' | 'choice';
  body: string;
  status: (typeof INITIAL_STATUS.in)[number];
  externalId: string | null;
}
export interface BotReply {
  body: string;
  menu: MenuOption[] | null;
  /** The goodbye after an opt-out: the one message an opted-out contact still receives. */
  isOptOutAck: boolean;
}

/** Where routing sent a youngster's message inline (decided by the dialogue with core/routing.ts). */
export interface InlineRoute {
  to: string;
  reason: 'sticky' | 'card';
}

export interface IncomingTurn {
  incoming: IncomingMessage | null;
  replies: readonly BotReply[];
  monitoring: { municipalityId: string | null; subject: string | null };
  /** The conversation's clock (see touchStatement), moved in the same statement. */
  clock: { inbound: boolean; urgent: boolean };
  /**
   * Routing decided inline by the caller (core/routing.ts, from the dialogue's facts): the
   * incoming message stays with the conversation's owner ('sticky') or goes to the card's
   * casemanager of an unowned conversation ('card'). It is stored routed, with the
   * 'conversation.routed' event the routing worker would have recorded, and needs no routing job.
   */
  route?: InlineRoute | null;
}
/** A row of recordIncoming's statement: a stored message's id, and whether the line was busy before. */
export const recordedRow = z.strictObject({ id: z.uuid(), busy: z.boolean() });
type RecordedRow = z.infer<typeof recordedRow>;
export interface RecordedTurn {
  incomingId: string | null;
  replyIds: string[];
  lineBusy: boolean;
}

/**
 * A youngster's message and the bot's replies, in one INSERT with the
 * message's 'message.received' event and the conversation's clock (one
 * statement: the inbound path's write). The youngster's message goes first:
 * seq (an identity) follows VALUES order, so the replies always come after
 * what they answer. Also says whether the contact's line was busy before (read
 * in the same statement, so before the insert): if not, the first reply is the
 * head of their line and can be enqueued without a lookup. When routing was
 * decided inline (`turn.route`), the message is stored routed, the same UPDATE
 * gives an unowned conversation its owner, and 'conversation.routed' is recorded.
 * Raw SQL: this runs for every message a youngster sends, and the query builder
 * costs more than the statement.
 */
export async function recordIncoming(tx: Executor, thread: Thread, turn: IncomingTurn): Promise<RecordedTurn> {
  const rows = await rawRows<RecordedRow>(tx, recordIncomingStatement(thread, turn));
  const ids = rows.map((r) => r.id);
  return { incomingId: turn.incoming ? ids[0]! : null, replyIds: turn.incoming ? ids.slice(1) : ids, lineBusy: rows[0]?.busy ?? false };
}

function recordIncomingStatement(thread: Thread, turn: IncomingTurn): SQL {
  const { incoming } = turn;
  const route = incoming?.status === 'routed' ? (turn.route ?? null) : null;
  const claimFor = route?.reason === 'card' ? route.to : null;
  const touch = sql`touch as (${touchStatement(thread.conversationId, { ...turn.clock, claimFor })})`;
  // Nothing to store (a plain start, an opt-out's silence): only the clock moves.
  if (!incoming && turn.replies.length === 0) return sql`with ${touch} select null::uuid as id, false as busy where false`;
  const row = (r: { direction: 'in' | 'out'; kind: string; body: string; status: MessageStatus; externalId: string | null; menu: MenuOption[] | null; ack: boolean }) =>
    sql`(${thread.conversationId}::uuid, ${thread.contactId}::uuid, ${thread.channel}::channel, ${r.direction}::message_direction,
         ${r.kind}::message_kind, ${r.body}, ${r.status}::message_status, ${r.externalId}, ${r.menu ? JSON.stringify(r.menu) : null}::jsonb, ${r.ack})`;
  const rows = [
    ...(incoming ? [row({ direction: 'in', ...incoming, menu: null, ack: false })] : []),
    ...turn.replies.map((r) =>
      row({ direction: 'out', kind: 'bot', body: r.body, status: INITIAL_STATUS.out[0], externalId: null, menu: r.menu, ack: r.isOptOutAck }),
    ),
  ];
  const events: SQL[] = [];
  if (incoming) {
    events.push(sql`, received as (${eventInsert({
      type: 'message.received',
      municipalityId: turn.monitoring.municipalityId,
      subject: turn.monitoring.subject,
      conversationId: thread.conversationId,
      data: { channel: thread.channel, kind: incoming.kind },
    })})`);
    if (route) {
      // The owner as the clock's UPDATE left it (someone who took the conversation in the meantime stays).
      events.push(sql`, routed as (${eventInsert(
        {
          type: 'conversation.routed',
          municipalityId: turn.monitoring.municipalityId,
          conversationId: thread.conversationId,
          actorStaffId: sql`touch.assigned_to`,
          data: route.reason === 'sticky'
            ? { reason: 'sticky', changed: false, previousAssignee: route.to }
            : { reason: 'card', changed: true, previousAssignee: null },
        },
        sql`from touch`,
      )})`);
    }
  }
  return sql`
    with busy as (select ${lineAhead(thread.contactId)} as busy), ins as (
      insert into messages (conversation_id, contact_id, channel, direction, kind, body, status, external_id, menu, is_opt_out_ack)
      values ${sql.join(rows, sql`, `)}
      returning id, seq
    ), ${touch}${sql.join(events, sql``)}
    select ins.id, busy.busy from ins, busy order by ins.seq`;
}

/** A row of markRouted's statement. */
export const routedRow = z.strictObject({ conversation_ok: z.boolean(), routed: z.boolean() });
type RoutedRow = z.infer<typeof routedRow>;

/**
 * The routing decision, in one statement (every incoming message passes here):
 * give the conversation its owner - only while its owner is still the one the
 * decision read -, mark the message routed - only while it is 'received' -,
 * and record 'conversation.routed'. 'not_received': already routed (a
 * duplicate job) or gone, nothing to do; 'raced': someone changed the owner in
 * between, decide again.
 */
export async function markRouted(
  db: DbOrTx,
  r: { messageId: string; conversationId: string; municipalityId: string; assignee: { from: string | null; to: string | null }; reason: string },
): Promise<'routed' | 'not_received' | 'raced'> {
  const changed = r.assignee.to !== r.assignee.from;
  const ownerOk = sql`(exists (select 1 from conv) or (not ${changed} and exists (select 1 from still)))`;
  const msg = guarded(db, MOVES.route, and(eq(messages.id, r.messageId), ownerOk)!, {}).returning({ id: messages.id });
  const rows = await db.execute<RoutedRow>(sql`
    with conv as (${assignIfStill({ id: r.conversationId, ...r.assignee })}),
    still as (
      select 1 from conversations
      where id = ${r.conversationId} and (${changed} or assigned_to is not distinct from ${r.assignee.from})
    ), msg as (${bare(msg)}),
    ev as (${eventInsert(
      {
        type: 'conversation.routed',
        municipalityId: r.municipalityId,
        conversationId: r.conversationId,
        actorStaffId: r.assignee.to,
        data: { reason: r.reason, changed, previousAssignee: r.assignee.from },
      },
      sql`from msg`,
    )})
    select ${ownerOk} as conversation_ok, exists (select 1 from msg) as routed`);
  const result = rows[0]!;
  if (result.routed) return 'routed';
  return result.conversation_ok ? 'not_received' : 'raced';
}

/* ---------------------------------------------------------------- outgoing */

/** A staff member's reply, queued; it goes to the contact and channel the youngster last wrote from. */
export async function createReply(
  tx: DbOrTx,
  r: { conversationId: string; contactId: string; channel: ChannelName; authorStaffId: string; body: string; clientRef: string | null },
): Promise<string> {
  const [msg] = await tx
    .insert(messages)
    .values({ ...r, direction: 'out', status: INITIAL_STATUS.out[0] })
    .returning({ id: messages.id });
  if (!msg) throw new Error('insert returned no row');
  return msg.id;
}

/**
 * A message from the bot outside a youngster's turn (a visit's reminder or confirmation), queued
 * once: `clientRef` makes a second write of the same message a no-op (null then).
 */
export async function createBotMessage(
  tx: DbOrTx,
  r: { conversationId: string; contactId: string; channel: ChannelName; body: string; menu?: MenuOption[] | null; clientRef: string },
): Promise<string | null> {
  const [msg] = await tx
    .insert(messages)
    .values({ ...r, menu: r.menu ?? null, kind: 'bot', direction: 'out', status: INITIAL_STATUS.out[0] })
    .onConflictDoNothing()
    .returning({ id: messages.id });
  return msg?.id ?? null;
}

/** What a delivery worker holds after claiming a row: enough to send it, and its attempt to prove the claim is its own. */
export interface Claim {
  id: string;
  attempts: number;
  conversationId: string;
  contactId: string | null;
  channel: ChannelName;
  body: string;
  menu: MenuOption[] | null;
  isOptOutAck: boolean;
}

/**
 * queued -> sending, counting the attempt. Only one worker gets a row: a
 * duplicate job, or one for a row that was sent, cancelled or erased in the
 * meantime, gets `not_queued` - nothing to do.
 */
export async function claimForSending(db: DbOrTx, messageId: string): Promise<{ claimed: Claim } | { claimed: null; reason: 'not_queued' }> {
  const [claimed] = await guarded(db, MOVES.claim, and(eq(messages.id, messageId), eq(messages.direction, 'out'))!, {
    attempts: sql`${messages.attempts} + 1`,
    claimedAt: sql`now()`,
    sendingSince: null,
  }).returning({
    id: messages.id,
    attempts: messages.attempts,
    conversationId: messages.conversationId,
    contactId: messages.contactId,
    channel: messages.channel,
    body: messages.body,
    menu: messages.menu,
    isOptOutAck: messages.isOptOutAck,
  });
  return claimed ? { claimed: claimed } : { claimed: null, reason: 'not_queued' };
}

/** This claim and no other: a row the sweeper gave back to the line has a new attempt. */
const ownClaim = (c: Claim) => and(eq(messages.id, c.id), eq(messages.attempts, c.attempts))!;
const claimText = (c: Claim) => `attempt ${c.attempts}`;

/**
 * The point of no return, right before the platform call: from now on nobody
 * can know whether the platform got it (the sweeper turns a silent one into
 * in_doubt, never into a resend). `superseded`: the sweeper gave this stalled
 * claim back to the line, and another job owns the row now - do not send.
 */
export async function markHandedOver(db: DbOrTx, claim: Claim): Promise<'handed_over' | 'superseded'> {
  const rows = await db
    .update(messages)
    .set({ sendingSince: sql`now()` })
    .where(and(ownClaim(claim), eq(messages.status, MOVES.claim.to)))
    .returning({ id: messages.id });
  return rows.length ? 'handed_over' : 'superseded';
}

/** Where a delivery event is counted (monitoring): the conversation's municipality and the youngster's monitoring key. */
export interface Monitoring {
  municipalityId: string | null;
  subject: string | null;
}

function deliveryEvent(type: 'message.sent' | 'message.failed' | 'message.cancelled', claim: Claim, at: Monitoring, data: Record<string, string> = {}): EventColumns {
  return { type, ...at, conversationId: claim.conversationId, data: { channel: claim.channel, ...data } };
}

/** The platform took our claim. */
export async function markSent(db: DbOrTx, claim: Claim, externalId: string | null, at: Monitoring): Promise<void> {
  const set = { sentAt: sql`now()`, externalId, lastError: null };
  const moved = await moveWithEvent(db, MOVES.send, ownClaim(claim), set, deliveryEvent('message.sent', claim, at));
  if (!moved.length) await refused(db, claim.id, MOVES.send, claimText(claim));
}

/** Given up on our claim: a permanent error, or the last attempt. `code` is an error name or code, never its text. */
export async function markFailed(db: DbOrTx, claim: Claim, code: string, at: Monitoring): Promise<void> {
  const moved = await moveWithEvent(db, MOVES.fail, ownClaim(claim), { lastError: code }, deliveryEvent('message.failed', claim, at, { code }));
  if (!moved.length) await refused(db, claim.id, MOVES.fail, claimText(claim));
}

/** A delivery gate refused our claim: `reason` is opted_out, not_written_first or no_contact. */
export async function markRefused(db: DbOrTx, claim: Claim, reason: string, at: Monitoring): Promise<void> {
  const event = deliveryEvent('message.cancelled', claim, at, { reason });
  const moved = await moveWithEvent(db, MOVES.refuse, ownClaim(claim), { lastError: reason }, event);
  if (!moved.length) await refused(db, claim.id, MOVES.refuse, claimText(claim));
}

/** Our claim goes back in line (a platform rate limit, a transient error): its next attempt is a new claim. */
export async function requeueClaim(db: DbOrTx, claim: Claim, reason: string): Promise<void> {
  const moved = await guarded(db, MOVES.requeue, ownClaim(claim), { lastError: reason }).returning({ id: messages.id });
  if (!moved.length) await refused(db, claim.id, MOVES.requeue, claimText(claim));
}

const olderThan = (ms: number) => sql`now() - make_interval(secs => ${ms / 1000})`;

/**
 * The sweeper, for claims of a dead worker that never reached the platform
 * (no sending_since, claimed over `staleMs` ago): they certainly did not
 * leave, so they go back in line. A merely slow worker finds its hand-over
 * superseded. Returns the contacts whose line moved.
 */
export async function requeueStaleClaims(db: DbOrTx, q: { staleMs: number }): Promise<(string | null)[]> {
  const where = and(eq(messages.direction, 'out'), isNull(messages.sendingSince), lt(messages.claimedAt, olderThan(q.staleMs)))!;
  const rows = await guarded(db, MOVES.requeue, where, { lastError: 'reclaimed' }).returning({ contactId: messages.contactId });
  return rows.map((r) => r.contactId);
}

/**
 * The sweeper, for rows handed to the platform over `staleMs` ago without a
 * word from their worker: nobody can tell whether the platform got them
 * (Telegram has no idempotency key), and sending again might mean the
 * youngster gets it twice. They become in_doubt - a person decides - with a
 * 'message.in_doubt' event each. Their contacts' next messages may go.
 */
export async function markStaleInDoubt(db: DbOrTx, q: { staleMs: number }): Promise<MovedRow[]> {
  const where = and(eq(messages.direction, 'out'), lt(messages.sendingSince, olderThan(q.staleMs)))!;
  const event: EventColumns = {
    type: 'message.in_doubt',
    municipalityId: sql`c.municipality_id`,
    subject: sql`y.monitoring_key`,
    conversationId: sql`moved.conversation_id`,
    data: sql`jsonb_build_object('channel', moved.channel)`,
  };
  const from = sql`from moved join conversations c on c.id = moved.conversation_id left join youngsters y on y.id = c.youngster_id`;
  return [...(await moveWithEvent(db, MOVES.doubt, where, { lastError: 'interrupted' }, event, from))];
}

/**
 * "Opnieuw versturen" by a staff member: a failed or in-doubt message goes
 * back in line (its next claim is a new round, so an earlier finished job id
 * does not swallow it), with 'message.retried'. The caller has locked the row
 * and checked its status (lockOutgoingForRetry).
 */
export async function requeueForRetry(
  tx: DbOrTx,
  r: { messageId: string; conversationId: string; municipalityId: string; channel: ChannelName; staffId: string },
): Promise<void> {
  const event: EventColumns = {
    type: 'message.retried',
    municipalityId: r.municipalityId,
    conversationId: r.conversationId,
    actorStaffId: r.staffId,
    data: { channel: r.channel },
  };
  const moved = await moveWithEvent(tx, MOVES.retry, eq(messages.id, r.messageId), { lastError: null, sendingSince: null }, event);
  if (!moved.length) await refused(tx, r.messageId, MOVES.retry, MOVES.retry.from.join(' or '));
}

/**
 * An opt-out: everything still waiting for these contacts is cancelled -
 * except `keep` (the goodbye just written). What is being sent right now
 * meets the opt-out gate in the worker. Returns how many were cancelled.
 */
export async function cancelWaitingFor(tx: DbOrTx, contactIds: readonly string[], opts: { keep?: readonly string[] } = {}): Promise<number> {
  if (contactIds.length === 0) return 0;
  const keep = opts.keep?.length ? notInArray(messages.id, [...opts.keep]) : undefined;
  const where = and(inArray(messages.contactId, [...contactIds]), eq(messages.direction, 'out'), keep)!;
  const rows = await guarded(tx, MOVES.cancelWaiting, where, { lastError: 'opted_out' }).returning({ id: messages.id });
  return rows.length;
}
