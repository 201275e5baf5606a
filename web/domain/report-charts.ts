import type { Cell, MonitoringReport, Section } from './monitoring-report.js';

/**
 * The report's charts as server-rendered SVG (no script, so the page's CSP stays
 * strict and the printed page shows them): horizontal bars, one per label, with
 * the number beside each. A hidden count ("<5") gets no bar, only its label -
 * a bar's length would give the number away. Every text is escaped here.
 */

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface Bar {
  label: string;
  value: Cell;
  /** A second, lighter bar in the same line (e.g. reached beside approached). */
  second?: Cell;
}

const LABEL_W = 190;
const BAR_W = 330;
const LINE = 26;

export function barChart(title: string, bars: Bar[], legend?: [string, string]): string {
  const max = Math.max(1, ...bars.flatMap((b) => [b.value, b.second ?? 0]).map((v) => (typeof v === 'number' ? v : 0)));
  const paired = bars.some((b) => b.second !== undefined);
  const lineH = paired ? LINE + 10 : LINE;
  const top = legend ? 26 : 6;
  const height = top + bars.length * lineH + 6;
  const width = LABEL_W + BAR_W + 60;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" class="rp-chart" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${esc(title)}">`);
  parts.push(`<title>${esc(title)}</title>`);
  if (legend) {
    parts.push(`<rect x="${LABEL_W}" y="6" width="12" height="12" class="rp-bar"/><text x="${LABEL_W + 18}" y="16" class="rp-legend">${esc(legend[0])}</text>`);
    parts.push(`<rect x="${LABEL_W + 150}" y="6" width="12" height="12" class="rp-bar2"/><text x="${LABEL_W + 168}" y="16" class="rp-legend">${esc(legend[1])}</text>`);
  }
  bars.forEach((b, i) => {
    const y = top + i * lineH;
    parts.push(`<text x="${LABEL_W - 8}" y="${y + 15}" text-anchor="end" class="rp-label">${esc(b.label)}</text>`);
    const one = (v: Cell, dy: number, h: number, cls: string) => {
      if (typeof v === 'number') {
        const w = Math.round((v / max) * BAR_W);
        parts.push(`<rect x="${LABEL_W}" y="${y + dy}" width="${Math.max(w, v > 0 ? 2 : 0)}" height="${h}" class="${cls}"/>`);
        parts.push(`<text x="${LABEL_W + w + 6}" y="${y + dy + h - 3}" class="rp-value">${v}</text>`);
      } else if (v !== null) {
        parts.push(`<text x="${LABEL_W + 6}" y="${y + dy + h - 3}" class="rp-value">${esc(v)}</text>`);
      }
    };
    if (paired) {
      one(b.value, 2, 14, 'rp-bar');
      one(b.second ?? null, 17, 14, 'rp-bar2');
    } else one(b.value, 3, 18, 'rp-bar');
  });
  parts.push('</svg>');
  return parts.join('');
}

const section = (r: MonitoringReport, id: string) => r.sections.find((s) => s.id === id)!;
const col = (s: Section, key: string) => s.columns.findIndex((c) => c.key === key);

/** The page's three charts: the funnel and the outflow of the whole scope, and approached vs reached per municipality. */
export function reportCharts(r: MonitoringReport, words: { funnel: string; outflow: string; reach: string; approached: string; reached: string }) {
  const funnel = section(r, 'funnel_municipality');
  const outflow = section(r, 'i2_outflow');
  const results = section(r, 'i2_results');
  // The destinations only: not their total, nor the positive ones together.
  const notDestination = new Set([col(outflow, 'total'), col(outflow, 'positive')]);
  return {
    funnel: barChart(
      words.funnel,
      funnel.columns.filter((c) => c.kind === 'count').map((c, i) => ({ label: c.label, value: funnel.total.cells[i]! })),
    ),
    outflow: barChart(
      words.outflow,
      outflow.columns
        .map((c, i) => ({ label: c.label, value: outflow.total.cells[i]!, i }))
        .filter((b) => !notDestination.has(b.i) && b.value !== 0),
    ),
    reach: barChart(
      words.reach,
      results.rows.map((row) => ({ label: row.label, value: row.cells[col(results, 'approached')]!, second: row.cells[col(results, 'reached')]! })),
      [words.approached, words.reached],
    ),
  };
}
