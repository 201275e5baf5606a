import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { ChannelName } from '../../core/channel.js';
import type { DbOrTx, Tx } from '../client.js';
import { channelContacts } from '../schema/index.js';

/**
 * Contacts: one per messenger identity (a browser on a card, a Telegram chat,
 * a WhatsApp JID). A contact row is locked while its message is handled
 * (contactContextStatement in dialogue-context.ts), so two messages of one
 * person are handled one after the other (no double greeting, no two
 * conversations). Their conversation is conversations.ts.
 */
export type ContactRow = typeof channelContacts.$inferSelect;

/**
 * A contact seen for the first time (the inbound path found none with
 * contactContextStatement, dialogue-context.ts, and reads it again after this).
 * A concurrent first message of the same person inserts nothing.
 */
/** `dialogueState` 'restart_offered' for a messenger account that opted out before (db/queries/suppression.ts). */
export async function createContact(tx: Tx, channel: ChannelName, externalId: string, altId: string | null, dialogueState = 'new'): Promise<void> {
  await tx.insert(channelContacts).values({ channel, externalId, externalAltId: altId, dialogueState }).onConflictDoNothing();
}

/** WhatsApp told the other form of a known contact's id (phone vs LID): either form finds them from now on. */
export async function rememberAltId(tx: Tx, contactId: string, altId: string): Promise<void> {
  await tx.update(channelContacts).set({ externalAltId: altId }).where(eq(channelContacts.id, contactId));
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

/**
 * Where a contact's dialogue stands, moved by something outside their own turn (a coach
 * proposing a moment: a typed "1" on WhatsApp then answers that menu). Only from the states
 * listed in `from`, so a contact who is confirming an opt-out or who opted out stays there.
 */
export async function setDialogueStep(tx: DbOrTx, contactId: string, step: string, from: readonly string[]): Promise<boolean> {
  const rows = await tx
    .update(channelContacts)
    .set({ dialogueState: step })
    .where(and(eq(channelContacts.id, contactId), inArray(channelContacts.dialogueState, [...from]), isNull(channelContacts.optedOutAt)))
    .returning({ id: channelContacts.id });
  return rows.length > 0;
}
