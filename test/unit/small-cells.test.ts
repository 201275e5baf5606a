import { describe, expect, it } from 'vitest';
import { HIDDEN, protect, single, SMALL, type Grid, type Protected, type Shown } from '../../core/small-cells.js';
import { prng } from '../../db/seed/search-corpus.js';

const H = HIDDEN;

/**
 * The table protect() answers for, as one grid with its totals (a total column on the right when
 * rowTotals, a total row below when columnTotals), written out independently of core/small-cells.ts:
 * every line (a row with its total, a column with its total) must hide none or at least two of its
 * members - else the shown total minus the shown members gives the one hidden member back.
 */
function table(g: Grid, p: Protected) {
  const rows = g.cells.length;
  const cols = rows ? g.cells[0]!.length : 0;
  const exact: number[][] = g.cells.map((r) => [...r, ...(g.rowTotals ? [r.reduce((a, b) => a + b, 0)] : [])]);
  const shown: Shown[][] = p.cells.map((r, i) => [...r, ...(g.rowTotals ? [p.rowTotals[i]!] : [])]);
  if (g.columnTotals) {
    const sums = [...Array(cols).keys()].map((c) => g.cells.reduce((a, r) => a + r[c]!, 0));
    exact.push([...sums, ...(g.rowTotals ? [sums.reduce((a, b) => a + b, 0)] : [])]);
    shown.push([...p.columnTotals, ...(g.rowTotals ? [p.grandTotal!] : [])]);
  }
  const lines: Shown[][] = [];
  if (g.rowTotals) lines.push(...shown);
  if (g.columnTotals) for (let c = 0; c < (shown[0]?.length ?? 0); c++) lines.push(shown.map((r) => r[c]!));
  return { exact, shown, lines };
}

/** Everything protect() promises, for any grid. */
function checkInvariants(g: Grid) {
  const p = protect(g);
  const { exact, shown, lines } = table(g, p);
  expect(shown.length).toBe(exact.length);
  for (let r = 0; r < exact.length; r++) {
    expect(shown[r]!.length).toBe(exact[r]!.length);
    for (let c = 0; c < exact[r]!.length; c++) {
      const e = exact[r]![c]!;
      const s = shown[r]![c]!;
      // Primary: 1-4 never shown. Zero always shown. A shown number is the exact one.
      if (e > 0 && e < SMALL) expect(s, `cell ${r},${c} = ${e}`).toBe(H);
      if (e === 0) expect(s, `cell ${r},${c} = 0`).toBe(0);
      if (s !== H) expect(s).toBe(e);
    }
  }
  for (const line of lines) expect(line.filter((x) => x === H).length, JSON.stringify(line)).not.toBe(1);
  // Without totals there is nothing to protect beyond primary suppression.
  if (!g.rowTotals && !g.columnTotals) for (let r = 0; r < exact.length; r++) for (let c = 0; c < exact[r]!.length; c++) expect(shown[r]![c] === H).toBe(exact[r]![c]! > 0 && exact[r]![c]! < SMALL);
  return p;
}

describe('primary suppression', () => {
  it('shows 1-4 as "<5", 0 and 5+ as they are', () => {
    expect(single(0)).toBe(0);
    for (const n of [1, 2, 3, 4]) expect(single(n)).toBe(H);
    expect(single(5)).toBe(5);
    expect(single(123)).toBe(123);
  });

  it('hides only the small cells of a grid without totals', () => {
    const p = protect({ cells: [[3, 10], [7, 4], [0, 5]], rowTotals: false, columnTotals: false });
    expect(p).toEqual({ cells: [[H, 10], [7, H], [0, 5]], rowTotals: [], columnTotals: [], grandTotal: null });
  });
});

