import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { ChannelName } from './channel.js';
import { instantAt, localParts } from './local-time.js';

/**
 * Queue names and job shapes. Jobs carry ids only: BullMQ keeps job data in
 * clear text in Redis, so never a message text, name or messenger id.
 * Outbound has one queue per channel, so each platform gets its own rate limit
 * and a slow WhatsApp never holds up the web chat.
 */
export const CHANNELS: readonly ChannelName[] = ['web', 'telegram', 'whatsapp'];
export const QUEUE = {
  inbound: 'inbound', // a stored youngster message -> routing worker
  updates: 'updates', // a stored raw platform update (Telegram) -> dialogue
  outbound: (channel: ChannelName) => `outbound-${channel}`, // a stored outbox row -> delivery worker
  cards: 'cards', // a card batch -> its print-ready PDF
  privacy: 'privacy', // an erasure request -> the person erased; the nightly retention run
  reminders: 'reminders', // a visit's reminder (24 h and 2 h before), delayed until its moment
} as const;

export interface InboundJob {
  messageId: string;
}
export interface UpdateJob {
  updateId: string;
}
export interface OutboundJob {
  messageId: string;
}
export interface CardBatchJob {
  batchId: string;
}
/** A visit's reminder; `startsAt` (ISO) is the start it was made for: a moved visit's old reminders find nothing to do. */
export interface ReminderJob {
  visitId: string;
  kind: ReminderKind;
  startsAt: string;
}
export const REMINDER_KINDS = ['24h', '2h'] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

/**
 * When a visit's reminders go: the day before at the same Amsterdam clock time (so across a DST
 * change "morgen om 14:00" is still sent at 14:00, 23 or 25 hours before), and two hours before.
 */
export function reminderMoment(kind: ReminderKind, startsAt: Date): Date {
  if (kind === '2h') return new Date(startsAt.getTime() - 2 * 3600_000);
  const p = localParts(startsAt);
  const dayBefore = new Date(Date.UTC(p.year, p.month - 1, p.day - 1));
  return instantAt({ year: dayBefore.getUTCFullYear(), month: dayBefore.getUTCMonth() + 1, day: dayBefore.getUTCDate() }, p.minutes);
}

/** `erase`: one erasure request (db/schema/privacy.ts); `retention`: the nightly run over every municipality. */
export type PrivacyJob = { erasureId: string } | { retention: true };

/**
 * The head of a contact's line: its oldest queued message while nothing of
 * theirs is being sent (db/queries/outbox.ts `findHeads` says which). Only
 * heads go on the queue; the delivery worker enqueues the next one when a head
 * is done. Enqueueing the whole line at once would make the later messages
 * wait by re-running, and every re-run counts against the channel's rate limit
 * (BullMQ's limiter counts processed jobs).
 */
export interface OutboxHead {
  id: string;
  channel: ChannelName;
  /** How often the row was claimed for sending: the round in its job id. */
  round: number;
}

export const defaultJobOptions: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
  // Completed job ids are kept a while so a re-enqueue of the same id within that window is a no-op.
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** Deterministic job ids: enqueueing the same row twice adds one job. BullMQ forbids ':' in custom ids. */
export const inboundJobId = (messageId: string) => `in-${messageId}`;
export const updateJobId = (updateId: string) => `upd-${updateId}`;
export const cardBatchJobId = (batchId: string) => `cards-${batchId}`;
export const erasureJobId = (erasureId: string) => `erase-${erasureId}`;
/** Deterministic per visit, kind and start: scheduling twice adds one job; a moved visit gets new ids. */
export const reminderJobId = (visitId: string, kind: ReminderKind, startsAt: Date) => `remind-${visitId}-${kind}-${Math.round(startsAt.getTime() / 60_000)}`;
/**
 * `round` is how often the row was (re)queued for sending: a retry by staff or
 * a re-enqueue after Redis lost its jobs gets a fresh id, while two enqueues of
 * the same round collapse into one job.
 */
export const outboundJobId = (messageId: string, round = 0, tag?: string) =>
  `out-${messageId}-r${round}${tag ? `-${tag}` : ''}`;

export interface EnqueueOptions {
  delayMs?: number;
  tag?: string;
}

