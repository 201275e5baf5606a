import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { PermanentSendError, RateLimitedError, type ChannelName, type ChannelSender } from '../core/channel.js';
import type { LiveBus } from '../core/live-bus.js';
import type { Logger } from '../core/logger.js';
import type { OutboundJob } from '../core/queues.js';
import type { Database } from '../db/client.js';
import { recordEvent } from '../db/queries/events.js';
import { channelContacts, conversations, messages, youngsters } from '../db/schema/index.js';

export type Senders = Partial<Record<ChannelName, ChannelSender>>;

/**
 * Delivers one outbox row. PostgreSQL decides what may be sent: the row must
 * still be queued, and its contact must not have opted out - whatever Redis
 * still carries. The row is claimed (queued -> sending) before the platform
 * call, so a duplicate job finds nothing to do.
 */
export function createDeliveryProcessor(deps: {
  database: Database;
  liveBus: LiveBus;
  senders: Senders;
  logger: Logger;
  /** Needed to honour a platform's retry_after via worker.rateLimit(). */
  getWorker: () => Worker | undefined;
}) {
  const { db } = deps.database;

  async function setStatus(id: string, status: 'queued' | 'failed', error: string | null) {
    await db.update(messages).set({ status, lastError: error }).where(eq(messages.id, id));
  }

  return async function deliver(job: Job<OutboundJob>): Promise<{ sent: boolean }> {
    const { messageId } = job.data;
    const [claimed] = await db
      .update(messages)
      .set({ status: 'sending', attempts: sql`${messages.attempts} + 1` })
      .where(and(eq(messages.id, messageId), eq(messages.direction, 'out'), inArray(messages.status, ['queued'])))
      .returning({
        id: messages.id,
        conversationId: messages.conversationId,
        contactId: messages.contactId,
        channel: messages.channel,
        body: messages.body,
      });
    if (!claimed) return { sent: false }; // already sent, cancelled, or erased

    const [target] = await db
      .select({
        externalId: channelContacts.externalId,
        optedOutAt: channelContacts.optedOutAt,
        municipalityId: conversations.municipalityId,
        monitoringKey: youngsters.monitoringKey,
      })
      .from(conversations)
      .leftJoin(channelContacts, eq(channelContacts.id, claimed.contactId ?? sql`null`))
      .leftJoin(youngsters, eq(youngsters.id, conversations.youngsterId))
      .where(eq(conversations.id, claimed.conversationId))
      .limit(1);

    const signal = { kind: 'message' as const, conversationId: claimed.conversationId, messageId };
    if (!target || !claimed.contactId || target.externalId === null || target.optedOutAt) {
      // The opt-out gate: checked here, in the database, right before every send.
      await db.update(messages).set({ status: 'cancelled', lastError: 'opted_out' }).where(eq(messages.id, messageId));
      await recordEvent(db, {
        type: 'message.cancelled',
        municipalityId: target?.municipalityId ?? null,
        subject: target?.monitoringKey ?? null,
        conversationId: claimed.conversationId,
        data: { channel: claimed.channel, reason: 'opted_out' },
      });
      if (target) await deps.liveBus.publishInbox({ ...signal, municipalityId: target.municipalityId });
      return { sent: false };
    }

    const sender = deps.senders[claimed.channel];
    try {
      if (!sender) throw new PermanentSendError(`no sender configured for ${claimed.channel}`, 'channel_unavailable');
      const envelope = {
        messageId,
        contactId: claimed.contactId,
        externalContactId: target.externalId,
        body: claimed.body,
      };
      const result = await sender.send(envelope);
      await db
        .update(messages)
        .set({ status: 'sent', sentAt: sql`now()`, externalId: result.externalId, lastError: null })
        .where(eq(messages.id, messageId));
      await recordEvent(db, {
        type: 'message.sent',
        municipalityId: target.municipalityId,
        subject: target.monitoringKey,
        conversationId: claimed.conversationId,
        data: { channel: claimed.channel },
      });
      await deps.liveBus.publishInbox({ ...signal, municipalityId: target.municipalityId });
      await sender.afterSent?.(envelope).catch((err: unknown) => deps.logger.warn({ err, messageId }, 'afterSent failed'));
      return { sent: true };
    } catch (err) {
      if (err instanceof RateLimitedError) {
        await setStatus(messageId, 'queued', 'rate_limited');
        await deps.getWorker()?.rateLimit(err.retryAfterMs);
        throw Worker.RateLimitError();
      }
      const permanent = err instanceof PermanentSendError;
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const code = permanent ? err.code : err instanceof Error ? err.name : 'unknown';
      if (permanent || lastAttempt) {
        await setStatus(messageId, 'failed', code);
        await recordEvent(db, {
          type: 'message.failed',
          municipalityId: target.municipalityId,
          subject: target.monitoringKey,
          conversationId: claimed.conversationId,
          data: { channel: claimed.channel, code },
        });
        await deps.liveBus.publishInbox({ ...signal, municipalityId: target.municipalityId });
        if (permanent) throw new UnrecoverableError(err.message);
        throw err;
      }
      await setStatus(messageId, 'queued', code);
      throw err;
    }
  };
}
