import { z } from 'zod';
import { InputError, NotFoundError } from '../../core/errors.js';
import type { Database } from '../../db/client.js';
import { loadDossiers, searchYoungsters, youngsterInScope, type Dossier } from '../../db/queries/access-export.js';
import type { StaffPrincipal } from '../../db/queries/staff.js';

/**
 * The access request (GDPR art. 12/15): the privacy officer finds a youngster
 * of their team's municipalities and hands over everything Lijntje holds
 * (db/queries/access-export.ts). Scope is the session's municipalities only.
 * The search is POSTed, so a name never lands in a URL, a log or a history.
 */

export const SEARCH_LIMIT = 50;

const searchInput = z.object({
  name: z.string().max(100).optional(),
  birthDate: z.string().max(10).optional(),
});

export function parseSearch(input: unknown): { name: string | null; birthDate: string | null } {
  const parsed = searchInput.safeParse(input ?? {});
  if (!parsed.success) throw new InputError('search invalid', 'privacy_search_empty');
  const name = parsed.data.name?.trim().replace(/\s+/g, ' ') || null;
  const rawDate = parsed.data.birthDate?.trim() || null;
  if (rawDate && !validDate(rawDate)) throw new InputError('birth date invalid', 'privacy_birth_date_invalid');
  if (!name && !rawDate) throw new InputError('search empty', 'privacy_search_empty');
  return { name, birthDate: rawDate };
}

/** YYYY-MM-DD (what a date field posts), a real day. */
function validDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export function createAccessExport(deps: { database: Database }) {
  const { db } = deps.database;

  async function search(staff: StaffPrincipal, input: unknown) {
    const q = parseSearch(input);
    return { query: q, results: await searchYoungsters(db, staff.municipalityIds, q, SEARCH_LIMIT) };
  }

  /** One youngster's dossier, or NotFound when not in the caller's municipalities. */
  async function dossier(staff: StaffPrincipal, youngsterId: string): Promise<Dossier> {
    const found = await youngsterInScope(db, youngsterId, staff.municipalityIds);
    if (!found) throw new NotFoundError('youngster');
    const [d] = await loadDossiers(db, [found.id]);
    if (!d) throw new NotFoundError('youngster');
    return d;
  }

  return { search, dossier };
}
export type AccessExport = ReturnType<typeof createAccessExport>;
