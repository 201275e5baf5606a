import { instantAt, nextDay, type LocalDate } from '../../core/local-time.js';
import type { AuditFilter } from '../../db/queries/audit-log.js';

/** The /audit page's filters as they arrive in the query string (and go back into the form and the CSV link). */
export interface AuditQuery {
  staff?: unknown;
  action?: unknown;
  from?: unknown;
  to?: unknown;
  object?: unknown;
  page?: unknown;
}

export const AUDIT_PAGE_SIZE = 50;
const MAX_PAGE = 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ACTION = /^[a-z_]{1,32}\.[a-z_]{1,32}$/;
/** Object ids are uuids or the upload tokens of the list import; nothing else is looked for (or echoed). */
const OBJECT_ID = /^[A-Za-z0-9_-]{1,64}$/;

function localDate(v: unknown): LocalDate | null {
  if (typeof v !== 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v.trim());
  if (!m) return null;
  const d = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  const check = new Date(Date.UTC(d.year, d.month - 1, d.day));
  return check.getUTCMonth() + 1 === d.month && check.getUTCDate() === d.day ? d : null;
}

/**
 * Reads the filters leniently: a value that is not what the field expects is
 * left out (and not shown back) rather than refused - a filter page should
 * never end in an error. Dates are Amsterdam days: "to" includes its whole day.
 */
export function parseAuditQuery(q: AuditQuery): { filter: AuditFilter; form: Record<'staff' | 'action' | 'from' | 'to' | 'object', string>; page: number; count: number } {
  const staff = typeof q.staff === 'string' && UUID.test(q.staff) ? q.staff.toLowerCase() : '';
  const action = typeof q.action === 'string' && ACTION.test(q.action) ? q.action : '';
  const from = localDate(q.from);
  const to = localDate(q.to);
  const object = typeof q.object === 'string' && OBJECT_ID.test(q.object.trim()) ? q.object.trim() : '';
  const pageNo = typeof q.page === 'string' && /^\d{1,4}$/.test(q.page) ? Math.min(Math.max(Number(q.page), 1), MAX_PAGE) : 1;
  const iso = (d: LocalDate | null) => (d ? `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}` : '');
  const form = { staff, action, from: iso(from), to: iso(to), object };
  return {
    filter: {
      staffId: staff || null,
      action: action || null,
      from: from ? instantAt(from, 0) : null,
      until: to ? instantAt(nextDay(to), 0) : null,
      objectId: object || null,
    },
    form,
    page: pageNo,
    count: Object.values(form).filter(Boolean).length,
  };
}

/** The filters as a query string (for paging links and the CSV link), without empty ones. */
export function auditQueryString(form: Record<string, string>, extra: Record<string, string | number> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...form, ...extra })) if (v !== '' && v !== undefined) params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}
