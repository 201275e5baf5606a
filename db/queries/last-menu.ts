import { and, desc, eq, isNotNull } from 'drizzle-orm';
import type { MenuOption } from '../schema/index.js';
import type { DbOrTx } from '../client.js';
import { messages } from '../schema/index.js';

/**
 * The options of the last menu the bot sent this contact: on WhatsApp a typed
 * "2" means its second option (menus there are numbered text). Read only in a
 * step whose options are built per turn (booking), not on every message.
 */
export async function lastBotMenu(db: DbOrTx, contactId: string): Promise<MenuOption[] | null> {
  const [row] = await db
    .select({ menu: messages.menu })
    .from(messages)
    .where(and(eq(messages.contactId, contactId), eq(messages.direction, 'out'), eq(messages.kind, 'bot'), isNotNull(messages.menu)))
    .orderBy(desc(messages.seq))
    .limit(1);
  return row?.menu ?? null;
}
