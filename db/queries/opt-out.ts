import { eq, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../client.js';
import { timestampText } from '../raw-row.js';
import { channelContacts } from '../schema/index.js';

/**
 * A confirmed opt-out stops all contact at once: every channel of this
 * youngster (or just this contact, without a card) is marked opted out - set
 * once, never cleared. Returns the contacts stopped; the caller cancels what
 * waits for them (messages.ts cancelWaitingFor) and closes the conversation
 * (conversations.ts closeOptedOutConversation), in the same transaction.
 */
export async function stopContacts(tx: DbOrTx, contact: { id: string; youngsterId: string | null }): Promise<string[]> {
  const whose = contact.youngsterId ? eq(channelContacts.youngsterId, contact.youngsterId) : eq(channelContacts.id, contact.id);
  const stopped = await tx
    .update(channelContacts)
    .set({ optedOutAt: sql`coalesce(${channelContacts.optedOutAt}, now())`, dialogueState: 'opted_out' })
    .where(or(whose, eq(channelContacts.id, contact.id)))
    .returning({ id: channelContacts.id });
  return stopped.map((s) => s.id);
}

export interface RecentOptOut {
  conversationId: string;
  youngsterName: string | null;
  municipalityName: string;
  optedOutAt: Date;
}

/** A row of listRecentOptOuts' statement (the moment as text: db/client.ts). */
export const optOutRow = z.strictObject({
  conversation_id: z.uuid(),
  youngster_name: z.string().nullable(),
  municipality_name: z.string(),
  opted_out_at: timestampText,
});
type OptOutRow = z.infer<typeof optOutRow>;

/**
 * Opt-outs in the conversations a staff member holds, newest first: shown to
 * them as a notice (not as work) so nobody still plans a visit or a card.
 */
export async function listRecentOptOuts(
  db: DbOrTx,
  q: { municipalityIds: string[]; staffId: string; since: Date; limit?: number },
): Promise<RecentOptOut[]> {
  if (q.municipalityIds.length === 0) return [];
  const rows = await db.execute<OptOutRow>(sql`
    select conv.id as conversation_id, m.name as municipality_name,
           nullif(concat_ws(' ', y.first_name, y.name_prefix, y.last_name), '') as youngster_name, o.at as opted_out_at
    from conversations conv
    join municipalities m on m.id = conv.municipality_id
    left join youngsters y on y.id = conv.youngster_id
    cross join lateral (
      select max(c.opted_out_at) as at from channel_contacts c
      where (conv.youngster_id is not null and c.youngster_id = conv.youngster_id) or c.id = conv.contact_id
    ) o
    where conv.assigned_to = ${q.staffId}
      and conv.municipality_id = any(${sql.param(q.municipalityIds)}::uuid[])
      and o.at >= ${q.since.toISOString()}::timestamptz
    order by o.at desc
    limit ${q.limit ?? 20}`);
  return rows.map((r) => ({
    conversationId: r.conversation_id,
    youngsterName: r.youngster_name,
    municipalityName: r.municipality_name,
    optedOutAt: new Date(r.opted_out_at),
  }));
}
