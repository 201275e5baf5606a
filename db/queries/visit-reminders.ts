import { and, asc, desc, eq, gt, lt } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { channelContacts, conversations, messages, visits } from '../schema/index.js';

/**
 * What a visit's reminder needs: the visit as it is now (a moved or cancelled visit's old reminder
 * finds another start or status and does nothing), the youngster's conversation, and the contact
 * and channel they last wrote from (where a reply would go), with its language and opt-out.
 */
export async function reminderTarget(db: DbOrTx, visitId: string) {
  const [v] = await db
    .select({ id: visits.id, status: visits.status, startsAt: visits.startsAt, type: visits.type, municipalityId: visits.municipalityId, conversationId: conversations.id })
    .from(visits)
    .leftJoin(conversations, eq(conversations.youngsterId, visits.youngsterId))
    .where(eq(visits.id, visitId));
  if (!v) return null;
  const [to] = v.conversationId
    ? await db
        .select({ contactId: messages.contactId, channel: messages.channel, language: channelContacts.language, optedOutAt: channelContacts.optedOutAt })
        .from(messages)
        .innerJoin(channelContacts, eq(channelContacts.id, messages.contactId))
        .where(and(eq(messages.conversationId, v.conversationId), eq(messages.direction, 'in')))
        .orderBy(desc(messages.seq))
        .limit(1)
    : [];
  return { visit: v, to: to?.contactId ? { ...to, contactId: to.contactId } : null };
}

/** Booked visits starting between `from` and `until` (the reminder sweep re-creates their jobs). */
export async function bookedVisitsAhead(db: DbOrTx, from: Date, until: Date, limit = 1000) {
  return db
    .select({ id: visits.id, startsAt: visits.startsAt })
    .from(visits)
    .where(and(eq(visits.status, 'booked'), gt(visits.startsAt, from), lt(visits.startsAt, until)))
    .orderBy(asc(visits.startsAt))
    .limit(limit);
}

/** A youngster's booked visits (an opt-out cancels them all, with their reminders). */
export async function bookedVisitsOf(db: DbOrTx, youngsterId: string) {
  return db
    .select({ id: visits.id, startsAt: visits.startsAt })
    .from(visits)
    .where(and(eq(visits.youngsterId, youngsterId), eq(visits.status, 'booked')));
}
