import { eq, sql } from 'drizzle-orm';
import type { DbOrTx, Executor } from '../client.js';
import { channelContacts } from '../schema/index.js';

/** What the bot's dialogue changes about a contact while it handles their message (in its transaction). */

/**
 * Where the dialogue stands for this contact, its language, the municipality
 * they named, and - when an automatic notice (office hours, absence) went
 * out - when, so it is not repeated for every message. Raw SQL: the hot path.
 */
export async function saveDialogueState(
  tx: Executor,
  contactId: string,
  s: { state: string; language: string; municipalityId: string | null; noticeSentAt: Date | null },
): Promise<void> {
  await tx.execute(sql`
    update channel_contacts set dialogue_state = ${s.state}, language = ${s.language},
      municipality_id = coalesce(${s.municipalityId}::uuid, municipality_id),
      last_office_notice_at = coalesce(${s.noticeSentAt?.toISOString() ?? null}::timestamptz, last_office_notice_at)
    where id = ${contactId}`);
}

/** A scanned card links the contact to its youngster (the caller keeps an existing link: a shared phone must not mix people). */
export async function linkContactToCard(
  tx: DbOrTx,
  contactId: string,
  card: { youngsterId: string; municipalityId: string; cardId: string },
): Promise<typeof channelContacts.$inferSelect> {
  const [updated] = await tx
    .update(channelContacts)
    .set({ youngsterId: card.youngsterId, municipalityId: card.municipalityId, cardId: card.cardId })
    .where(eq(channelContacts.id, contactId))
    .returning();
  if (!updated) throw new Error('contact vanished while linking its card');
  return updated;
}
