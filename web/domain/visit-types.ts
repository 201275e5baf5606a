import { InputError, NotFoundError } from '../../core/errors.js';
import type { Database } from '../../db/client.js';
import { findMunicipalityInScope } from '../../db/queries/partners.js';
import type { StaffPrincipal } from '../../db/queries/staff.js';
import { calendarShowsFirstName, listVisitTypes, setCalendarShowsFirstName, upsertVisitTypes, type VisitTypeConfig } from '../../db/queries/visit-types.js';
import { VISIT_TYPES, type VisitType } from '../../db/schema/index.js';

export const DURATION_RANGE = { min: 15, max: 240 } as const;

/**
 * An admin sets, per municipality their team serves, which visit types the
 * youngster may choose, how long each takes and whether a home visit needs two
 * staff members (a local safety agreement). Only home visits take the second
 * person: at the office, on the phone or by video one coach is enough, and a
 * walk is chosen precisely because it is less formal. Any municipality outside
 * staff.municipalityIds is "not found".
 *
 * The plain form: <type>_enabled ('on' when ticked), <type>_duration, home_twoStaff, and
 * calendar_first_name: whether the casemanagers' calendar feeds may show the youngster's first
 * name (off unless ticked; the form always posts the whole page).
 */
export type VisitTypesForm = Record<string, unknown>;

export function parseVisitTypes(form: VisitTypesForm): { type: VisitType; durationMinutes: number; enabled: boolean; twoStaff: boolean }[] {
  return VISIT_TYPES.map((type) => {
    const raw = form[`${type}_duration`];
    const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
    const minutes = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
    if (!(minutes >= DURATION_RANGE.min && minutes <= DURATION_RANGE.max)) {
      throw new InputError('visit type duration refused', 'visit_type_duration_invalid', 400, { ...DURATION_RANGE });
    }
    return { type, durationMinutes: minutes, enabled: ticked(form[`${type}_enabled`]), twoStaff: type === 'home' && ticked(form[`${type}_twoStaff`]) };
  });
}

const ticked = (v: unknown) => v === 'on' || v === true || v === 'true';

export function createVisitTypeAdmin(deps: { database: Database }) {
  const { db } = deps.database;

  async function municipalityOf(admin: StaffPrincipal, municipalityId: string) {
    const m = await findMunicipalityInScope(db, municipalityId, admin.municipalityIds);
    if (!m) throw new NotFoundError('municipality');
    return m;
  }

  async function load(admin: StaffPrincipal, municipalityId: string): Promise<{ municipality: { id: string; name: string }; types: VisitTypeConfig[]; calendarFirstName: boolean }> {
    const municipality = await municipalityOf(admin, municipalityId);
    const [types, calendarFirstName] = await Promise.all([listVisitTypes(db, municipality.id), calendarShowsFirstName(db, municipality.id)]);
    return { municipality, types, calendarFirstName };
  }

  /** Scope first (404 before any input is read), then the whole form, then one statement. */
  async function save(admin: StaffPrincipal, municipalityId: string, form: VisitTypesForm) {
    const municipality = await municipalityOf(admin, municipalityId);
    const list = parseVisitTypes(form);
    const calendarFirstName = ticked(form.calendar_first_name);
    await db.transaction(async (tx) => {
      await upsertVisitTypes(tx, municipality.id, list);
      await setCalendarShowsFirstName(tx, municipality.id, calendarFirstName);
    });
    return { types: list, calendarFirstName };
  }

  return { load, save };
}
export type VisitTypeAdmin = ReturnType<typeof createVisitTypeAdmin>;
