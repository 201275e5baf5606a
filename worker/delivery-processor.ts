import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import { PermanentSendError, RateLimitedError, type ChannelSender, type OutboundEnvelope } from '../core/channel.js';
import type { LiveBus } from '../core/live-bus.js';
import type { Logger } from '../core/logger.js';
import type { OutboundJob, Queues } from '../core/queues.js';
import type { Database } from '../db/client.js';
import {
  claimForSending,
  markFailed,
  markHandedOver,
  markRefused,
  markSent,
  requeueClaim,
  type Claim,
  type Monitoring,
} from '../db/queries/messages.js';
import { deliveryTarget, deliveryTurn, findHeads, type DeliveryTarget } from '../db/queries/outbox.js';
import type { Pacer } from './pacer.js';
import type { SendSpacer } from './send-spacer.js';

/** How late after its slot a send may still go; later, it waits for the next free slot. */
const LATE_FOR_SLOT_MS = 8;

type Refusal = 'no_contact' | 'opted_out' | 'not_written_first';

/**
 * Delivers one outbox row through one channel's sender. PostgreSQL decides what
 * may be sent: the row must still be queued and the head of its contact's
 * line, and its contact must not have opted out - whatever Redis still carries
 * (the one exception is the message that confirms the opt-out itself). The row
 * is claimed (queued -> sending) before the platform call, so a duplicate job
 * finds nothing to do; the moment it is handed to the platform is recorded
 * separately (sending_since), so after a crash the sweeper knows which rows
 * never left. Every status change is a function of db/queries/messages.ts.
 */
