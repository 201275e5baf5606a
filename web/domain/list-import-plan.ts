import type { ListFile, ParsedRow, RowError } from '../../core/list-file/index.js';
import type { CasemanagerLoad, ListedYoungster, ServedMunicipality } from '../../db/queries/list-import.js';

/** What an import plans and reports (web/domain/list-import.ts makes the plan), and how it is counted. */

/** suppressed: asked for no contact earlier (a full match); held_back: the same name and birth date elsewhere (moved?) - the coordinator decides. */
export type SkipReason = 'not_new_inflow' | 'known_to_municipality' | 'suppressed' | 'held_back' | 'duplicate_in_file';
export type Decision = 'approach' | 'update' | SkipReason;

export interface PlannedRow {
  row: ParsedRow;
  municipality: ServedMunicipality;
  decision: Decision;
  /** A known youngster (the same person on an earlier list). */
  existing: ListedYoungster | null;
  variant: 'regular' | 'entrepreneur';
  /** For 'approach': who gets the card. */
  casemanagerId: string | null;
}

export interface MunicipalityCounts {
  municipalityId: string;
  name: string;
  /** On the list (valid rows of this municipality), before filtering. */
  rows: number;
  newInflow: number;
  kvk: number;
  known: number;
  approached: number;
  updated: number;
  skipped: Record<SkipReason, number>;
}

export interface ImportPlan {
  file: ListFile;
  listMonth: string;
  baseline: boolean;
  rows: PlannedRow[];
  /** Row errors of the file plus the service's own (a municipality the team does not serve). */
  errors: RowError[];
  /** Every rejected row's cells as in the file, for the downloadable CSV. */
  rejectedRows: { row: number; cells: string[] }[];
  perMunicipality: MunicipalityCounts[];
  casemanagers: CasemanagerLoad[];
  municipalities: ServedMunicipality[];
  /** Municipalities on this list without an earlier list: the preview suggests "nulmeting". */
  firstListOf: string[];
}

export interface ImportSummary {
  encoding: string;
  delimiter: string;
  rows: number;
  imported: number;
  updated: number;
  approached: number;
  skipped: Record<SkipReason, number>;
  errors: { row: number; field: string; code: string }[];
}

export interface ImportResult extends ImportSummary {
  importId: string | null;
  perMunicipality: MunicipalityCounts[];
}

export const emptySkipped = (): Record<SkipReason, number> => ({ not_new_inflow: 0, known_to_municipality: 0, suppressed: 0, held_back: 0, duplicate_in_file: 0 });

/** Repeats within the file are counted for the file as a whole (summaryCounts), not per municipality. */
export function countPerMunicipality(served: ServedMunicipality[], rows: PlannedRow[]): MunicipalityCounts[] {
  const out = new Map<string, MunicipalityCounts>();
  for (const r of rows) {
    const m = r.municipality;
    let c = out.get(m.id);
    if (!c) {
      c = { municipalityId: m.id, name: m.name, rows: 0, newInflow: 0, kvk: 0, known: 0, approached: 0, updated: 0, skipped: emptySkipped() };
      out.set(m.id, c);
    }
    c.rows++;
    if (r.row.newInflow) c.newInflow++;
    if (r.row.kvk) c.kvk++;
    if (r.row.knownToMunicipality) c.known++;
    if (r.decision === 'approach') c.approached++;
    else if (r.decision === 'update') c.updated++;
    else c.skipped[r.decision]++;
  }
  return served.flatMap((m) => (out.has(m.id) ? [out.get(m.id)!] : []));
}

export function summaryCounts(p: ImportPlan): ImportSummary {
  const skipped = emptySkipped();
  for (const r of p.rows) if (r.decision !== 'approach' && r.decision !== 'update') skipped[r.decision]++;
  skipped.duplicate_in_file = p.file.duplicates.length;
  return {
    encoding: p.file.encoding,
    delimiter: p.file.delimiter,
    rows: p.file.totalRows,
    imported: p.rows.filter((r) => r.decision === 'approach' && !r.existing).length,
    // Everyone already known whose row was stored again (address, flags, list month).
    updated: p.rows.filter((r) => r.existing && r.decision !== 'suppressed' && r.decision !== 'held_back').length,
    approached: p.rows.filter((r) => r.decision === 'approach').length,
    skipped,
    errors: p.errors.map((e) => ({ row: e.row, field: e.field, code: e.code })),
  };
}
