import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { NotFoundError, ConflictError } from '../../core/errors.js';
import type { Queues } from '../../core/queues.js';
import { newShortCode } from '../../core/short-codes.js';
import { newCardToken } from '../../core/tokens.js';
import type { Database } from '../../db/client.js';
import { createBatch, createImportBatches, findTeamBatch, markDownloaded } from '../../db/queries/card-batches.js';
import { findScopedCard, findScopedCards, markCardsDelivered, revokeAndReissue } from '../../db/queries/cards.js';
import { recordEvents } from '../../db/queries/events.js';
import { findTeamImport } from '../../db/queries/list-import.js';
import type { StaffPrincipal } from '../../db/queries/staff.js';
import type { Logger } from '../../core/logger.js';

export const CARD_LAYOUTS = ['a6', 'a4'] as const;
export type CardLayoutChoice = (typeof CARD_LAYOUTS)[number];

/**
 * Step 2 (domain.md): the cards of a list, print-ready. A batch is made here
 * and rendered by the worker (worker/card-batch-processor.ts) - the page
 * follows its progress. Revoking a lost card stops its link at once and makes
 * a new card (new keys) in a batch of its own; a card made again (a misprint)
 * keeps its keys. Every card's life is an anonymous event for the response
 * funnel: generated (worker), delivered, revoked - scans and chats are counted
 * where they happen.
 */
export function createCardBatches(deps: { database: Database; queues: Queues; logger: Logger; pdfDir: string; keepDays: number }) {
  const { db } = deps.database;

  async function enqueue(ids: string[]) {
    for (const id of ids) {
      // The row is there; if Redis is down the page shows it queued and "try again" makes a new batch.
      await deps.queues.enqueueCardBatch(id).catch((err: unknown) => deps.logger.warn({ err, batchId: id }, 'card batch not enqueued'));
    }
  }

  return {
    /** One PDF per municipality of the import. */
    async forImport(staff: StaffPrincipal, importId: string, opts: { layout: CardLayoutChoice; addressSheets: boolean; language?: 'nl' | 'en' }) {
      const imported = await findTeamImport(db, staff.teamId, importId);
      if (!imported) throw new NotFoundError('list import');
      const batches = await db.transaction((tx) =>
        createImportBatches(tx, {
          listImportId: importId,
          teamId: staff.teamId,
          layout: opts.layout,
          addressSheets: opts.addressSheets,
          createdBy: staff.id,
          language: opts.language ?? 'nl',
        }),
      );
      if (!batches.length) throw new ConflictError('import has no active cards', 'no_cards');
      await enqueue(batches.map((b) => b.id));
      return batches;
    },

    /** The same card again (same keys), alone in a PDF. */
    async regenerate(staff: StaffPrincipal, cardId: string, opts: { layout: CardLayoutChoice } = { layout: 'a6' }) {
      const card = await findScopedCard(db, staff.teamId, cardId);
      if (!card) throw new NotFoundError('card');
      if (card.status !== 'active') throw new ConflictError('card is revoked', 'card_revoked');
      const batch = await createBatch(db, { municipalityId: card.municipalityId, listImportId: card.listImportId, layout: opts.layout, addressSheets: true, createdBy: staff.id, cardIds: [card.id] });
      await enqueue([batch.id]);
      return batch;
    },

    /** Lost or stolen: the old link and code stop working; a new card is made and put in a PDF of its own. */
    async revoke(staff: StaffPrincipal, cardId: string) {
      const card = await findScopedCard(db, staff.teamId, cardId);
      if (!card) throw new NotFoundError('card');
      const made = await db.transaction(async (tx) => {
        const fresh = await revokeAndReissue(tx, card.id, { token: newCardToken(), shortCode: newShortCode() });
        if (!fresh) throw new ConflictError('card is already revoked', 'card_revoked');
        await recordEvents(tx, [{ type: 'card.revoked', municipalityId: card.municipalityId, subject: card.monitoringKey, actorStaffId: staff.id, data: { variant: card.variant } }]);
        const batch = await createBatch(tx, { municipalityId: card.municipalityId, listImportId: card.listImportId, layout: 'a6', addressSheets: true, createdBy: staff.id, cardIds: [fresh.id] });
        return { cardId: fresh.id, batchId: batch.id };
      });
      await enqueue([made.batchId]);
      return made;
    },

    /** In the letterbox: one card, or every card of an import at once. Counted once per card. */
    async markDelivered(staff: StaffPrincipal, cardIds: string[]) {
      // One scoped read for a whole list's cards ("Alles bezorgd"), not one per card.
      const scoped = await findScopedCards(db, staff.teamId, cardIds);
      if (cardIds.length === 1 && !scoped.length) throw new NotFoundError('card');
      const changed = await markCardsDelivered(db, scoped.map((c) => c.id));
      const byId = new Map(scoped.map((c) => [c.id, c]));
      await recordEvents(
        db,
        changed.map((c) => ({ type: 'card.delivered' as const, municipalityId: byId.get(c.id)!.municipalityId, subject: byId.get(c.id)!.monitoringKey, actorStaffId: staff.id, data: {} })),
      );
      return changed.length;
    },

    /** The ready PDF of a batch of the team: its path; the download starts its last days. */
    async download(staff: StaffPrincipal, batchId: string) {
      const batch = await findTeamBatch(db, staff.teamId, batchId);
      if (!batch) throw new NotFoundError('card batch');
      if (batch.status !== 'ready' || !batch.fileName) throw new ConflictError('card batch is not ready', 'batch_not_ready');
      const path = join(deps.pdfDir, batch.fileName);
      // Removed from disk by hand, or a web process that does not share the worker's CARD_PDF_DIR.
      if (!(await access(path).then(() => true, () => false))) throw new ConflictError('card batch file is missing', 'batch_not_ready');
      await markDownloaded(db, batch.id, deps.keepDays);
      return { path, fileName: `kaarten-${batch.createdAt.toISOString().slice(0, 10)}-${batch.id.slice(0, 8)}.pdf` };
    },

    async status(staff: StaffPrincipal, batchId: string) {
      const batch = await findTeamBatch(db, staff.teamId, batchId);
      if (!batch) throw new NotFoundError('card batch');
      return { id: batch.id, status: batch.status, done: batch.done, total: batch.total };
    },
  };
}
export type CardBatches = ReturnType<typeof createCardBatches>;
