import { and, asc, eq, isNull, lte, or, sql } from 'drizzle-orm';
import type { ErasureReason } from '../schema/privacy.js';
import type { DbOrTx } from '../client.js';
import { erasureRequests, messages } from '../schema/index.js';

/** The promise to the youngster: erased at the latest this long after the request. */
export const ERASURE_HORIZON_MS = 24 * 3600_000;

export interface ErasureSubject {
  /** The youngster row (a card holder); null for someone who wrote without a card. */
  youngsterId: string | null;
  /** Their messenger contacts (all of the youngster's, or the one without a card). */
  contactIds: string[];
}

/**
 * Asks for a person to be erased (db/schema/privacy.ts erasure_requests): in the
 * caller's transaction, so the opt-out and the promise to erase commit together.
 * The worker erases (worker/erasure-processor.ts) once `goodbyeMessageId` is final,
 * or at once without one; the sweeper finishes what a crash interrupted, at the
 * latest at `dueAt`. One open request per person: a second one returns the first.
 */
export async function requestErasure(
  tx: DbOrTx,
  r: ErasureSubject & {
    municipalityId: string | null;
    reason: ErasureReason;
    requestedBy?: string | null;
    goodbyeMessageId?: string | null;
    now?: Date;
  },
): Promise<{ id: string; created: boolean }> {
  const open = r.youngsterId
    ? await tx
        .select({ id: erasureRequests.id })
        .from(erasureRequests)
        .where(and(eq(erasureRequests.youngsterId, r.youngsterId), isNull(erasureRequests.erasedAt)))
        .limit(1)
    : [];
  if (open[0]) return { id: open[0].id, created: false };
  const now = r.now ?? new Date();
  const [row] = await tx
    .insert(erasureRequests)
    .values({
      municipalityId: r.municipalityId,
      youngsterId: r.youngsterId,
      contactIds: r.contactIds,
      reason: r.reason,
      requestedBy: r.requestedBy ?? null,
      goodbyeMessageId: r.goodbyeMessageId ?? null,
      requestedAt: now,
      dueAt: new Date(now.getTime() + ERASURE_HORIZON_MS),
    })
    .returning({ id: erasureRequests.id });
  return { id: row!.id, created: true };
}

export type ErasureRequest = typeof erasureRequests.$inferSelect;

/** Locks one open request for the worker (SKIP LOCKED: two workers never erase the same person at once). */
export async function lockOpenRequest(tx: DbOrTx, id: string): Promise<ErasureRequest | null> {
  const [row] = await tx
    .select()
    .from(erasureRequests)
    .where(and(eq(erasureRequests.id, id), isNull(erasureRequests.erasedAt)))
    .for('update', { skipLocked: true });
  return row ?? null;
}

/** Is the request's goodbye still on its way (received, queued or sending)? Then erasure waits for it. */
export async function goodbyePending(tx: DbOrTx, goodbyeMessageId: string | null): Promise<boolean> {
  if (!goodbyeMessageId) return false;
  const [row] = await tx
    .select({ status: messages.status })
    .from(messages)
    .where(eq(messages.id, goodbyeMessageId));
  return row !== undefined && ['received', 'queued', 'sending'].includes(row.status);
}

/** The request the goodbye belongs to, for the delivery worker once that goodbye is final. */
export async function requestOfGoodbye(db: DbOrTx, goodbyeMessageId: string): Promise<string | null> {
  const [row] = await db
    .select({ id: erasureRequests.id })
    .from(erasureRequests)
    .where(and(eq(erasureRequests.goodbyeMessageId, goodbyeMessageId), isNull(erasureRequests.erasedAt)));
  return row?.id ?? null;
}

/**
 * Open requests the sweeper should (re)enqueue: past their horizon, or older than
 * `graceMs` (the goodbye had its chance, or a crash came between it and erasure).
 */
export async function dueRequests(db: DbOrTx, now: Date, graceMs: number, limit = 500): Promise<string[]> {
  const rows = await db
    .select({ id: erasureRequests.id })
    .from(erasureRequests)
    .where(
      and(
        isNull(erasureRequests.erasedAt),
        or(lte(erasureRequests.dueAt, now), lte(erasureRequests.requestedAt, new Date(now.getTime() - graceMs))),
      ),
    )
    .orderBy(asc(erasureRequests.requestedAt))
    .limit(limit);
  return rows.map((r) => r.id);
}

/** Marks the request done with its counts (numbers only). */
export async function markErased(tx: DbOrTx, id: string, counts: Record<string, number>, at: Date): Promise<void> {
  await tx.update(erasureRequests).set({ erasedAt: at, counts }).where(eq(erasureRequests.id, id));
}

/** Open requests (not yet erased), for the privacy officer's overview. */
export async function countOpenRequests(db: DbOrTx, municipalityIds: readonly string[]): Promise<number> {
  if (!municipalityIds.length) return 0;
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(erasureRequests)
    .where(and(isNull(erasureRequests.erasedAt), sql`${erasureRequests.municipalityId} = any(${sql.param([...municipalityIds])}::uuid[])`));
  return row?.n ?? 0;
}

/** The erasures done since `since` (ids and moments only): what a restore from an older backup must do again. */
export async function erasedSince(db: DbOrTx, since: Date) {
  return db
    .select({
      id: erasureRequests.id,
      municipalityId: erasureRequests.municipalityId,
      youngsterId: erasureRequests.youngsterId,
      contactIds: erasureRequests.contactIds,
      reason: erasureRequests.reason,
      requestedAt: erasureRequests.requestedAt,
      erasedAt: erasureRequests.erasedAt,
    })
    .from(erasureRequests)
    .where(and(sql`${erasureRequests.erasedAt} is not null`, sql`${erasureRequests.erasedAt} >= ${since.toISOString()}::timestamptz`))
    .orderBy(asc(erasureRequests.erasedAt));
}
export type ErasedRequest = Awaited<ReturnType<typeof erasedSince>>[number];

/**
 * A restored database gets the erasures it missed back as open requests (due now), so the
 * erasure runs again; a request it already knows as erased is left alone. Returns the ids opened.
 */
export async function reopenForReplay(tx: DbOrTx, rows: readonly ErasedRequest[], now: Date): Promise<string[]> {
  const opened: string[] = [];
  for (const r of rows) {
    const [row] = await tx
      .insert(erasureRequests)
      .values({ id: r.id, municipalityId: r.municipalityId, youngsterId: r.youngsterId, contactIds: r.contactIds, reason: r.reason, requestedAt: r.requestedAt, dueAt: now })
      .onConflictDoUpdate({ target: erasureRequests.id, set: { dueAt: now }, where: isNull(erasureRequests.erasedAt) })
      .returning({ id: erasureRequests.id });
    if (row) opened.push(row.id);
  }
  return opened;
}
