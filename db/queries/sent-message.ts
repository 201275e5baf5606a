import { and, eq } from 'drizzle-orm';
import type { ChannelName } from '../../core/channel.js';
import type { DbOrTx } from '../client.js';
import { channelContacts, messages } from '../schema/index.js';

/**
 * An outgoing message by the id the platform gave it, with what is needed to
 * render it exactly as it was sent (WhatsApp asks for it again when the
 * recipient could not decrypt it). Null when we never sent it.
 */
export async function findSentMessage(db: DbOrTx, channel: ChannelName, externalId: string) {
  const [row] = await db
    .select({ body: messages.body, menu: messages.menu, language: channelContacts.language })
    .from(messages)
    .innerJoin(channelContacts, eq(channelContacts.id, messages.contactId))
    .where(and(eq(messages.channel, channel), eq(messages.direction, 'out'), eq(messages.externalId, externalId)))
    .limit(1);
  return row ?? null;
}
