import type { Logger } from './logger.js';

/**
 * One registry of what must stop and what must go when a person opts out.
 * Each capability that queues, schedules or stores something for a person
 * (deliveries, card PDFs, and later reminders, bookings, files) registers ONE
 * step here, so the opt-out cannot forget it:
 * - `cancel` runs in the opt-out's transaction: stop what is queued or
 *   scheduled (the person is still there; nothing more may reach them).
 * - `erase` runs in the erasure's transaction, before the person's rows are
 *   deleted: remove what the database's cascade does not reach.
 * Either may return work for after the commit (remove a BullMQ job, delete a
 * file): done only once the database agrees, retried by the next erasure pass
 * if it fails (steps must be idempotent).
 * Generic over the transaction type, so this file needs no database.
 */
export interface ErasureSubject {
  /** The youngster row; null for someone who wrote without a card. */
  youngsterId: string | null;
  /** All their messenger contacts. */
  contactIds: string[];
  municipalityId: string | null;
}

export type AfterCommit = () => Promise<void>;

export interface ErasureStep<Tx> {
  name: string;
  cancel?(tx: Tx, subject: ErasureSubject & { keepMessageIds: readonly string[] }): Promise<AfterCommit | void>;
  erase?(tx: Tx, subject: ErasureSubject): Promise<AfterCommit | void>;
}

export interface ErasureRegistry<Tx> {
  register(step: ErasureStep<Tx>): () => void;
  readonly steps: readonly ErasureStep<Tx>[];
  /** Every step's cancel, in registration order; returns the after-commit work. */
  cancel(tx: Tx, subject: ErasureSubject, keepMessageIds?: readonly string[]): Promise<AfterCommit[]>;
  erase(tx: Tx, subject: ErasureSubject): Promise<AfterCommit[]>;
  /** Runs after-commit work; a failure is logged (step name only) and reported as false. */
  afterCommit(work: readonly AfterCommit[], logger: Logger): Promise<boolean>;
}

export function createErasureRegistry<Tx>(initial: readonly ErasureStep<Tx>[] = []): ErasureRegistry<Tx> {
  const steps: ErasureStep<Tx>[] = [];
  const register = (step: ErasureStep<Tx>) => {
    if (steps.some((s) => s.name === step.name)) throw new Error(`erasure step ${step.name} registered twice`);
    steps.push(step);
    return () => {
      const i = steps.indexOf(step);
      if (i >= 0) steps.splice(i, 1);
    };
  };
  for (const s of initial) register(s);
  const named = new WeakMap<AfterCommit, string>();
  return {
    register,
    get steps() {
      return steps;
    },
    async cancel(tx, subject, keepMessageIds = []) {
      const work: AfterCommit[] = [];
      for (const s of steps) {
        const w = await s.cancel?.(tx, { ...subject, keepMessageIds });
        if (w) {
          named.set(w, s.name);
          work.push(w);
        }
      }
      return work;
    },
    async erase(tx, subject) {
      const work: AfterCommit[] = [];
      for (const s of steps) {
        const w = await s.erase?.(tx, subject);
        if (w) {
          named.set(w, s.name);
          work.push(w);
        }
      }
      return work;
    },
    async afterCommit(work, logger) {
      let ok = true;
      for (const w of work) {
        try {
          await w();
        } catch (err) {
          ok = false;
          logger.warn({ err, step: named.get(w) ?? 'unknown' }, 'erasure step after commit failed');
        }
      }
      return ok;
    },
  };
}
