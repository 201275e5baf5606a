import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { recordEvent } from './events.js';

/**
 * A confirmed opt-out is information, not work: the conversation is closed (so
 * it is no longer unanswered in "Niet toegewezen" or "Heel het team") and stays
 * with the person who should know - its owner, or else the casemanager on the
 * card (the one who might otherwise still plan a home visit). Runs in the
 * dialogue's transaction; returns the municipality for the live signal.
 */
export async function closeOptedOutConversation(
  tx: DbOrTx,
  c: { conversationId: string; cardId: string | null; youngsterId: string | null },
): Promise<{ municipalityId: string | null } | null> {
  const rows = await tx.execute<{
    municipality_id: string | null;
    old_status: string;
    old_assignee: string | null;
    new_assignee: string | null;
  }>(sql`
    with before as (
      select id, municipality_id, status, assigned_to from conversations where id = ${c.conversationId} for update
    ), card_coach as (
      select k.casemanager_id from cards k join staff_users s on s.id = k.casemanager_id and s.active
      where (${c.cardId}::uuid is not null and k.id = ${c.cardId}::uuid)
         or (${c.youngsterId}::uuid is not null and k.youngster_id = ${c.youngsterId}::uuid)
      order by (k.id = ${c.cardId}::uuid) desc nulls last, k.created_at desc
      limit 1
    ), owner as (
      select coalesce(
        (select b.assigned_to from before b join staff_users s on s.id = b.assigned_to and s.active),
        (select casemanager_id from card_coach),
        (select assigned_to from before)) as id
    ), updated as (
      update conversations set status = 'closed', escalated_at = null, assigned_to = (select id from owner)
      where id = ${c.conversationId}
      returning municipality_id, assigned_to
    )
    select u.municipality_id, b.status as old_status, b.assigned_to as old_assignee, u.assigned_to as new_assignee
    from updated u, before b`);
  const r = rows[0];
  if (!r) return null;
  const base = { municipalityId: r.municipality_id, conversationId: c.conversationId };
  if (r.old_status !== 'closed') {
    await recordEvent(tx, { ...base, type: 'conversation.status_changed', data: { from: r.old_status, to: 'closed', reason: 'opted_out' } });
  }
  if (r.old_assignee !== r.new_assignee) {
    await recordEvent(tx, { ...base, type: 'conversation.assigned', data: { from: r.old_assignee, to: r.new_assignee, reason: 'opted_out' } });
  }
  return { municipalityId: r.municipality_id };
}

export interface RecentOptOut {
  conversationId: string;
  youngsterName: string | null;
  municipalityName: string;
  optedOutAt: Date;
}

/**
 * Opt-outs in the conversations a staff member holds, newest first: shown to
 * them as a notice (not as work) so nobody still plans a visit or a card.
 */
export async function listRecentOptOuts(
  db: DbOrTx,
  q: { municipalityIds: string[]; staffId: string; since: Date; limit?: number },
): Promise<RecentOptOut[]> {
  if (q.municipalityIds.length === 0) return [];
  const rows = await db.execute<{
    conversation_id: string;
    youngster_name: string | null;
    municipality_name: string;
    opted_out_at: Date | string;
  }>(sql`
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
    optedOutAt: r.opted_out_at instanceof Date ? r.opted_out_at : new Date(r.opted_out_at),
  }));
}
