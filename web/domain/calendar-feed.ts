import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { sha256 } from '../../core/hash.js';
import { newSecret } from '../../core/tokens.js';
import type { Database } from '../../db/client.js';
import { hasCalendarFeed, setCalendarFeedTokenHash, staffOfCalendarFeed } from '../../db/queries/calendar-feed.js';
import { feedVisitsOf } from '../../db/queries/visits.js';
import { isStaffLanguage, staffTexts } from '../../templates/staff/index.js';

/** How far back a feed still lists visits (calendar apps keep what they once read anyway). */
const PAST_DAYS = 30;
/** The token in the URL: 32 random bytes, base64url. Anything else is not even looked up. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * A casemanager's private iCalendar feed (Outlook, Google Calendar subscribe to it). The URL's
 * token is the only key, so only its sha256 is stored and the URL is shown once; a new one
 * revokes the old. These feeds end up in cloud calendars: an event says the visit type and
 * the reference ("Huisbezoek V-7K3M9Q"), and the youngster's first name only where the
 * municipality allows it - never a surname, address or place (not even read from the database).
 */
export function createCalendarFeed(deps: { database: Database; now?: () => Date }) {
  const { db } = deps.database;

  /** A new secret URL token (revoking any earlier one); the caller shows it once. */
  async function create(staffId: string): Promise<string> {
    const token = newSecret(32);
    await setCalendarFeedTokenHash(db, staffId, sha256(token));
    return token;
  }

  async function revoke(staffId: string): Promise<void> {
    await setCalendarFeedTokenHash(db, staffId, null);
  }

  /** The feed's text, or null for an unknown, revoked or malformed token (the route answers 404). */
  async function render(token: string): Promise<string | null> {
    if (!TOKEN_SHAPE.test(token)) return null;
    const staff = await staffOfCalendarFeed(db, sha256(token));
    if (!staff) return null;
    const ui = staffTexts(isStaffLanguage(staff.uiLanguage) ? staff.uiLanguage : 'nl');
    const now = deps.now?.() ?? new Date();
    const visits = await feedVisitsOf(db, staff.id, new Date(now.getTime() - PAST_DAYS * 86_400_000));
    const cal = ical({ name: ui.t('feed.name'), prodId: { company: 'Lijntje', product: 'Lijntje', language: ui.lang.toUpperCase() }, method: ICalCalendarMethod.PUBLISH, ttl: 15 * 60 });
    for (const v of visits) {
      const title = `${ui.t(`calendar.type.${v.type}`)} ${v.reference}`;
      cal.createEvent({
        id: `${v.id}@lijntje`,
        // UTC times: every calendar app shows them in its own zone.
        start: v.startsAt,
        end: v.endsAt,
        stamp: now,
        summary: v.firstName ? `${title} · ${v.firstName}` : title,
        status: ICalEventStatus.CONFIRMED,
      });
    }
    return cal.toString();
  }

  return { create, revoke, render, exists: (staffId: string) => hasCalendarFeed(db, staffId) };
}
export type CalendarFeed = ReturnType<typeof createCalendarFeed>;
