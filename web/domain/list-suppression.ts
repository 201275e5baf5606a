import type { ParsedRow } from '../../core/list-file/index.js';
import { hashesToCheck, suppressionValue, type SuppressionKeys } from '../../core/suppression.js';
import type { DbOrTx } from '../../db/client.js';
import { hashId, storedHashes } from '../../db/queries/suppression.js';

export type SuppressionVerdict = 'suppressed' | 'held_back';

/**
 * The list's side of "never approach again": each row's keyed hashes
 * (core/suppression.ts) against the entries opted-out people left. A full match
 * (name, birth date, postcode) is skipped without knowing who; name and birth
 * date alone (the person moved) is held back for the coordinator to decide -
 * never approached automatically. One query for the whole list.
 */
export async function suppressionOfRows(db: DbOrTx, keys: SuppressionKeys, rows: readonly ParsedRow[]): Promise<Map<number, SuppressionVerdict>> {
  const perRow = rows.map((r) => ({
    row: r.row,
    person: hashesToCheck(keys, 'person', suppressionValue.person(r)),
    nameBirth: hashesToCheck(keys, 'name_birth', suppressionValue.nameBirth(r)),
  }));
  const stored = await storedHashes(db, perRow.flatMap((r) => [...r.person, ...r.nameBirth]));
  const out = new Map<number, SuppressionVerdict>();
  for (const r of perRow) {
    if (r.person.some((h) => stored.has(hashId(h)))) out.set(r.row, 'suppressed');
    else if (r.nameBirth.some((h) => stored.has(hashId(h)))) out.set(r.row, 'held_back');
  }
  return out;
}
