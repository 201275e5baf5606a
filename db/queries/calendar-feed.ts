import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { staffUsers } from '../schema/index.js';

/**
 * The private iCalendar feed's secret: only its sha256 is stored (staff_users.calendar_feed_token_hash),
 * like a session. Null = no feed; setting a new hash revokes the old URL at once.
 */
export async function setCalendarFeedTokenHash(db: DbOrTx, staffId: string, hash: string | null): Promise<void> {
  await db.update(staffUsers).set({ calendarFeedTokenHash: hash }).where(eq(staffUsers.id, staffId));
}

export async function hasCalendarFeed(db: DbOrTx, staffId: string): Promise<boolean> {
  const [row] = await db.select({ hash: staffUsers.calendarFeedTokenHash }).from(staffUsers).where(eq(staffUsers.id, staffId));
  return Boolean(row?.hash);
}

/** The active staff member a feed token (its hash) belongs to; null for an unknown or revoked token. */
export async function staffOfCalendarFeed(db: DbOrTx, hash: string) {
  const [row] = await db
    .select({ id: staffUsers.id, firstName: staffUsers.firstName, active: staffUsers.active, uiLanguage: staffUsers.uiLanguage })
    .from(staffUsers)
    .where(eq(staffUsers.calendarFeedTokenHash, hash));
  return row && row.active ? row : null;
}
