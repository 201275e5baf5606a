import { mkdir, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Job } from 'bullmq';
import type { Logger } from '../core/logger.js';
import type { CardBatchJob, Queues } from '../core/queues.js';
import { formatShortCode } from '../core/short-codes.js';
import type { Database } from '../db/client.js';
import { activeCardsInBatch, batchCardFaces, finishBatch, expiredBatches, staleQueuedBatches, loadBatch, setBatchProgress, setBatchStatus } from '../db/queries/card-batches.js';
import { recordEvents, type AnonymousEvent } from '../db/queries/events.js';
import { renderCardsPdf, type CardFace } from './card-pdf/index.js';

/** A ready PDF that nobody downloads is deleted after this long anyway. */
const UNCLAIMED_DAYS = 14;
const PAGE = 500;
const PROGRESS_EVERY_MS = 300;

/**
 * Renders a card batch into CARD_PDF_DIR/<batch id>.pdf: read page by page and
 * streamed into the PDF, so memory stays flat for thousands of cards; written
 * to a .part file and renamed when complete, so a download never gets half a
 * PDF. Progress goes to the batch row (the page polls it). Idempotent: a
 * batch that is ready already is left alone, a re-run starts the file over.
 * Each printed card is counted ('card.generated', anonymous).
 */
export function createCardBatchProcessor(deps: { database: Database; logger: Logger; pdfDir: string; publicUrl: string }) {
  const { db } = deps.database;

  return async function render(job: Job<CardBatchJob>): Promise<{ cards: number }> {
    const batch = await loadBatch(db, job.data.batchId);
    if (!batch || batch.status === 'ready' || batch.status === 'expired') return { cards: 0 };
    if ((await activeCardsInBatch(db, batch.id)) === 0) {
      // Every card of it was revoked while it waited: nothing to print, nothing to keep.
      await setBatchStatus(db, batch.id, 'failed', { expiresAt: new Date() });
      return { cards: 0 };
    }
    await setBatchStatus(db, batch.id, 'rendering', { done: 0 });
    await mkdir(deps.pdfDir, { recursive: true });
    const fileName = `${batch.id}.pdf`;
    const part = join(deps.pdfDir, `${fileName}.part`);
    const generated: AnonymousEvent[] = [];
    // The same logo or photo for every card of a municipality or coach: one object each, so the PDF embeds it once.
    const images = new Map<string, Uint8Array | null>();
    const image = (key: string, bytes: Buffer | null) => {
      if (!images.has(key)) images.set(key, bytes ? new Uint8Array(bytes) : null);
      return images.get(key)!;
    };

    async function* faces(): AsyncGenerator<CardFace> {
      let after = -1;
      for (;;) {
        const rows = await batchCardFaces(db, batch!.id, { after, limit: PAGE });
        if (!rows.length) return;
        after = rows.at(-1)!.position;
        for (const r of rows) {
          // Revoked while waiting to be printed: it would not work anyway.
          if (r.status !== 'active' || !r.shortCode) continue;
          generated.push({ type: 'card.generated', municipalityId: r.municipalityId, subject: r.monitoringKey, data: { variant: r.variant, layout: batch!.layout } });
          const fullName = [r.firstName, r.namePrefix, r.lastName].filter(Boolean).join(' ');
          const street = [r.street, r.houseNumber].filter(Boolean).join(' ');
          const place = [r.postcode, r.city].filter(Boolean).join('  ');
          yield {
            variant: r.variant,
            language: r.language === 'en' ? 'en' : 'nl',
            firstName: r.firstName,
            coach: {
              firstName: r.coachFirstName ?? '',
              phone: r.coachPhone,
              email: r.coachEmail,
              photo: r.coachId ? image(`coach:${r.coachId}`, r.coachPhoto) : null,
            },
            municipality: { name: r.municipalityName, primary: r.colours.primary, accent: r.colours.accent, logo: image(`logo:${r.municipalityId}`, r.logo) },
            url: `${deps.publicUrl}/k/${r.token}`,
            shortUrl: `${deps.publicUrl}/c/${formatShortCode(r.shortCode)}`,
            shortCode: formatShortCode(r.shortCode),
            privacyUrl: `${deps.publicUrl}/privacy`,
            address: street || place ? { name: fullName, lines: [street, place].filter(Boolean) } : null,
          };
        }
      }
    }

    let last = 0;
    try {
      const { cards } = await renderCardsPdf(faces(), part, {
        layout: batch.layout === 'a4' ? 'a4' : 'a6',
        addressSheets: batch.addressSheets,
        onProgress: (done) => {
          const now = Date.now();
          if (now - last < PROGRESS_EVERY_MS) return;
          last = now;
          void job.updateProgress(Math.round((100 * done) / Math.max(1, batch.total))).catch(() => {});
          void setBatchProgress(db, batch.id, done).catch(() => {});
        },
      });
      await rename(part, join(deps.pdfDir, fileName));
      const kept = await db.transaction(async (tx) => {
        const ok = await finishBatch(tx, batch.id, { fileName, done: cards, readyAt: new Date(), expiresAt: new Date(Date.now() + UNCLAIMED_DAYS * 86_400_000) });
        if (ok) await recordEvents(tx, generated);
        return ok;
      });
      if (!kept) {
        // Someone on it opted out while it rendered (db/queries/card-batches.ts expireBatchesWith): the file goes.
        await rm(join(deps.pdfDir, fileName), { force: true });
        return { cards: 0 };
      }
      return { cards };
    } catch (err) {
      await rm(part, { force: true });
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (lastAttempt) await setBatchStatus(db, batch.id, 'failed', { expiresAt: new Date() });
      throw err;
    }
  };
}

/** Maintenance: PDFs past their time are deleted (personal data); the batch row stays as 'expired'. */
export function createCardPdfCleanup(deps: { database: Database; pdfDir: string; logger: Logger }) {
  const { db } = deps.database;
  return async function cleanup(): Promise<number> {
    const due = await expiredBatches(db);
    for (const b of due) {
      if (b.fileName) await unlink(join(deps.pdfDir, b.fileName)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
      await setBatchStatus(db, b.id, 'expired', { fileName: null });
    }
    if (due.length) deps.logger.info({ batches: due.length }, 'expired card PDFs deleted');
    return due.length;
  };
}

/**
 * Maintenance: a batch still 'queued' after a while is enqueued again - PostgreSQL says it waits,
 * Redis may have lost its job. The job id is the batch's, so a job that is merely waiting is not doubled.
 */
export function createCardBatchSweep(deps: { database: Database; queues: Queues; logger: Logger; olderThanMs?: number }) {
  return async function sweep(): Promise<number> {
    const ids = await staleQueuedBatches(deps.database.db, deps.olderThanMs ?? 5 * 60_000);
    for (const id of ids) await deps.queues.enqueueCardBatch(id);
    if (ids.length) deps.logger.info({ batches: ids.length }, 'waiting card batches enqueued again');
    return ids.length;
  };
}
