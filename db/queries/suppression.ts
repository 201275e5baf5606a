import { and, eq, inArray, or } from 'drizzle-orm';
import type { SuppressionHash, SuppressionKindName } from '../../core/suppression.js';
import type { DbOrTx } from '../client.js';
import { suppressionEntries } from '../schema/index.js';

/**
 * The suppression entries (db/schema/privacy.ts): keyed hashes an erased
 * person leaves (core/suppression.ts makes them). Only hashes go in or out.
 */
export async function storeSuppression(tx: DbOrTx, entries: readonly SuppressionHash[]): Promise<number> {
  if (!entries.length) return 0;
  const rows = await tx
    .insert(suppressionEntries)
    .values(entries.map((e) => ({ kind: e.kind, keyVersion: e.keyVersion, hash: e.hash })))
    .onConflictDoNothing()
    .returning({ id: suppressionEntries.id });
  return rows.length;
}

const matchOf = (hashes: readonly SuppressionHash[]) =>
  or(...hashes.map((h) => and(eq(suppressionEntries.kind, h.kind), eq(suppressionEntries.keyVersion, h.keyVersion), eq(suppressionEntries.hash, h.hash))));

/** Which of these hashes are stored (as "kind:version:hash"). */
export async function storedHashes(db: DbOrTx, hashes: readonly SuppressionHash[]): Promise<Set<string>> {
  if (!hashes.length) return new Set();
  const found = new Set<string>();
  // Bounded statements: a whole list checks thousands of hashes.
  for (let i = 0; i < hashes.length; i += 1000) {
    const chunk = hashes.slice(i, i + 1000);
    const kinds = [...new Set(chunk.map((h) => h.kind))] as SuppressionKindName[];
    const rows = await db
      .select({ kind: suppressionEntries.kind, keyVersion: suppressionEntries.keyVersion, hash: suppressionEntries.hash })
      .from(suppressionEntries)
      .where(and(inArray(suppressionEntries.kind, kinds), inArray(suppressionEntries.hash, chunk.map((h) => h.hash))));
    for (const r of rows) found.add(hashId(r));
  }
  return found;
}

export const hashId = (h: SuppressionHash) => `${h.kind}:${h.keyVersion}:${h.hash}`;

/** Any of them stored? */
export async function anyStored(db: DbOrTx, hashes: readonly SuppressionHash[]): Promise<boolean> {
  if (!hashes.length) return false;
  const rows = await db.select({ id: suppressionEntries.id }).from(suppressionEntries).where(matchOf(hashes)).limit(1);
  return rows.length > 0;
}

/** Forget these entries (someone chose to start again from this messenger account). */
export async function forgetSuppression(tx: DbOrTx, hashes: readonly SuppressionHash[]): Promise<number> {
  if (!hashes.length) return 0;
  const rows = await tx.delete(suppressionEntries).where(matchOf(hashes)).returning({ id: suppressionEntries.id });
  return rows.length;
}

/** Every entry (hashes only), for the erasure log a restore replays. */
export async function allSuppression(db: DbOrTx): Promise<SuppressionHash[]> {
  return db.select({ kind: suppressionEntries.kind, keyVersion: suppressionEntries.keyVersion, hash: suppressionEntries.hash }).from(suppressionEntries);
}
