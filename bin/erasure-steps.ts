import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createErasureRegistry, type ErasureRegistry } from '../core/erasure-registry.js';
import type { Tx } from '../db/client.js';
import { expireBatchesWith } from '../db/queries/card-batches.js';
import { revokeCardsOf } from '../db/queries/cards.js';
import { cancelWaitingFor } from '../db/queries/messages.js';
import { bookedVisitsOf } from '../db/queries/visit-reminders.js';
import { cancelVisit } from '../db/queries/visits.js';
import type { Queues } from '../core/queues.js';

export type Erasure = ErasureRegistry<Tx>;

/**
 * The cancel-and-erase steps of what exists today (core/erasure-registry.ts):
 * the outbox (everything waiting, except the goodbye), the cards (tokens and
 * short codes stop working), the card PDFs (unfinished ones stop; files with
 * the person in them are deleted), the visits (cancelled, the staff's time
 * freed) with their reminder jobs. Later capabilities - files - register
 * theirs on the same registry.
 */
export function buildErasureRegistry(deps: { pdfDir: string; queues: Pick<Queues, 'cancelReminders'> }): Erasure {
  const deleteFiles = (files: string[]) => async () => {
    for (const f of files) await rm(join(deps.pdfDir, f), { force: true });
  };
  return createErasureRegistry<Tx>([
    {
      name: 'outbox',
      async cancel(tx, s) {
        await cancelWaitingFor(tx, s.contactIds, { keep: s.keepMessageIds });
      },
    },
    {
      name: 'cards',
      async cancel(tx, s) {
        if (s.youngsterId) await revokeCardsOf(tx, s.youngsterId);
      },
    },
    {
      name: 'visits',
      async cancel(tx, s) {
        if (!s.youngsterId) return;
        const booked = await bookedVisitsOf(tx, s.youngsterId);
        for (const v of booked) await cancelVisit(tx, v.id, null);
        // The delayed reminder jobs go after the commit; a job that survives finds the visit cancelled and sends nothing.
        return booked.length
          ? async () => {
              for (const v of booked) await deps.queues.cancelReminders(v);
            }
          : undefined;
      },
    },
    {
      name: 'card-pdfs',
      async cancel(tx, s) {
        if (!s.youngsterId) return;
        const files = await expireBatchesWith(tx, s.youngsterId);
        return files.length ? deleteFiles(files) : undefined;
      },
      // Again at erasure: a batch made between the opt-out and now (it would not hold the revoked card, but be sure).
      async erase(tx, s) {
        if (!s.youngsterId) return;
        const files = await expireBatchesWith(tx, s.youngsterId);
        return files.length ? deleteFiles(files) : undefined;
      },
    },
  ]);
}
