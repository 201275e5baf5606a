import { Worker, type ConnectionOptions } from 'bullmq';
import type { ChannelName, ChannelSender } from '../core/channel.js';
import type { LiveBus } from '../core/live-bus.js';
import type { Logger } from '../core/logger.js';
import type { Redis } from 'ioredis';
import type { ErasureRegistry } from '../core/erasure-registry.js';
import { QUEUE, type CardBatchJob, type InboundJob, type OutboundJob, type PrivacyJob, type Queues, type ReminderJob, type UpdateJob } from '../core/queues.js';
import type { SuppressionKeys } from '../core/suppression.js';
import type { Database, Tx } from '../db/client.js';
import { createErasureSweep, createGoodbyeHook, createPrivacyProcessor } from './privacy-processor.js';
import { scheduleRetention } from './retention-schedule.js';
import { createReminderProcessor, createReminderSweep } from './reminder-processor.js';
import { createCardBatchProcessor, createCardBatchSweep, createCardPdfCleanup } from './card-batch-processor.js';
import { createDeliveryProcessor } from './delivery-processor.js';
import { createEscalationCheck } from './escalation.js';
import { startMaintenance, type MaintenanceTasks } from './maintenance.js';
import { createPacer } from './pacer.js';
import { createSendSpacer } from './send-spacer.js';
import { createRoutingProcessor } from './routing-processor.js';
import { createOutboxSweeper } from './sweeper.js';
import { createUpdateProcessor, type UpdateHandlers } from './update-processor.js';

export type Senders = Partial<Record<ChannelName, ChannelSender>>;

/**
 * Platform limits per channel. Telegram: ~30 msg/s per bot (default 29, spread
 * evenly) and ~1 msg/s per chat; WhatsApp: one at a time, the sender paces well
 * under 1 msg/s; the web chat has no platform to protect.
 */
function deliveryOptions(
  channel: ChannelName,
  telegramPerSecond: number,
): { concurrency: number; limiter?: { max: number; duration: number }; perContactMs?: number; perSecond?: number } {
  // The bot-wide rate is kept by the send spacer at the platform call itself. BullMQ's limiter (a fixed
  // window on job starts, which jobs that end up not sending also use) is only a loose backstop, and the
  // hook that lets a 429's retry_after pause the worker (worker.rateLimit).
  if (channel === 'telegram') {
    return {
      concurrency: 5,
      limiter: { max: Math.ceil(telegramPerSecond * 2), duration: 1000 },
      perContactMs: 1000,
      perSecond: telegramPerSecond,
    };
  }
  if (channel === 'whatsapp') return { concurrency: 1 };
  return { concurrency: 10 };
}

export interface WorkerDeps {
  database: Database;
  queues: Queues;
  redis: Redis;
  outbox: { sweepIntervalMs: number; staleSendingMs: number };
  /** BullMQ job lock: a job of a killed worker is picked up again after about this long. */
  workerLockMs: number;
  telegramPerSecond: number;
  liveBus: LiveBus;
  senders: Senders;
  updateHandlers: UpdateHandlers;
  /** More scheduled tasks (e.g. the escalation check), by name. */
  extraTasks?: { tasks: MaintenanceTasks; everyMs: Record<string, number> };
  logger: Logger;
  connection: ConnectionOptions;
  prefix: string;
  /** Card PDFs: where they are written, and the links printed on them. */
  cards: { pdfDir: string; publicUrl: string };
  /** What an opt-out cancels and an erasure removes (bin/erasure-steps.ts), and the keys of the suppression hashes. */
  erasure: ErasureRegistry<Tx>;
  suppressionKeys: SuppressionKeys;
  privacy: { erasureDelayMs: number; erasureGraceMs: number };
  /** The nightly retention run (worker/retention-run.ts). */
  retention: () => Promise<unknown>;
}

