import { z } from 'zod';
import { and, asc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { nameAndAddress } from './cards.js';
import { cardBatchCards, cardBatches, cards, municipalities, staffUsers, teamMunicipalities, youngsters, type CardBatchStatus } from '../schema/index.js';

/**
 * Card batches (print-ready PDFs) and the cards' life: made, put in a PDF,
 * delivered, revoked. Scope: a batch or card belongs to the team that serves
 * its municipality; every lookup for staff takes the team and finds nothing
 * of another team's (the caller answers 404).
 */

// Qualified by hand: in a one-table select drizzle writes a column without its table, and inside
// the subquery "municipality_id" would then be team_municipalities' own - true for every batch.
const servedBy = (teamId: string) =>
  sql`card_batches.municipality_id in (select tm.municipality_id from ${teamMunicipalities} tm where tm.team_id = ${teamId})`;

/** One batch per municipality of an import, with that municipality's active cards of it, in name order. */
export async function createImportBatches(
  tx: DbOrTx,
  q: { listImportId: string; teamId: string; layout: string; addressSheets: boolean; createdBy: string | null; language: 'nl' | 'en' },
): Promise<{ id: string; municipalityId: string; total: number }[]> {
  // The cards print in the language chosen for the batch (the list says nothing about a person's language).
  await tx.update(cards).set({ language: q.language }).where(and(eq(cards.listImportId, q.listImportId), eq(cards.status, 'active')));
  const rows = await tx
    .select({ cardId: cards.id, municipalityId: youngsters.municipalityId })
    .from(cards)
    .innerJoin(youngsters, eq(youngsters.id, cards.youngsterId))
    .innerJoin(teamMunicipalities, and(eq(teamMunicipalities.municipalityId, youngsters.municipalityId), eq(teamMunicipalities.teamId, q.teamId)))
    .where(and(eq(cards.listImportId, q.listImportId), eq(cards.status, 'active')))
    .orderBy(asc(youngsters.municipalityId), asc(youngsters.postcode), asc(youngsters.lastName), asc(youngsters.firstName));
  const byMunicipality = new Map<string, string[]>();
  for (const r of rows) byMunicipality.set(r.municipalityId, [...(byMunicipality.get(r.municipalityId) ?? []), r.cardId]);
  const out: { id: string; municipalityId: string; total: number }[] = [];
  for (const [municipalityId, cardIds] of byMunicipality) {
    out.push(await createBatch(tx, { municipalityId, listImportId: q.listImportId, layout: q.layout, addressSheets: q.addressSheets, createdBy: q.createdBy, cardIds }));
  }
  return out;
}

export async function createBatch(
  tx: DbOrTx,
  b: { municipalityId: string; listImportId: string | null; layout: string; addressSheets: boolean; createdBy: string | null; cardIds: string[] },
) {
  const [batch] = await tx
    .insert(cardBatches)
    .values({ municipalityId: b.municipalityId, listImportId: b.listImportId, layout: b.layout, addressSheets: b.addressSheets, createdBy: b.createdBy, total: b.cardIds.length })
    .returning({ id: cardBatches.id, municipalityId: cardBatches.municipalityId, total: cardBatches.total });
  if (!batch) throw new Error('card batch insert returned no row');
  for (let i = 0; i < b.cardIds.length; i += 1000) {
    await tx.insert(cardBatchCards).values(b.cardIds.slice(i, i + 1000).map((cardId, j) => ({ batchId: batch.id, cardId, position: i + j })));
  }
  return batch;
}

/** A batch as the worker needs it. */
export async function loadBatch(db: DbOrTx, id: string) {
  const [row] = await db.select().from(cardBatches).where(eq(cardBatches.id, id)).limit(1);
  return row ?? null;
}

/** What one card of a batch prints: the person's first name and address, the coach, the municipality's branding. */
export async function batchCardFaces(db: DbOrTx, batchId: string, page: { after: number; limit: number }) {
  return db
    .select({
      position: cardBatchCards.position,
      cardId: cards.id,
      token: cards.token,
      shortCode: cards.shortCode,
      variant: cards.variant,
      language: cards.language,
      status: cards.status,
      monitoringKey: youngsters.monitoringKey,
      ...nameAndAddress,
      municipalityId: municipalities.id,
      municipalityName: municipalities.name,
      colours: municipalities.cardColours,
      logo: municipalities.cardLogo,
      coachId: staffUsers.id,
      coachFirstName: staffUsers.firstName,
      coachEmail: staffUsers.email,
      coachPhone: staffUsers.cardPhone,
      coachPhoto: staffUsers.cardPhoto,
    })
    .from(cardBatchCards)
    .innerJoin(cards, eq(cards.id, cardBatchCards.cardId))
    .innerJoin(youngsters, eq(youngsters.id, cards.youngsterId))
    .innerJoin(municipalities, eq(municipalities.id, youngsters.municipalityId))
    .leftJoin(staffUsers, eq(staffUsers.id, cards.casemanagerId))
    .where(and(eq(cardBatchCards.batchId, batchId), sql`${cardBatchCards.position} > ${page.after}`))
    .orderBy(asc(cardBatchCards.position))
    .limit(page.limit);
}

/** How many of a batch's cards still work (a batch whose cards were all revoked meanwhile has nothing to print). */
export async function activeCardsInBatch(db: DbOrTx, batchId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(cardBatchCards)
    .innerJoin(cards, eq(cards.id, cardBatchCards.cardId))
    .where(and(eq(cardBatchCards.batchId, batchId), eq(cards.status, 'active')));
  return row?.n ?? 0;
}

export async function setBatchStatus(db: DbOrTx, id: string, status: CardBatchStatus, extra: Partial<typeof cardBatches.$inferInsert> = {}) {
  await db.update(cardBatches).set({ status, ...extra }).where(eq(cardBatches.id, id));
}

/** Rendering done: ready - unless an opt-out expired the batch meanwhile (false: the file must go). */
export async function finishBatch(tx: DbOrTx, id: string, extra: Partial<typeof cardBatches.$inferInsert>): Promise<boolean> {
  const rows = await tx
    .update(cardBatches)
    .set({ status: 'ready', ...extra })
    .where(and(eq(cardBatches.id, id), eq(cardBatches.status, 'rendering')))
    .returning({ id: cardBatches.id });
  return rows.length > 0;
}

export async function setBatchProgress(db: DbOrTx, id: string, done: number) {
  await db.update(cardBatches).set({ done }).where(eq(cardBatches.id, id));
}

/** Batches of the team's municipalities, for an import or all recent ones. */
export async function listTeamBatches(db: DbOrTx, teamId: string, q: { listImportId?: string; limit?: number } = {}) {
  return db
    .select({
      id: cardBatches.id,
      municipalityName: municipalities.name,
      layout: cardBatches.layout,
      status: cardBatches.status,
      total: cardBatches.total,
      done: cardBatches.done,
      createdAt: cardBatches.createdAt,
      downloadedAt: cardBatches.downloadedAt,
      expiresAt: cardBatches.expiresAt,
      listImportId: cardBatches.listImportId,
    })
    .from(cardBatches)
    .innerJoin(municipalities, eq(municipalities.id, cardBatches.municipalityId))
    .where(and(servedBy(teamId), q.listImportId ? eq(cardBatches.listImportId, q.listImportId) : undefined))
    .orderBy(sql`${cardBatches.createdAt} desc`)
    .limit(q.limit ?? 50);
}

export async function findTeamBatch(db: DbOrTx, teamId: string, id: string) {
  const [row] = await db.select().from(cardBatches).where(and(eq(cardBatches.id, id), servedBy(teamId))).limit(1);
  return row ?? null;
}

/** Downloaded: the file is kept `keepDays` more (a misprint can be printed again), then deleted. */
export async function markDownloaded(db: DbOrTx, id: string, keepDays: number) {
  await db
    .update(cardBatches)
    .set({ downloadedAt: sql`coalesce(${cardBatches.downloadedAt}, now())`, expiresAt: sql`least(${cardBatches.expiresAt}, now() + make_interval(days => ${keepDays}))` })
    .where(eq(cardBatches.id, id));
}

/** Ready files past their time (or batches stuck failed): the maintenance task deletes their files. */
export async function expiredBatches(db: DbOrTx, limit = 100) {
  return db
    .select({ id: cardBatches.id, fileName: cardBatches.fileName })
    .from(cardBatches)
    .where(and(inArray(cardBatches.status, ['ready', 'failed']), lt(cardBatches.expiresAt, sql`now()`)))
    .limit(limit);
}

/** Batches still waiting for the worker after `olderThanMs` (their job may be lost with Redis's data). */
export async function staleQueuedBatches(db: DbOrTx, olderThanMs: number, limit = 100): Promise<string[]> {
  const rows = await db
    .select({ id: cardBatches.id })
    .from(cardBatches)
    .where(and(eq(cardBatches.status, 'queued'), lt(cardBatches.createdAt, sql`now() - make_interval(secs => ${olderThanMs / 1000})`)))
    .limit(limit);
  return rows.map((r) => r.id);
}

/** Batches whose PDF holds this person (for erasure: the files go with the person). */
export async function batchesWithYoungster(db: DbOrTx, youngsterId: string) {
  return db
    .selectDistinct({ id: cardBatches.id, fileName: cardBatches.fileName })
    .from(cardBatches)
    .innerJoin(cardBatchCards, eq(cardBatchCards.batchId, cardBatches.id))
    .innerJoin(cards, eq(cards.id, cardBatchCards.cardId))
    .where(and(eq(cards.youngsterId, youngsterId), or(isNull(cardBatches.fileName), sql`${cardBatches.status} <> 'expired'`)));
}

/**
 * The batches with this person's card in them stop (a queued or rendering one is not finished) and lose
 * their file: the PDF holds their name and address. Returns the files to delete after commit.
 * The batch row stays as 'expired' (numbers only); the others on it can get a new PDF.
 */
export async function expireBatchesWith(tx: DbOrTx, youngsterId: string): Promise<string[]> {
  const raw = await tx.execute(sql`
    with hit as (
      select b.id, b.file_name from card_batches b
      where (b.status <> 'expired' or b.file_name is not null)
        and exists (select 1 from card_batch_cards bc join cards c on c.id = bc.card_id where bc.batch_id = b.id and c.youngster_id = ${youngsterId})
      for update of b
    ), done as (
      update card_batches b set status = 'expired', file_name = null, expires_at = now()
      from hit where b.id = hit.id
      returning b.id
    )
    select hit.file_name from hit join done on done.id = hit.id`);
  return z.array(z.object({ file_name: z.string().nullable() })).parse(raw).flatMap((r) => (r.file_name ? [r.file_name] : []));
}
