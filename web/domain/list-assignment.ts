import type { CasemanagerLoad } from '../../db/queries/list-import.js';
import type { ServedMunicipality } from '../../db/queries/list-import.js';

/**
 * Who gets each new card: the coordinator's choice in the preview (by row
 * number), else the municipality's default casemanager, else the team's
 * casemanager with the fewest active cards so far (counting this list), so a
 * month's cards spread evenly. Only active casemanagers of the team qualify.
 */
export function pickCasemanagers(
  rows: { row: { row: number }; municipality: Pick<ServedMunicipality, 'defaultCasemanagerId'>; casemanagerId: string | null }[],
  casemanagers: readonly CasemanagerLoad[],
  chosen: Record<number, string>,
): void {
  const load = new Map(casemanagers.map((c) => [c.id, c.activeCards]));
  const byLoad = () => [...load.entries()].sort((a, b) => a[1] - b[1])[0]?.[0] ?? null;
  for (const r of rows) {
    const pick = chosen[r.row.row];
    const id = pick && load.has(pick) ? pick : r.municipality.defaultCasemanagerId && load.has(r.municipality.defaultCasemanagerId) ? r.municipality.defaultCasemanagerId : byLoad();
    r.casemanagerId = id;
    if (id) load.set(id, (load.get(id) ?? 0) + 1);
  }
}