describe('secondary suppression', () => {
  it('in a row that adds up to a shown total: hides the smallest other non-zero cell', () => {
    const p = protect({ cells: [[3, 10, 7, 0]], rowTotals: true, columnTotals: false });
    expect(p.cells).toEqual([[H, 10, H, 0]]);
    expect(p.rowTotals).toEqual([20]);
    expect(p.columnTotals).toEqual([]);
    expect(p.grandTotal).toBeNull();
  });

  it('in a column that adds up to a shown total', () => {
    const p = protect({ cells: [[3], [10], [7], [0]], rowTotals: false, columnTotals: true });
    expect(p.cells).toEqual([[H], [10], [H], [0]]);
    expect(p.columnTotals).toEqual([20]);
  });

  it('leaves a line with two hidden cells alone', () => {
    const p = protect({ cells: [[3, 2, 10]], rowTotals: true, columnTotals: false });
    expect(p.cells).toEqual([[H, H, 10]]);
    expect(p.rowTotals).toEqual([15]);
  });

  it('cascades: a secondary cell in a row makes its column need one too, and so on', () => {
    // 3 8 | 11      row 0: 3 hidden -> 8 hidden; column 0: 3 -> 9; column 1: 8 -> 6; row 1 then has two.
    // 9 6 | 15
    // ---------
    // 12 14 | 26
    const p = checkInvariants({ cells: [[3, 8], [9, 6]], rowTotals: true, columnTotals: true });
    expect(p).toEqual({ cells: [[H, H], [H, H]], rowTotals: [11, 15], columnTotals: [12, 14], grandTotal: 26 });
  });

  it('cascades across several lines of a larger grid, and stops', () => {
    const g: Grid = { cells: [[2, 20, 30, 40], [50, 60, 70, 80], [90, 100, 110, 4]], rowTotals: true, columnTotals: true };
    const p = checkInvariants(g);
    //  2  20  30  40 |  92   primary: 2 and 4.
    // 50  60  70  80 | 260   pass 1, rows: row 0 hides 20, row 2 hides 90;
    // 90 100 110   4 | 304           columns: column 1 (20) hides 60, column 3 (4) hides 40;
    // ---------------------   pass 2: row 1 (60) hides 50. Then every line has 0 or 2+.
    // 142 180 210 124 | 656
    expect(p.cells).toEqual([[H, H, 30, H], [H, H, 70, 80], [H, 100, 110, H]]);
    expect(p.rowTotals).toEqual([92, 260, 304]);
    expect(p.columnTotals).toEqual([142, 180, 210, 124]);
    expect(p.grandTotal).toBe(656);
  });

  it('never hides a zero, even when it is the only other member', () => {
    const p = checkInvariants({ cells: [[0, 2], [0, 7]], rowTotals: false, columnTotals: true });
    expect(p.cells).toEqual([[0, H], [0, H]]);
    expect(p.columnTotals).toEqual([0, 9]);
  });

  it('hides a total that is itself small', () => {
    expect(protect({ cells: [[1, 2]], rowTotals: true, columnTotals: false })).toEqual({ cells: [[H, H]], rowTotals: [H], columnTotals: [], grandTotal: null });
    expect(protect({ cells: [[1], [0]], rowTotals: false, columnTotals: true })).toEqual({ cells: [[H], [0]], rowTotals: [], columnTotals: [H], grandTotal: null });
    // Only zeros beside one small cell: the total is that cell, so it is small too - both hidden.
    expect(protect({ cells: [[0, 3, 0]], rowTotals: true, columnTotals: false })).toEqual({ cells: [[0, H, 0]], rowTotals: [H], columnTotals: [], grandTotal: null });
  });

  it('hides a total as the secondary cell when nothing else is left in its line', () => {
    // 3 7 | 10      row 0: 3 -> 7 hidden; column 1 (7, 0 | 7): only the total is left -> hidden.
    // 0 0 |  0      the total row (3, 7 | 10): 3 is small itself, so it has two.
    const p = checkInvariants({ cells: [[3, 7], [0, 0]], rowTotals: true, columnTotals: true });
    expect(p).toEqual({ cells: [[H, H], [0, 0]], rowTotals: [10, 0], columnTotals: [H, H], grandTotal: 10 });
  });

  it('changes nothing in a grid without small counts', () => {
    const g: Grid = { cells: [[5, 0, 12], [0, 0, 0], [9, 30, 6]], rowTotals: true, columnTotals: true };
    expect(protect(g)).toEqual({ cells: g.cells, rowTotals: [17, 0, 45], columnTotals: [14, 30, 18], grandTotal: 62 });
  });

  it('copes with an empty grid', () => {
    expect(protect({ cells: [], rowTotals: true, columnTotals: true })).toEqual({ cells: [], rowTotals: [], columnTotals: [], grandTotal: 0 });
  });
});

describe('on random grids', () => {
  // A deterministic PRNG (the search corpus's mulberry32), so a failure names a seed that reproduces it.

  it('no line of any grid hides exactly one member; primary, zeros and exact values hold', () => {
    let checked = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const r = prng(seed);
      const rows = 1 + Math.floor(r() * 6);
      const cols = 1 + Math.floor(r() * 7);
      // Many zeros and small counts: the hard cases.
      const value = () => {
        const x = r();
        return x < 0.3 ? 0 : x < 0.65 ? 1 + Math.floor(r() * 4) : 5 + Math.floor(r() * (r() < 0.5 ? 5 : 60));
      };
      const g: Grid = {
        cells: Array.from({ length: rows }, () => Array.from({ length: cols }, value)),
        rowTotals: r() < 0.6,
        columnTotals: r() < 0.8,
      };
      try {
        checkInvariants(g);
      } catch (err) {
        throw new Error(`seed ${seed}: ${JSON.stringify(g)}\n${(err as Error).message}`);
      }
      checked++;
    }
    expect(checked).toBe(3000);
  });
});
