import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';

/**
 * Queue names and job shapes. Jobs carry ids only: BullMQ keeps job data in
 * clear text in Redis, so never a message text, name or messenger id.
 */
export const QUEUE = {
  inbound: 'inbound', // a stored youngster message -> routing worker
  outbound: 'outbound', // a stored outbox row -> delivery worker
} as const;

export interface InboundJob {
  messageId: string;
}
export interface OutboundJob {
  messageId: string;
}

const defaultJobOptions: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
  // Completed job ids are kept a while so a re-enqueue of the same id within that window is a no-op.
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** Deterministic job ids: enqueueing the same message twice adds one job. BullMQ forbids ':' in custom ids. */
export const inboundJobId = (messageId: string) => `in-${messageId}`;
export const outboundJobId = (messageId: string) => `out-${messageId}`;

export interface Queues {
  inbound: Queue<InboundJob>;
  outbound: Queue<OutboundJob>;
  enqueueInbound(messageId: string): Promise<void>;
  enqueueOutbound(messageId: string): Promise<void>;
  close(): Promise<void>;
}

export function createQueues(opts: {
  connection: ConnectionOptions;
  prefix: string;
  /** Connection trouble is reported here instead of as an unhandled 'error' event. */
  onError?: (err: Error) => void;
}): Queues {
  const inbound = new Queue<InboundJob>(QUEUE.inbound, {
    connection: opts.connection,
    prefix: opts.prefix,
    defaultJobOptions,
  });
  const outbound = new Queue<OutboundJob>(QUEUE.outbound, {
    connection: opts.connection,
    prefix: opts.prefix,
    defaultJobOptions,
  });
  const onError = opts.onError ?? (() => {});
  inbound.on('error', onError);
  outbound.on('error', onError);
  return {
    inbound,
    outbound,
    async enqueueInbound(messageId) {
      await inbound.add('route', { messageId }, { jobId: inboundJobId(messageId) });
    },
    async enqueueOutbound(messageId) {
      await outbound.add('deliver', { messageId }, { jobId: outboundJobId(messageId) });
    },
    async close() {
      await Promise.all([inbound.close(), outbound.close()]);
    },
  };
}
