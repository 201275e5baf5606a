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

export type CellRef = [row: number, column: number];

/**
 * Which cells of a table to hide. `lines`: sets of cells bound by one relation a reader knows (a
 * row with its total, a column with the region's, new + old = the list): a line with exactly one
 * hidden member gives it back, so it hides its smallest non-zero shown member too (a total only
 * when nothing else is left), and the passes repeat until no line has exactly one. `forced`: cells
 * that must be hidden whatever their value (the same figure hidden in another section).
 */
export function suppress(values: number[][], lines: CellRef[][], forced?: (r: number, c: number) => boolean): boolean[][] {
  const hide = values.map((row, r) => row.map((v, c) => isSmall(v) || (forced?.(r, c) ?? false)));
  for (let changed = true; changed; ) {
    changed = false;
    for (const line of lines) {
      if (line.filter(([r, c]) => hide[r]![c]).length !== 1) continue;
      const open = line.filter(([r, c]) => !hide[r]![c] && values[r]![c]! > 0);
      // A hidden member with only zeros beside it is itself zero-sum: a known zero was never hidden. Guard anyway.
      if (open.length === 0) continue;
      open.sort(([r1, c1], [r2, c2]) => values[r1]![c1]! - values[r2]![c2]! || r1 - r2 || c1 - c2);
      const [r, c] = open[0]!;
      hide[r]![c] = true;
      changed = true;
    }
  }
  return hide;
}

/**
 * The grid with its totals as one table (a total row below, a total column on the right), every
 * line of it - a row with its total, a column with its total - protected by `suppress`.
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
  const lines: CellRef[][] = [];
  if (g.rowTotals) for (let r = 0; r < R; r++) lines.push([...Array(C).keys()].map((c) => [r, c]));
  if (g.columnTotals) for (let c = 0; c < C; c++) lines.push([...Array(R).keys()].map((r) => [r, c]));
  const hide = suppress(value, lines);
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
