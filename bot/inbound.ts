import { and, eq, sql } from 'drizzle-orm';
import type { Queues } from '../core/queues.js';
import type { Logger } from '../core/logger.js';
import { normaliseMessageText } from '../core/message-text.js';
import type { Database, Tx } from '../db/client.js';
import { channelContacts, conversations, messages, type Channel } from '../db/schema/index.js';
import type { CardContext } from '../db/queries/cards.js';
import { recordEvent } from '../db/queries/events.js';

export interface InboundInput {
  channel: Channel;
  /** The contact row this came from (already resolved by the channel adapter). */
  contactId: string;
  /** Platform message id or client-generated id: a repeat of it is recognised and not stored twice. */
  externalId: string | null;
  text: unknown;
}

export interface InboundResult {
  messageId: string;
  conversationId: string;
  duplicate: boolean;
}

/**
 * The one way a youngster's message enters Lijntje, whatever the channel:
 * stored first (message + conversation + anonymous event, one transaction),
 * then only its id is put on the queue. If Redis is down at that moment the
 * row stays 'received' and the sweeper enqueues it later: nothing is lost.
 */
export function createInbound(deps: { database: Database; queues: Queues; logger: Logger }) {
  const { db } = deps.database;

  async function receive(input: InboundInput): Promise<InboundResult> {
    const body = normaliseMessageText(input.text);
    const stored = await db.transaction(async (tx) => {
      if (input.externalId) {
        const dup = await tx
          .select({ id: messages.id, conversationId: messages.conversationId })
          .from(messages)
          .where(
            and(
              eq(messages.contactId, input.contactId),
              eq(messages.direction, 'in'),
              eq(messages.externalId, input.externalId),
            ),
          )
          .limit(1);
        if (dup[0]) return { messageId: dup[0].id, conversationId: dup[0].conversationId, duplicate: true };
      }
      const contact = await lockContact(tx, input.contactId);
      const conversationId = await ensureConversation(tx, contact);
      const [msg] = await tx
        .insert(messages)
        .values({
          conversationId,
          contactId: contact.id,
          channel: input.channel,
          direction: 'in',
          body,
          status: 'received',
          externalId: input.externalId,
        })
        .returning({ id: messages.id });
      if (!msg) throw new Error('insert returned no row');
      await tx
        .update(conversations)
        .set({
          lastMessageAt: sql`now()`,
          lastInboundAt: sql`now()`,
          // A youngster writing again re-opens a closed or waiting thread.
          status: 'open',
        })
        .where(eq(conversations.id, conversationId));
      await recordEvent(tx, {
        type: 'message.received',
        municipalityId: contact.municipalityId,
        subject: contact.monitoringKey,
        conversationId,
        data: { channel: input.channel },
      });
      return { messageId: msg.id, conversationId, duplicate: false };
    });

    if (!stored.duplicate) {
      try {
        await deps.queues.enqueueInbound(stored.messageId);
      } catch (err) {
        // Stored is what counts; the sweeper re-enqueues rows left in 'received'.
        deps.logger.warn({ err, messageId: stored.messageId }, 'inbound enqueue failed; sweeper will retry');
      }
    }
    return stored;
  }

  return { receive };
}
export type Inbound = ReturnType<typeof createInbound>;

interface LockedContact {
  id: string;
  youngsterId: string | null;
  municipalityId: string;
  monitoringKey: string | null;
}

async function lockContact(tx: Tx, contactId: string): Promise<LockedContact> {
  // Row lock: two first messages at once must not create two conversations.
  const rows = await tx.execute<{
    id: string;
    youngster_id: string | null;
    municipality_id: string | null;
    y_municipality_id: string | null;
    monitoring_key: string | null;
  }>(sql`
    select c.id, c.youngster_id, c.municipality_id, y.municipality_id as y_municipality_id, y.monitoring_key
    from channel_contacts c left join youngsters y on y.id = c.youngster_id
    where c.id = ${contactId}
    for update of c`);
  const row = rows[0];
  if (!row) throw new Error(`channel contact ${contactId} does not exist`);
  const municipalityId = row.y_municipality_id ?? row.municipality_id;
  if (!municipalityId) throw new Error(`channel contact ${contactId} has no municipality yet`);
  return { id: row.id, youngsterId: row.youngster_id, municipalityId, monitoringKey: row.monitoring_key };
}

async function ensureConversation(tx: Tx, c: LockedContact): Promise<string> {
  const existing = await tx
    .select({ id: conversations.id })
    .from(conversations)
    .where(c.youngsterId ? eq(conversations.youngsterId, c.youngsterId) : eq(conversations.contactId, c.id))
    .limit(1);
  if (existing[0]) return existing[0].id;
  const inserted = await tx
    .insert(conversations)
    .values(
      c.youngsterId
        ? { municipalityId: c.municipalityId, youngsterId: c.youngsterId }
        : { municipalityId: c.municipalityId, contactId: c.id },
    )
    .onConflictDoNothing()
    .returning({ id: conversations.id });
  if (inserted[0]) return inserted[0].id;
  // Another contact of the same youngster created it between our select and insert.
  const again = await tx
    .select({ id: conversations.id })
    .from(conversations)
    .where(c.youngsterId ? eq(conversations.youngsterId, c.youngsterId) : eq(conversations.contactId, c.id))
    .limit(1);
  if (!again[0]) throw new Error('conversation vanished during creation');
  return again[0].id;
}

/** Finds or creates the contact for a card scanned on a channel. */
export async function upsertCardContact(
  db: Database['db'],
  input: { channel: Channel; externalId: string; card: CardContext },
): Promise<{ id: string; optedOut: boolean }> {
  const rows = await db
    .insert(channelContacts)
    .values({
      channel: input.channel,
      externalId: input.externalId,
      youngsterId: input.card.youngsterId,
      municipalityId: input.card.municipalityId,
      cardId: input.card.cardId,
    })
    .onConflictDoUpdate({
      target: [channelContacts.channel, channelContacts.externalId],
      // Keep an existing link; fill it in for a contact that had none yet.
      set: {
        youngsterId: sql`coalesce(${channelContacts.youngsterId}, excluded.youngster_id)`,
        municipalityId: sql`coalesce(${channelContacts.municipalityId}, excluded.municipality_id)`,
        cardId: sql`coalesce(${channelContacts.cardId}, excluded.card_id)`,
      },
    })
    .returning({ id: channelContacts.id, optedOutAt: channelContacts.optedOutAt });
  const row = rows[0];
  if (!row) throw new Error('contact upsert returned no row');
  return { id: row.id, optedOut: row.optedOutAt !== null };
}