export function createDeliveryProcessor(deps: {
  database: Database;
  liveBus: LiveBus;
  sender: ChannelSender;
  logger: Logger;
  /** Needed to honour a platform's retry_after via worker.rateLimit(). */
  getWorker: () => Worker | undefined;
  /** Per-contact pacing (Telegram: about one message a second per chat); none for the web chat. */
  pacer?: Pacer;
  perContactMs?: number;
  /** Bot-wide spacing of the platform calls themselves (Telegram's ~30 msg/s). */
  spacer?: SendSpacer;
  queues: Queues;
  /** The goodbye of an opt-out is final: its erasure may follow (worker/privacy-processor.ts). */
  onGoodbyeFinal?: (messageId: string) => Promise<void>;
}) {
  const { db } = deps.database;
  const { sender } = deps;

  /** The contact's next message, once this one is final; paced by the channel's per-contact interval. */
  async function next(contactId: string | null, delayMs: number) {
    if (!contactId) return;
    const tag = `after-${Date.now().toString(36)}`;
    await findHeads(db, [contactId])
      .then((heads) => deps.queues.enqueueHeads(heads, { delayMs, tag }))
      .catch((err: unknown) => deps.logger.warn({ err, contactId }, 'next message not enqueued; the sweeper will'));
  }

  /** Come back later without counting a failed attempt (pacing, not an error). */
  async function later(job: Job<OutboundJob>, token: string | undefined, ms: number): Promise<never> {
    if (!token) throw new Error('delivery job without a lock token cannot be delayed');
    await job.moveToDelayed(Date.now() + ms, token);
    throw new DelayedError();
  }

  /** Tells open inboxes that the message's status changed. */
  async function signal(claim: Claim, at: Monitoring) {
    if (at.municipalityId) {
      await deps.liveBus.publishInbox({ kind: 'message', conversationId: claim.conversationId, municipalityId: at.municipalityId, messageId: claim.id });
    }
  }

  /** The gates, checked in the database right before every send. */
  function refusal(claim: Claim, target: DeliveryTarget | null): Refusal | null {
    if (!target || !claim.contactId || target.externalId === null) return 'no_contact';
    if (target.optedOutAt && !claim.isOptOutAck) return 'opted_out';
    if (sender.requiresInboundFirst && !target.wroteFirst) return 'not_written_first';
    return null;
  }

  async function refuse(claim: Claim, reason: Refusal, at: Monitoring) {
    await markRefused(db, claim, reason, at);
    await next(claim.contactId, 0);
    await signal(claim, at);
    await goodbyeDone(claim);
  }

  async function goodbyeDone(claim: Claim) {
    if (claim.isOptOutAck) await deps.onGoodbyeFinal?.(claim.id);
  }

  /**
   * Hands the claim to the platform. Only the platform call itself counts as a
   * failed send: once it succeeded, a database error afterwards leaves the row
   * 'sending' for the sweeper to mark in doubt - never back in line to go twice.
   */
  async function send(job: Job<OutboundJob>, claim: Claim, envelope: OutboundEnvelope, at: Monitoring): Promise<{ sent: boolean }> {
    if (deps.spacer) await deps.spacer.wait();
    const slotAt = performance.now();
    // The point of no return: a worker killed after this leaves the row in doubt (see the sweeper).
    if ((await markHandedOver(db, claim)) === 'superseded') return { sent: false };
    // A send that missed its slot (a slow database moment) takes a fresh one: sent late next to an
    // on-time successor, it would bunch up where the platform counts and cost a 429.
    if (deps.spacer && performance.now() - slotAt > LATE_FOR_SLOT_MS) await deps.spacer.wait();
    let externalId: string | null;
    try {
      ({ externalId } = await sender.send(envelope));
    } catch (err) {
      return sendFailed(job, claim, err, at);
    }
    await markSent(db, claim, externalId, at);
    await signal(claim, at);
    await sender.afterSent?.(envelope).catch((err: unknown) => deps.logger.warn({ err, messageId: claim.id }, 'afterSent failed'));
    await next(claim.contactId, deps.perContactMs ?? 0);
    await goodbyeDone(claim);
    return { sent: true };
  }

  /** A send that threw: wait for the platform, try again later, or give up. Always rethrows for BullMQ. */
  async function sendFailed(job: Job<OutboundJob>, claim: Claim, err: unknown, at: Monitoring): Promise<never> {
    if (err instanceof RateLimitedError) {
      await deps.spacer?.pause(err.retryAfterMs);
      await deps.getWorker()?.rateLimit(err.retryAfterMs);
      await requeueClaim(db, claim, 'rate_limited');
      throw Worker.RateLimitError();
    }
    const permanent = err instanceof PermanentSendError;
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const code = permanent ? err.code : err instanceof Error ? err.name : 'unknown';
    if (!permanent && !lastAttempt) {
      await requeueClaim(db, claim, code);
      throw err;
    }
    await markFailed(db, claim, code, at);
    await next(claim.contactId, deps.perContactMs ?? 0);
    await signal(claim, at);
    await goodbyeDone(claim);
    if (permanent) throw new UnrecoverableError(err.message);
    throw err;
  }

  return async function deliver(job: Job<OutboundJob>, token?: string): Promise<{ sent: boolean }> {
    const { messageId } = job.data;
    const turn = await deliveryTurn(db, messageId);
    // Already sent, cancelled, failed, claimed by another worker, or erased: nothing to do.
    if (!turn || turn.status !== 'queued') return { sent: false };
    // Not this one's turn: its predecessor enqueues it when done (see findHeads).
    if (!turn.isHead) return { sent: false };
    if (turn.contactId && deps.pacer) {
      const wait = await deps.pacer.reserve(turn.contactId);
      if (wait > 0) await later(job, token, wait);
    }

    const { claimed: claim } = await claimForSending(db, messageId);
    if (!claim) return { sent: false };
    const target = await deliveryTarget(db, claim);
    const at: Monitoring = { municipalityId: target?.municipalityId ?? null, subject: target?.monitoringKey ?? null };
    const refused = refusal(claim, target);
    if (refused || !target?.externalId || !claim.contactId) {
      await refuse(claim, refused ?? 'no_contact', at);
      return { sent: false };
    }

    const envelope: OutboundEnvelope = {
      messageId,
      contactId: claim.contactId,
      externalContactId: target.externalId,
      body: claim.body,
      menu: claim.menu ?? null,
      language: target.language === 'en' ? 'en' : 'nl',
    };
    return send(job, claim, envelope, at);
  };
}