/** Starts the BullMQ workers; `close()` waits for jobs in flight (graceful shutdown). */
export function startWorkers(deps: WorkerDeps) {
  const all: Worker[] = [];
  const lockOptions = { lockDuration: deps.workerLockMs, stalledInterval: deps.workerLockMs };

  function watch<T extends Worker>(w: T): T {
    // The worker runtime's one error sink. Ids only: job data never holds personal data, and the
    // logger's error serializer leaves out what a failed query carries (core/log-error.ts).
    w.on('failed', (job, err) => deps.logger.warn({ queue: w.name, jobId: job?.id, attemptsMade: job?.attemptsMade, err }, 'job failed'));
    w.on('error', (err) => deps.logger.error({ queue: w.name, err }, 'worker error'));
    all.push(w);
    return w;
  }

  const onGoodbyeFinal = createGoodbyeHook({ ...deps, delayMs: deps.privacy.erasureDelayMs });
  const erasureDeps = { database: deps.database, erasure: deps.erasure, suppressionKeys: deps.suppressionKeys, logger: deps.logger };

  function addDelivery(channel: ChannelName, sender: ChannelSender) {
    const { perContactMs, perSecond, ...options } = deliveryOptions(channel, deps.telegramPerSecond);
    const pacer = perContactMs ? createPacer(deps.redis, deps.prefix, perContactMs) : undefined;
    const spacer = perSecond ? createSendSpacer(deps.redis, `${deps.prefix}:spacing:${channel}`, perSecond) : undefined;
    let worker: Worker<OutboundJob> | undefined;
    worker = watch(
      new Worker<OutboundJob>(
        QUEUE.outbound(channel),
        createDeliveryProcessor({ ...deps, sender, pacer, perContactMs, spacer, getWorker: () => worker, onGoodbyeFinal }),
        { connection: deps.connection, prefix: deps.prefix, ...lockOptions, ...options },
      ),
    );
    return worker;
  }

  const routing = watch(
    new Worker<InboundJob>(QUEUE.inbound, createRoutingProcessor(deps), {
      connection: deps.connection,
      prefix: deps.prefix,
      concurrency: 20,
      ...lockOptions,
    }),
  );
  // Updates of one contact are serialised by the contact row lock; many contacts run in parallel.
  const updates = watch(
    new Worker<UpdateJob>(QUEUE.updates, createUpdateProcessor({ database: deps.database, handlers: deps.updateHandlers }), {
      connection: deps.connection,
      prefix: deps.prefix,
      concurrency: 20,
      ...lockOptions,
    }),
  );
  // PDFs take CPU for seconds: two at a time per process leaves room for the message queues.
  const cardBatches = watch(
    new Worker<CardBatchJob>(QUEUE.cards, createCardBatchProcessor({ ...deps, ...deps.cards }), {
      connection: deps.connection,
      prefix: deps.prefix,
      concurrency: 2,
      ...lockOptions,
    }),
  );
  // Erasures are short transactions; a few at a time. The nightly retention run is one job among them.
  const privacy = watch(
    new Worker<PrivacyJob>(QUEUE.privacy, createPrivacyProcessor({ ...erasureDeps, retention: deps.retention }), {
      connection: deps.connection,
      prefix: deps.prefix,
      concurrency: 4,
      ...lockOptions,
    }),
  );
  // A visit's reminders: short jobs; the gate is the visit's state at its moment.
  const reminders = watch(
    new Worker<ReminderJob>(QUEUE.reminders, createReminderProcessor(deps), {
      connection: deps.connection,
      prefix: deps.prefix,
      concurrency: 4,
      ...lockOptions,
    }),
  );
  for (const [channel, sender] of Object.entries(deps.senders) as [ChannelName, ChannelSender][]) addDelivery(channel, sender);
  // Every worker start upserts the nightly retention schedule (one fixed id): Redis losing it is repaired here.
  void scheduleRetention(deps.queues).catch((err: unknown) => deps.logger.error({ err }, 'retention schedule not set'));

  const sweep = createOutboxSweeper({
    database: deps.database,
    queues: deps.queues,
    logger: deps.logger,
    liveBus: deps.liveBus,
    graceMs: Math.min(10_000, deps.outbox.sweepIntervalMs),
    staleSendingMs: deps.outbox.staleSendingMs,
  });
  const erasureSweep = createErasureSweep({ ...erasureDeps, graceMs: deps.privacy.erasureGraceMs });
  const maintenance = startMaintenance({
    logger: deps.logger,
    tasks: {
      'outbox-sweep': sweep,
      escalation: createEscalationCheck({ database: deps.database, liveBus: deps.liveBus }),
      'card-pdf-cleanup': createCardPdfCleanup({ database: deps.database, pdfDir: deps.cards.pdfDir, logger: deps.logger }),
      'card-batch-sweep': createCardBatchSweep({ database: deps.database, queues: deps.queues, logger: deps.logger }),
      'erasure-sweep': erasureSweep,
      'reminder-sweep': createReminderSweep(deps),
      ...deps.extraTasks?.tasks,
    },
    everyMs: {
      'outbox-sweep': deps.outbox.sweepIntervalMs,
      escalation: 60_000,
      'card-pdf-cleanup': 15 * 60_000,
      'card-batch-sweep': 60_000,
      'erasure-sweep': deps.outbox.sweepIntervalMs,
      'reminder-sweep': 10 * 60_000,
      ...deps.extraTasks?.everyMs,
    },
  });

  return {
    routing,
    updates,
    cardBatches,
    privacy,
    reminders,
    /** For a channel whose sender only exists later (the WhatsApp socket owner). */
    addDelivery,
    sweep,
    erasureSweep,
    delivery(channel: ChannelName) {
      return all.find((w) => w.name === QUEUE.outbound(channel)) as Worker<OutboundJob> | undefined;
    },
    async close() {
      await maintenance.stop();
      await Promise.all(all.map((w) => w.close()));
    },
  };
}
export type Workers = ReturnType<typeof startWorkers>;
