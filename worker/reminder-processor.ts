import type { Job } from 'bullmq';
import { formatLocalInput, formatMoment } from '../core/local-time.js';
import type { Logger } from '../core/logger.js';
import type { Queues, ReminderJob } from '../core/queues.js';
import type { Database } from '../db/client.js';
import { createBotMessage } from '../db/queries/messages.js';
import { findHeads } from '../db/queries/outbox.js';
import { bookedVisitsAhead, reminderTarget } from '../db/queries/visit-reminders.js';
import { isLanguage, t } from '../templates/texts/index.js';

/**
 * A visit's reminder, 24 and 2 hours before (delayed jobs with deterministic ids,
 * core/queues.ts). At its moment the visit is read again: only a visit still
 * booked for the start the reminder was made for is reminded - a moved or
 * cancelled visit's old job does nothing, and so does one of a youngster who
 * opted out (the delivery gate would refuse it anyway). The message is an
 * outbox row with a client reference of its own, so a job that runs twice
 * writes it once.
 */
export function createReminderProcessor(deps: { database: Database; queues: Queues; logger: Logger }) {
  const { db } = deps.database;
  return async function remind(job: Job<ReminderJob>): Promise<{ sent: boolean }> {
    const target = await reminderTarget(db, job.data.visitId);
    if (!target || target.visit.status !== 'booked' || target.visit.startsAt.toISOString() !== job.data.startsAt) return { sent: false };
    const to = target.to;
    if (!to || to.optedOutAt || !target.visit.conversationId) return { sent: false };
    const lang = isLanguage(to.language) ? to.language : 'nl';
    const vars = { when: formatMoment(lang, target.visit.startsAt), time: formatLocalInput(target.visit.startsAt).time, type: t(lang, `bot.visit.type.${target.visit.type}`) };
    const id = await createBotMessage(db, {
      conversationId: target.visit.conversationId,
      contactId: to.contactId,
      channel: to.channel,
      body: t(lang, job.data.kind === '24h' ? 'bot.visit.reminder.24h' : 'bot.visit.reminder.2h', vars),
      clientRef: job.id ?? `remind-${job.data.visitId}-${job.data.kind}`,
    });
    if (id) await deps.queues.enqueueHeads(await findHeads(db, [to.contactId]));
    return { sent: id !== null };
  };
}

/**
 * Maintenance: every booked visit of the coming days has its reminder jobs - Redis may have
 * lost them. The ids are deterministic (and done jobs are kept a week), so a job that exists,
 * waits or already ran is not added again.
 */
export function createReminderSweep(deps: { database: Database; queues: Queues; logger: Logger; now?: () => Date }) {
  return async function sweep(): Promise<number> {
    const now = deps.now?.() ?? new Date();
    let scheduled = 0;
    for (const v of await bookedVisitsAhead(deps.database.db, now, new Date(now.getTime() + 8 * 24 * 3600_000))) {
      scheduled += await deps.queues.scheduleReminders(v, now);
    }
    return scheduled;
  };
}
