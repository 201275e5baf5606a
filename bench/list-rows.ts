import { CARD_TARGET, type CardBenchResult } from './cards.js';
import type { ListImportBench } from './list-import.js';
import type { Row } from './report.js';

/** The table rows and notes of scenarios (d), the list import, and (e), the card PDFs. */

export function listRows(l: ListImportBench, targetS: number): Row[] {
  return [
    ...l.runs.map((r, i) => ({
      scenario: 'list import',
      metric: `run ${i + 1}: ${l.rows} new rows read, planned, stored with a card each`,
      value: `${r.seconds.toFixed(2)} s (${r.imported} imported), CPU ${r.cpuMsPerRow.toFixed(3)} ms per row`,
      target: `< ${targetS} s`,
      pass: r.seconds < targetS,
    })),
    { scenario: 'list import', metric: `next month's list, the same ${l.rows} people`, value: `${l.again.seconds.toFixed(2)} s (${l.again.updated} updated)`, target: `< ${targetS} s`, pass: l.again.seconds < targetS },
    { scenario: 'list import', metric: 'floor: csv-parse + one multi-row INSERT of the same rows', value: `${l.floor.seconds.toFixed(2)} s, CPU ${l.floor.cpuMsPerRow.toFixed(3)} ms per row`, target: '', pass: null },
    { scenario: 'list import', metric: 'import / floor (time, first run)', value: `${(l.runs[0]!.seconds / l.floor.seconds).toFixed(1)} x`, target: '', pass: null },
  ];
}

export function cardRows(c: CardBenchResult): Row[] {
  return [
    { scenario: 'card PDFs', metric: 'floor: a child that starts and loads pdfkit', value: `${c.floor.seconds.toFixed(2)} s, ${c.floor.rssMb.toFixed(0)} MB peak RSS`, target: '', pass: null },
    ...c.runs.map((r) => {
      const timed = r.cards === CARD_TARGET.cards;
      return {
        scenario: 'card PDFs',
        metric: `${r.cards} cards (A6, address sheets), run ${r.run}`,
        value: `${r.seconds.toFixed(2)} s (${r.msPerCard.toFixed(2)} ms per card), ${r.peakRssMb.toFixed(0)} MB peak RSS (${r.aboveFloorMb.toFixed(0)} MB above the floor), ${r.pages} pages, ${r.fileMb.toFixed(1)} MB`,
        target: timed ? `< ${CARD_TARGET.seconds} s, < ${CARD_TARGET.peakRssMb} MB` : `< ${CARD_TARGET.peakRssMb} MB`,
        pass: r.peakRssMb < CARD_TARGET.peakRssMb && (!timed || r.seconds < CARD_TARGET.seconds),
      };
    }),
  ];
}

export function listNotes(rows: number): string[] {
  return [
    `List import: a synthetic list of ${rows} people in the sample's format (every row new inflow in the team's two municipalities, so every row is stored with a card - the heaviest month), through the service the web page and \`npm run list:import\` use (read, plan, one transaction), on fresh municipalities per run; then the same list as next month's (matched and updated). Floor in the same run: csv-parse of the same bytes plus one multi-row INSERT per thousand rows into a scratch table.`,
    'Card PDFs: bench/cards.ts - each generation in a child process of its own (peak RSS = that process\'s maxRSS), A6 with bleed, crop marks and address sheets, one logo and one photo shared by all cards; the floor child only starts and imports pdfkit.',
  ];
}
