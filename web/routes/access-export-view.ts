import type { Dossier } from '../../db/queries/access-export.js';
import { exportLabel } from '../../templates/staff/access-export.js';
import type { StaffTexts } from '../../templates/staff/index.js';

/**
 * The access export as a page: every category of the dossier as a table, with
 * every field it holds (labels from templates/staff/access-export.ts). Fields
 * are taken from the rows themselves, so a column added to the dossier shows
 * up here without anyone remembering to.
 */

export interface ExportTable {
  id: string;
  title: string;
  note: string | null;
  columns: string[];
  rows: string[][];
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** Long free text goes last in a row, where the table has room for it. */
const WIDE = new Set(['body', 'note', 'data']);

function cell(ui: StaffTexts, field: string, v: unknown): string {
  const lang = ui.lang;
  if (v === null || v === undefined || v === '') return '—';
  if (v instanceof Date) return ui.when(v);
  if (typeof v === 'boolean') return exportLabel(lang, v ? 'yes' : 'no');
  if (typeof v === 'string' && DAY.test(v)) {
    const [y, m, d] = v.split('-');
    return lang === 'nl' ? `${d}-${m}-${y}` : `${d}/${m}/${y}`;
  }
  if (field === 'type' && typeof v === 'string') return ui.event(v);
  if (field === 'direction' && (v === 'in' || v === 'out')) return exportLabel(lang, v);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function table(ui: StaffTexts, id: string, title: string, rows: Record<string, unknown>[], note: string | null = null): ExportTable {
  const fields = [...new Set(rows.flatMap((r) => Object.keys(r)))].sort((a, b) => Number(WIDE.has(a)) - Number(WIDE.has(b)));
  return {
    id,
    title,
    note,
    columns: fields.map((f) => exportLabel(ui.lang, f)),
    rows: rows.map((r) => fields.map((f) => cell(ui, f, r[f]))),
  };
}

/** The person's own row as label/value pairs. */
export function personFields(ui: StaffTexts, d: Dossier): { label: string; value: string }[] {
  const row: Record<string, unknown> = { municipality: d.municipality, ...d.youngster };
  return Object.entries(row).map(([k, v]) => ({ label: exportLabel(ui.lang, k), value: cell(ui, k, v) }));
}

export function exportTables(ui: StaffTexts, d: Dossier): ExportTable[] {
  const t = ui.t;
  const tables: ExportTable[] = [
    table(ui, 'cards', t('export.section.cards'), d.cards),
    table(ui, 'contacts', t('export.section.contacts'), d.contacts),
  ];
  for (const c of d.conversations) {
    const { messages, notes, ...conversation } = c;
    tables.push(table(ui, `conversation-${c.id}`, t('export.section.conversations'), [conversation]));
    tables.push(table(ui, `messages-${c.id}`, t('export.section.messages'), messages));
    tables.push(table(ui, `notes-${c.id}`, t('export.section.notes'), notes));
  }
  if (!d.conversations.length) tables.push(table(ui, 'conversation', t('export.section.conversations'), []));
  tables.push(
    table(ui, 'attempts', t('export.section.attempts'), d.contactAttempts),
    table(ui, 'consents', t('export.section.consents'), d.consents),
    table(ui, 'batches', t('export.section.batches'), d.cardBatches),
    table(ui, 'events', t('export.section.events'), d.events, t('export.eventsNote')),
  );
  return tables;
}

/** The JSON download: the same dossier, with when, by whom and what is not held. */
export function exportJson(ui: StaffTexts, d: Dossier, by: { name: string; teamName: string }, now: Date) {
  return { exportedAt: now.toISOString(), exportedBy: by.name, team: by.teamName, notHeld: ui.t('export.notHeld'), ...d };
}
