import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import type { Cell, ColumnKind, MonitoringReport } from './monitoring-report.js';

/**
 * The report as files, the same model as the page: CSV for Dutch Excel
 * (`;`-separated, UTF-8 with a BOM, decimal comma) and XLSX (exceljs: one sheet
 * with every section under its title and its one line of what it counts, numbers
 * as numbers, "<5" as text). Both name the period and whether small counts are
 * protected, so a file that travels says what it is.
 */

const decimal = (n: number) => String(n).replace('.', ',');
const csvCell = (c: Cell, kind: ColumnKind) => (c === null ? '' : typeof c === 'number' ? (kind === 'count' ? String(c) : decimal(c)) : c);

export function reportCsv(r: MonitoringReport, heading: string[]): Buffer {
  const lines: string[][] = heading.map((h) => [h]);
  for (const s of r.sections) {
    lines.push([]);
    lines.push([s.title]);
    lines.push([s.counts]);
    lines.push(['', ...s.columns.map((c) => c.label)]);
    for (const row of [...s.rows, s.total]) lines.push([row.label, ...row.cells.map((c, i) => csvCell(c, s.columns[i]!.kind))]);
  }
  const body = stringify(lines, { delimiter: ';', record_delimiter: '\r\n', quoted_match: /[;"\r\n]/ });
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body, 'utf8')]);
}

const FORMAT: Record<ColumnKind, string> = { count: '0', percent: '0.0', minutes: '0', hours: '0.0' };

export async function reportXlsx(r: MonitoringReport, heading: string[], sheetName: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Lijntje';
  wb.created = new Date(`${r.peildatum}T12:00:00Z`);
  const ws = wb.addWorksheet(sheetName.slice(0, 31));
  ws.getColumn(1).width = 32;
  for (const h of heading) ws.addRow([h]);
  ws.getRow(1).font = { bold: true, size: 14 };
  for (const s of r.sections) {
    ws.addRow([]);
    ws.addRow([s.title]).font = { bold: true, size: 12 };
    ws.addRow([s.counts]).font = { italic: true };
    ws.addRow(['', ...s.columns.map((c) => c.label)]).font = { bold: true };
    for (const row of [...s.rows, s.total]) {
      const added = ws.addRow([row.label, ...row.cells.map((c) => (c === null ? '' : c))]);
      row.cells.forEach((c, i) => {
        if (typeof c === 'number') added.getCell(i + 2).numFmt = FORMAT[s.columns[i]!.kind];
        else added.getCell(i + 2).alignment = { horizontal: 'right' };
      });
      if (row.key === null) added.font = { bold: true };
    }
  }
  for (let c = 2; c <= 17; c++) ws.getColumn(c).width = 14;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
