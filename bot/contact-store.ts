import { eq, sql } from 'drizzle-orm';
import type { ChannelName } from '../core/channel.js';
import type { Tx } from '../db/client.js';
import { selectList } from '../db/select-list.js';
import { channelContacts, conversations } from '../db/schema/index.js';

/**
 * Contacts and their conversation, inside the caller's transaction. A contact
 * row is locked while its message is handled, so two messages of one person
 * are handled one after the other (no double greeting, no two conversations).
 */
export type ContactRow = typeof channelContacts.$inferSelect;
const CONTACT = selectList(channelContacts);

/**
 * Finds (by either id form) or creates the contact and locks its row for this
 * transaction. A known contact - nearly every message - costs one statement:
 * the lookup takes the lock itself.
 */
export async function lockOrCreateContact(
  tx: Tx,
  channel: ChannelName,
  externalId: string,
  altId?: string | null,
): Promise<ContactRow> {
  // Raw SQL with a column list built once: this runs for every message a youngster sends.
  const ids = altId ? [externalId, altId] : [externalId];
  const lockFound = async () => {
    const rows = await tx.execute<Record<string, unknown>>(sql`
      select ${CONTACT.columns} from channel_contacts
      where channel = ${channel} and (external_id = any(${sql.param(ids)}::text[]) or external_alt_id = any(${sql.param(ids)}::text[]))
      limit 1 for update`);
    return rows[0] ? CONTACT.map(rows[0]) : undefined;
  };
  let locked = await lockFound();
  if (!locked) {
    await tx
      .insert(channelContacts)
      .values({ channel, externalId, externalAltId: altId ?? null })
      .onConflictDoNothing();
    locked = await lockFound();
  }
  if (!locked) throw new Error('contact vanished during creation');
  if (altId && !locked.externalAltId && locked.externalId !== altId) {
    await tx.update(channelContacts).set({ externalAltId: altId }).where(eq(channelContacts.id, locked.id));
  }
  return locked;
}

/**
 * The conversation a contact's messages belong to: the youngster's one thread
 * across channels, or - for someone without a card - a thread of this contact,
 * whose municipality stays empty (invisible to all staff) until they name it.
 */
export async function ensureConversation(
  tx: Tx,
  c: { id: string; youngsterId: string | null; municipalityId: string | null },
): Promise<typeof conversations.$inferSelect> {
  const where = c.youngsterId ? eq(conversations.youngsterId, c.youngsterId) : eq(conversations.contactId, c.id);
  const [existing] = await tx.select().from(conversations).where(where).for('update').limit(1);
  if (existing) {
    if (!existing.municipalityId && c.municipalityId) {
      const [updated] = await tx
        .update(conversations)
        .set({ municipalityId: c.municipalityId })
        .where(eq(conversations.id, existing.id))
        .returning();
      return updated!;
    }
    return existing;
  }
  await tx
    .insert(conversations)
    .values(
      c.youngsterId
        ? { municipalityId: c.municipalityId, youngsterId: c.youngsterId }
        : { municipalityId: c.municipalityId, contactId: c.id },
    )
    .onConflictDoNothing();
  const [created] = await tx.select().from(conversations).where(where).for('update').limit(1);
  if (!created) throw new Error('conversation vanished during creation');
  return created;
}
