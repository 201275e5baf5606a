import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import { and, eq, inArray, sql } from 'drizzle-orm';
import {
  PermanentSendError,
  RateLimitedError,
  type ChannelSender,
  type OutboundEnvelope,
} from '../core/channel.js';
import type { LiveBus } from '../core/live-bus.js';
import type { Logger } from '../core/logger.js';
import type { OutboundJob, Queues } from '../core/queues.js';
import type { Database } from '../db/client.js';
import type { Pacer } from './pacer.js';
import type { SendSpacer } from './send-spacer.js';
import { recordEvent } from '../db/queries/events.js';
import { enqueueHeads } from '../db/queries/outbox.js';
import { channelContacts, conversations, messages, youngsters } from '../db/schema/index.js';

/** How late after its slot a send may still go; later, it waits for the next free slot. */
const LATE_FOR_SLOT_MS = 8;

/**
 * Delivers one outbox row through one channel's sender. PostgreSQL decides what
 * may be sent: the row must still be queued, and its contact must not have
 * opted out - whatever Redis still carries (the one exception is the message
 * that confirms the opt-out itself). The row is claimed (queued -> sending)
 * before the platform call, so a duplicate job finds nothing to do; the
 * moment it is handed to the platform is recorded separately (sending_since),
 * so after a crash the sweeper knows which rows never left.
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
}) {
  const { db } = deps.database;
  const { sender } = deps;

  async function setStatus(id: string, status: 'queued' | 'failed' | 'cancelled', error: string | null) {
    await db.update(messages).set({ status, lastError: error }).where(eq(messages.id, id));
  }

  /** Order per contact: true while an earlier message to the same contact still waits to go out. */
  async function waitsForEarlier(messageId: string): Promise<boolean> {
    const rows = await db.execute<{ waiting: boolean }>(sql`
      select exists (
        select 1 from ${messages} earlier, ${messages} me
        where me.id = ${messageId} and earlier.contact_id = me.contact_id and earlier.direction = 'out'
          and earlier.seq < me.seq and earlier.status in ('queued', 'sending')
      ) as waiting`);
    return rows[0]?.waiting === true;
  }

  /** The contact's next message, once this one is final; paced by the channel's per-contact interval. */
  async function next(contactId: string | null, delayMs: number) {
    if (!contactId) return;
    await enqueueHeads(db, deps.queues, [contactId], { delayMs, tag: `after-${Date.now().toString(36)}` }).catch((err: unknown) =>
      deps.logger.warn({ err, contactId }, 'next message not enqueued; the sweeper will'),
    );
  }

  /** Come back later without counting a failed attempt (pacing, not an error). */
  async function later(job: Job<OutboundJob>, token: string | undefined, ms: number): Promise<never> {
    if (!token) throw new Error('delivery job without a lock token cannot be delayed');
    await job.moveToDelayed(Date.now() + ms, token);
    throw new DelayedError();
  }

  return async function deliver(job: Job<OutboundJob>, token?: string): Promise<{ sent: boolean }> {
    const { messageId } = job.data;
    const [row] = await db
      .select({ status: messages.status, contactId: messages.contactId })
      .from(messages)
      .where(and(eq(messages.id, messageId), eq(messages.direction, 'out')))
      .limit(1);
    // Already sent, cancelled, failed, claimed by another worker, or erased: nothing to do.
    if (!row || row.status !== 'queued') return { sent: false };
    // Not this one's turn: its predecessor enqueues it when done (see enqueueHeads).
    if (await waitsForEarlier(messageId)) return { sent: false };
    if (row.contactId && deps.pacer) {
      const wait = await deps.pacer.reserve(row.contactId);
      if (wait > 0) await later(job, token, wait);
    }

    const [claimed] = await db
      .update(messages)
      .set({ status: 'sending', attempts: sql`${messages.attempts} + 1`, claimedAt: sql`now()`, sendingSince: null })
      .where(and(eq(messages.id, messageId), eq(messages.direction, 'out'), inArray(messages.status, ['queued'])))
      .returning({
        id: messages.id,
        attempts: messages.attempts,
        conversationId: messages.conversationId,
        contactId: messages.contactId,
        channel: messages.channel,
        body: messages.body,
        menu: messages.menu,
        isOptOutAck: messages.isOptOutAck,
        createdAt: messages.createdAt,
      });
    if (!claimed) return { sent: false };

    const [target] = await db
      .select({
        externalId: channelContacts.externalId,
        optedOutAt: channelContacts.optedOutAt,
        language: channelContacts.language,
        municipalityId: conversations.municipalityId,
        monitoringKey: youngsters.monitoringKey,
        wroteFirst: sql<boolean>`exists (select 1 from ${messages} m
          where m.contact_id = ${channelContacts.id} and m.direction = 'in')`,
      })
      .from(conversations)
      .leftJoin(channelContacts, eq(channelContacts.id, claimed.contactId ?? sql`null`))
      .leftJoin(youngsters, eq(youngsters.id, conversations.youngsterId))
      .where(eq(conversations.id, claimed.conversationId))
      .limit(1);

    const municipalityId = target?.municipalityId ?? null;
    const signal = async () => {
      if (municipalityId) await deps.liveBus.publishInbox({ kind: 'message', conversationId: claimed.conversationId, municipalityId, messageId });
    };
    const event = (type: 'message.sent' | 'message.failed' | 'message.cancelled', data: Record<string, string>) =>
      recordEvent(db, {
        type,
        municipalityId,
        subject: target?.monitoringKey ?? null,
        conversationId: claimed.conversationId,
        data: { channel: claimed.channel, ...data },
      });

    // The gates, checked here in the database right before every send.
    const refusal =
      !target || !claimed.contactId || target.externalId === null
        ? 'no_contact'
        : target.optedOutAt && !claimed.isOptOutAck
          ? 'opted_out'
          : sender.requiresInboundFirst && !target.wroteFirst
            ? 'not_written_first'
            : null;
    if (refusal || !target?.externalId || !claimed.contactId) {
      await setStatus(messageId, 'cancelled', refusal ?? 'no_contact');
      await next(claimed.contactId, 0);
      await event('message.cancelled', { reason: refusal ?? 'no_contact' });
      await signal();
      return { sent: false };
    }

    const envelope: OutboundEnvelope = {
      messageId,
      contactId: claimed.contactId,
      externalContactId: target.externalId,
      body: claimed.body,
      menu: claimed.menu ?? null,
      language: target.language === 'en' ? 'en' : 'nl',
    };
    try {
      if (deps.spacer) await deps.spacer.wait();
      const slotAt = performance.now();
      // The point of no return: a worker killed after this leaves the row in doubt (see the sweeper).
      // Only for our own claim: if the sweeper gave a stalled claim back to the queue, another job owns it now.
      const [handedOver] = await db
        .update(messages)
        .set({ sendingSince: sql`now()` })
        .where(and(eq(messages.id, messageId), eq(messages.status, 'sending'), eq(messages.attempts, claimed.attempts)))
        .returning({ id: messages.id });
      if (!handedOver) return { sent: false };
      // A send that missed its slot (a slow database moment) takes a fresh one: sent late next to an
      // on-time successor, it would bunch up where the platform counts and cost a 429.
      if (deps.spacer && performance.now() - slotAt > LATE_FOR_SLOT_MS) await deps.spacer.wait();
      const result = await sender.send(envelope);
      await db
        .update(messages)
        .set({ status: 'sent', sentAt: sql`now()`, externalId: result.externalId, lastError: null })
        .where(eq(messages.id, messageId));
      await event('message.sent', {});
      await signal();
      await sender.afterSent?.(envelope).catch((err: unknown) => deps.logger.warn({ err, messageId }, 'afterSent failed'));
      await next(claimed.contactId, deps.perContactMs ?? 0);
      return { sent: true };
    } catch (err) {
      if (err instanceof RateLimitedError) {
        await setStatus(messageId, 'queued', 'rate_limited');
        await deps.spacer?.pause(err.retryAfterMs);
        await deps.getWorker()?.rateLimit(err.retryAfterMs);
        throw Worker.RateLimitError();
      }
      const permanent = err instanceof PermanentSendError;
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const code = permanent ? err.code : err instanceof Error ? err.name : 'unknown';
      if (permanent || lastAttempt) {
        await setStatus(messageId, 'failed', code);
        await next(claimed.contactId, deps.perContactMs ?? 0);
        await event('message.failed', { code });
        await signal();
        if (permanent) throw new UnrecoverableError(err.message);
        throw err;
      }
      await setStatus(messageId, 'queued', code);
      throw err;
    }
  };
}
