import { HIDDEN, suppress, type CellRef, type Shown } from '../../core/small-cells.js';
import { reportText, type ReportLanguage, type ReportTextKey } from '../../templates/staff/monitoring.js';

/**
 * The monitoring report's sections: a table of counts per municipality (or card variant, or
 * channel) with its total row, a total column where the cells add up, and columns derived from
 * the counts (shares, averages, medians). Exact, or protected for outside the team: every sum a
 * reader knows is a line for core/small-cells.ts, and a figure shown in several sections is
 * hidden in all once one hides it (buildAll). web/domain/monitoring-report.ts says what each
 * section holds; this file only how a section is built.
 */

export type Cell = Shown | null;
export type ColumnKind = 'count' | 'percent' | 'minutes' | 'hours';
export interface Column {
  key: string;
  label: string;
  kind: ColumnKind;
}
export interface Row {
  label: string;
  /** The municipality, variant or channel of the row; null for the total. */
  key: string | null;
  cells: Cell[];
}
export interface Section {
  id: string;
  title: string;
  /** One line: what this indicator counts. */
  counts: string;
  columns: Column[];
  rows: Row[];
  total: Row;
}
export interface TableSpec {
  id: string;
  title: ReportTextKey;
  counts: ReportTextKey;
  columns: { key: string; label: string }[];
  /** The cells of each row add up to a total column. */
  rowTotal: boolean;
  /** Which count columns the total adds up (default all; the outflow's "positive" subtotal is not a destination). */
  totalOf?: number[];
  /**
   * Further sums within a row that a reader knows, as sets of count-column indexes (the total
   * column, when there is one, is index columns.length): the list at the peildatum = new + old;
   * positive outflow = its six destinations. Each is a line for small-cell protection.
   */
  relations?: number[][];
  /** Count columns (by key, 'total' too) that hold a figure another section shows as well: hidden in one, hidden in all. */
  shared?: Record<string, string>;
  rows: { label: string; key: string | null; values: number[] }[];
  /** Columns computed from each row's counts (shown only where every count they use is shown). */
  derived?: { key: string; label: string; kind: ColumnKind; uses: number[]; value: (v: number[]) => number | null }[];
  /** The total row when it is not the sum of the rows (the funnel's, from its own grouping). */
  totalValues?: number[];
  totalDerived?: (number | null)[];
  rowDerived?: (number | null)[][];
}

/**
 * One section, exact or protected. Protected: the rows and the total row, the count columns and
 * the total column as one grid, every row (with its total and its relations) and every column
 * (with the total row) a line for core/small-cells.ts, and the cells of `forced` shared figures
 * hidden from the start. Returns the shared figures it hid, so the caller can hide them everywhere.
 */
function build(spec: TableSpec, lang: ReportLanguage, forced: ReadonlySet<string> | null): { section: Section; hidden: Set<string> } {
  const t = (k: ReportTextKey) => reportText(lang, k);
  const sums = spec.totalValues ?? spec.columns.map((_, c) => spec.rows.reduce((a, r) => a + r.values[c]!, 0));
  const summed = spec.totalOf ?? spec.columns.map((_, c) => c);
  const withTotal = (v: number[]) => (spec.rowTotal ? [...v, summed.reduce((a, c) => a + v[c]!, 0)] : [...v]);
  const values = [...spec.rows.map((r) => withTotal(r.values)), withTotal(sums)];
  const keys = [...spec.rows.map((r) => r.key), null];
  const colKeys = [...spec.columns.map((c) => c.key), ...(spec.rowTotal ? ['total'] : [])];
  const tag = (r: number, c: number) => (spec.shared?.[colKeys[c]!] ? `${spec.shared[colKeys[c]!]}:${keys[r] ?? '*'}` : null);
  let shown: Cell[][] = values.map((row) => [...row]);
  const hidden = new Set<string>();
  if (forced) {
    const R = values.length;
    const C = colKeys.length;
    const lines: CellRef[][] = [];
    for (let r = 0; r < R; r++) {
      if (spec.rowTotal) lines.push([...summed, C - 1].map((c) => [r, c]));
      for (const rel of spec.relations ?? []) lines.push(rel.map((c) => [r, c]));
    }
    for (let c = 0; c < C; c++) lines.push([...Array(R).keys()].map((r) => [r, c]));
    const mask = suppress(values, lines, (r, c) => forced.has(tag(r, c) ?? ''));
    shown = values.map((row, r) => row.map((v, c) => (mask[r]![c] ? HIDDEN : v)));
    mask.forEach((row, r) => row.forEach((h, c) => h && tag(r, c) && hidden.add(tag(r, c)!)));
  }
  const derive = (exact: number[], cells: Cell[], i: number, given?: number | null): Cell => {
    const d = spec.derived![i]!;
    if (forced && d.uses.some((u) => cells[u] === HIDDEN)) return null;
    return given !== undefined ? given : d.value(exact);
  };
  const columns: Column[] = [
    ...spec.columns.map((c) => ({ ...c, kind: 'count' as const })),
    ...(spec.rowTotal ? [{ key: 'total', label: t('report.total'), kind: 'count' as const }] : []),
    ...(spec.derived ?? []).map((d) => ({ key: d.key, label: d.label, kind: d.kind })),
  ];
  const row = (label: string, key: string | null, i: number, given?: (number | null)[]): Row => ({
    label,
    key,
    cells: [...shown[i]!, ...(spec.derived ?? []).map((_, d) => derive(values[i]!, shown[i]!, d, given?.[d]))],
  });
  const last = values.length - 1;
  return {
    section: {
      id: spec.id,
      title: t(spec.title),
      counts: t(spec.counts),
      columns,
      rows: spec.rows.map((r, i) => row(r.label, r.key, i, spec.rowDerived?.[i])),
      total: row(t('report.total'), null, last, spec.totalDerived),
    },
    hidden,
  };
}

/** Every section, protected together: a shared figure one section hides is hidden in every section, until nothing changes. */
export function buildAll(specs: TableSpec[], lang: ReportLanguage, protectCells: boolean): Section[] {
  if (!protectCells) return specs.map((s) => build(s, lang, null).section);
  const forced = new Set<string>();
  for (;;) {
    const built = specs.map((s) => build(s, lang, forced));
    const fresh = built.flatMap((b) => [...b.hidden]).filter((h) => !forced.has(h));
    if (fresh.length === 0) return built.map((b) => b.section);
    for (const h of fresh) forced.add(h);
  }
}

