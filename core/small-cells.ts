/**
 * Small-cell protection for figures that leave the team: a count of 1-4 is
 * shown as "<5" (primary suppression), and where a shown total would give a
 * hidden cell back by subtraction, one more cell of the same line is hidden
 * too (secondary suppression), until every line that adds up to a shown total
 * hides either none or at least two of its cells - and the total stays shown.
 *
 * A table is a grid of counts. `rowTotals`: each row's cells add up to a total
 * the report shows (e.g. outflow per destination adds up to the outflow);
 * `columnTotals`: each column adds up over the rows (the municipalities add up
 * to the region). Zero is shown as it is: it protects no one to hide it, and
 * the secondary cell is always the smallest non-zero shown cell, so the least
 * is lost. Pure, so it is tested on its own.
 */

export const SMALL = 5;
export const HIDDEN = '<5' as const;
export type Shown = number | typeof HIDDEN;

export interface Grid {
  cells: number[][];
  rowTotals: boolean;
  columnTotals: boolean;
}

const isSmall = (n: number) => n > 0 && n < SMALL;

export interface Protected {
  cells: Shown[][];
  /** Each row's total (when rowTotals). */
  rowTotals: Shown[];
  /** Each column's total over the rows (when columnTotals). */
  columnTotals: Shown[];
  /** All cells together (when both). */
  grandTotal: Shown | null;
}

/**
 * The grid with its totals as one table (a total row below, a total column on the right), every
 * line of it - a row with its total, a column with its total - a sum that must not give one hidden
 * member away. A line with exactly one hidden member hides its smallest non-zero shown member (a
 * total only when nothing else is left), and the passes repeat until no line has exactly one.
 */
export function protect(g: Grid): Protected {
  const rows = g.cells.length;
  const cols = rows ? g.cells[0]!.length : 0;
  const R = rows + (g.columnTotals ? 1 : 0);
  const C = cols + (g.rowTotals ? 1 : 0);
  const value: number[][] = Array.from({ length: R }, (_, r) =>
    Array.from({ length: C }, (_, c) => {
      const rs = r < rows ? [r] : [...Array(rows).keys()];
      const cs = c < cols ? [c] : [...Array(cols).keys()];
      return rs.reduce((a, rr) => a + cs.reduce((b, cc) => b + g.cells[rr]![cc]!, 0), 0);
    }),
  );
  const hide = value.map((row) => row.map(isSmall));
  const lines: [number, number][][] = [];
  if (g.rowTotals) for (let r = 0; r < R; r++) lines.push([...Array(C).keys()].map((c) => [r, c]));
  if (g.columnTotals) for (let c = 0; c < C; c++) lines.push([...Array(R).keys()].map((r) => [r, c]));
  for (let changed = true; changed; ) {
    changed = false;
    for (const line of lines) {
      if (line.filter(([r, c]) => hide[r]![c]).length !== 1) continue;
      const open = line.filter(([r, c]) => !hide[r]![c] && value[r]![c]! > 0);
      // Only zeros beside it: then the one hidden member equals a known sum of zeros... and is itself
      // zero, which was never hidden. So `open` is never empty here; guard anyway.
      if (open.length === 0) continue;
      open.sort(([r1, c1], [r2, c2]) => value[r1]![c1]! - value[r2]![c2]! || r1 - r2 || c1 - c2);
      const [r, c] = open[0]!;
      hide[r]![c] = true;
      changed = true;
    }
  }
  const shown = (r: number, c: number): Shown => (hide[r]![c] ? HIDDEN : value[r]![c]!);
  return {
    cells: [...Array(rows).keys()].map((r) => [...Array(cols).keys()].map((c) => shown(r, c))),
    rowTotals: g.rowTotals ? [...Array(rows).keys()].map((r) => shown(r, cols)) : [],
    columnTotals: g.columnTotals ? [...Array(cols).keys()].map((c) => shown(rows, c)) : [],
    grandTotal: g.rowTotals && g.columnTotals ? shown(rows, cols) : null,
  };
}

/** A count as it may leave the team: exact for the team's own screen, protected otherwise. */
export function single(n: number): Shown {
  return isSmall(n) ? HIDDEN : n;
}