export interface Queues {
  inbound: Queue<InboundJob>;
  updates: Queue<UpdateJob>;
  outbound: Record<ChannelName, Queue<OutboundJob>>;
  cards: Queue<CardBatchJob>;
  privacy: Queue<PrivacyJob>;
  reminders: Queue<ReminderJob>;
  /** The visit's reminders that are still ahead of `now`; returns how many were (already) scheduled. */
  scheduleReminders(visit: { id: string; startsAt: Date }, now?: Date): Promise<number>;
  /** Removes the reminders made for this start (a cancel, a move, an opt-out). */
  cancelReminders(visit: { id: string; startsAt: Date }): Promise<void>;
  /** The erasure of one request; idempotent (the worker checks the request's state). */
  enqueueErasure(erasureId: string, delayMs?: number): Promise<void>;
  enqueueCardBatch(batchId: string): Promise<void>;
  enqueueInbound(messageId: string): Promise<void>;
  enqueueUpdate(updateId: string): Promise<void>;
  /**
   * `tag` is for a deliberate second job of the same row and round (e.g. "after its predecessor"): it is used
   * only when the plain job id is taken, so that the sweeper's re-enqueue under the plain id stays a no-op for
   * a row that is merely waiting in a backlog. `delayMs` paces it.
   */
  enqueueOutbound(messageId: string, channel: ChannelName, round?: number, opts?: EnqueueOptions): Promise<void>;
  /** Puts each head on its channel's queue; returns how many. */
  enqueueHeads(heads: readonly OutboxHead[], opts?: EnqueueOptions): Promise<number>;
  all(): Queue[];
  close(): Promise<void>;
}

export function createQueues(opts: {
  connection: ConnectionOptions;
  prefix: string;
  /** Connection trouble is reported here instead of as an unhandled 'error' event. */
  onError?: (err: Error) => void;
}): Queues {
  const make = <T>(name: string) => {
    const q = new Queue<T>(name, { connection: opts.connection, prefix: opts.prefix, defaultJobOptions });
    q.on('error', opts.onError ?? (() => {}));
    return q;
  };
  const inbound = make<InboundJob>(QUEUE.inbound);
  const updates = make<UpdateJob>(QUEUE.updates);
  const outbound = Object.fromEntries(CHANNELS.map((c) => [c, make<OutboundJob>(QUEUE.outbound(c))])) as Record<
    ChannelName,
    Queue<OutboundJob>
  >;
  const cards = make<CardBatchJob>(QUEUE.cards);
  const privacy = make<PrivacyJob>(QUEUE.privacy);
  const reminders = make<ReminderJob>(QUEUE.reminders);
  const all = (): Queue[] => [inbound, updates, cards, privacy, reminders, ...Object.values(outbound)];
  async function enqueueOutbound(messageId: string, channel: ChannelName, round = 0, o: EnqueueOptions = {}) {
    const queue = outbound[channel];
    const plain = outboundJobId(messageId, round);
    const jobId = o.tag && (await queue.getJobState(plain)) !== 'unknown' ? outboundJobId(messageId, round, o.tag) : plain;
    await queue.add('deliver', { messageId }, { jobId, ...(o.delayMs ? { delay: o.delayMs } : {}) });
  }
  return {
    inbound,
    updates,
    outbound,
    cards,
    privacy,
    reminders,
    async scheduleReminders(visit, now = new Date()) {
      let n = 0;
      for (const kind of REMINDER_KINDS) {
        const delay = reminderMoment(kind, visit.startsAt).getTime() - now.getTime();
        if (delay <= 0) continue;
        const data = { visitId: visit.id, kind, startsAt: visit.startsAt.toISOString() };
        // A done reminder is kept a week: the sweeper re-adding it then is a no-op, so it is never sent twice.
        await reminders.add('remind', data, { jobId: reminderJobId(visit.id, kind, visit.startsAt), delay, removeOnComplete: { age: 7 * 24 * 3600 } });
        n += 1;
      }
      return n;
    },
    async cancelReminders(visit) {
      for (const kind of REMINDER_KINDS) await reminders.remove(reminderJobId(visit.id, kind, visit.startsAt));
    },
    async enqueueErasure(erasureId, delayMs) {
      // Done jobs are not kept: the request row says whether it is done, and a later enqueue must run.
      await privacy.add('erase', { erasureId }, { jobId: erasureJobId(erasureId), removeOnComplete: true, ...(delayMs ? { delay: delayMs } : {}) });
    },
    async enqueueCardBatch(batchId) {
      // A PDF takes seconds; two attempts, then the page offers "try again" (a new batch).
      await cards.add('render', { batchId }, { jobId: cardBatchJobId(batchId), attempts: 2, backoff: { type: 'fixed', delay: 5000 } });
    },
    async enqueueInbound(messageId) {
      // Routing is idempotent on the row's status, so a finished routing job need not be kept to
      // de-duplicate a later enqueue - and every inbound message would otherwise leave one in Redis.
      await inbound.add('route', { messageId }, { jobId: inboundJobId(messageId), removeOnComplete: true });
    },
    async enqueueUpdate(updateId) {
      await updates.add('update', { updateId }, { jobId: updateJobId(updateId) });
    },
    enqueueOutbound,
    async enqueueHeads(heads, o = {}) {
      for (const h of heads) await enqueueOutbound(h.id, h.channel, h.round, o);
      return heads.length;
    },
    all,
    async close() {
      await Promise.all(all().map((q) => q.close()));
    },
  };
}
