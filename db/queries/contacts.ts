import { and, eq, sql } from 'drizzle-orm';
import type { ChannelName } from '../../core/channel.js';
import type { DbOrTx, Tx } from '../client.js';
import { channelContacts } from '../schema/index.js';
import { selectList } from '../select-list.js';

/**
 * Contacts: one per messenger identity (a browser on a card, a Telegram chat,
 * a WhatsApp JID). A contact row is locked while its message is handled, so two
 * messages of one person are handled one after the other (no double greeting,
 * no two conversations). Their conversation is conversations.ts.
 */
export type ContactRow = typeof channelContacts.$inferSelect;
// Its rows equal the builder's (test/integration/row-types.test.ts).
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
  // Raw SQL with a column list built once: this runs for every message a youngster sends,
  // and the query builder costs more CPU than the statement.
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

/** The web-chat contact of one browser (its device id, a hash of the cookie), or null. */
export async function findWebContactByDevice(db: DbOrTx, deviceId: string) {
  const [row] = await db
    .select({
      id: channelContacts.id,
      externalId: channelContacts.externalId,
      cardId: channelContacts.cardId,
      dialogueState: channelContacts.dialogueState,
      optedOutAt: channelContacts.optedOutAt,
    })
    .from(channelContacts)
    .where(and(eq(channelContacts.channel, 'web'), eq(channelContacts.externalId, deviceId)))
    .limit(1);
  return row ?? null;
}
