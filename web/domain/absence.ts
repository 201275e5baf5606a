import { InputError } from '../../core/errors.js';
import { parseLocalDateTime } from '../../core/local-time.js';
import type { Database } from '../../db/client.js';
import { clearAbsence, listPossibleDelegates, setAbsence } from '../../db/queries/absence.js';
import type { StaffPrincipal } from '../../db/queries/staff.js';

/** Further ahead than this is more likely a typo in the year than a plan. */
const MAX_AHEAD_MS = 366 * 24 * 3600_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AbsenceForm {
  date?: unknown;
  time?: unknown;
  delegateId?: unknown;
}

/**
 * A staff member marks themselves away until a moment (Amsterdam time), with a
 * colleague who takes over. Routing and the youngster's automatic texts read it
 * from staff_users; nothing else needs to change when it is set or cleared.
 */
export function createAbsence(deps: { database: Database; now?: () => Date }) {
  const { db } = deps.database;

  /** Checks everything before storing anything; throws InputError with a text for the form. */
  async function set(staff: StaffPrincipal, form: AbsenceForm): Promise<{ until: Date; delegateId: string | null }> {
    const now = deps.now?.() ?? new Date();
    const until = parseLocalDateTime(form.date, form.time);
    if (!until) throw new InputError('absence end is not a date and time', 'absence_date_invalid');
    if (until.getTime() <= now.getTime()) {
      throw new InputError('absence end is in the past', 'absence_date_past');
    }
    if (until.getTime() - now.getTime() > MAX_AHEAD_MS) {
      throw new InputError('absence end is more than a year ahead', 'absence_date_too_far');
    }
    const wanted = form.delegateId === undefined || form.delegateId === '' ? null : form.delegateId;
    return db.transaction(async (tx) => {
      let delegateId: string | null = null;
      if (wanted !== null) {
        const id = typeof wanted === 'string' && UUID.test(wanted) ? wanted.toLowerCase() : null;
        // Self, another team, a deactivated account or an admin are simply not in this list.
        const match = id ? (await listPossibleDelegates(tx, staff)).find((c) => c.id === id) : undefined;
        if (!match) throw new InputError('stand-in is not an active colleague of the team', 'absence_delegate_invalid');
        delegateId = match.id;
      }
      await setAbsence(tx, staff.id, until, delegateId);
      return { until, delegateId };
    });
  }

  async function clear(staff: StaffPrincipal): Promise<void> {
    await clearAbsence(db, staff.id);
  }

  return { set, clear };
}
export type AbsenceService = ReturnType<typeof createAbsence>;
