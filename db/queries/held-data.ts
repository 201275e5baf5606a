import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../client.js';

/** A row of heldData's statement. */
export const heldRow = z.object({
  list_data: z.boolean(),
  messages: z.boolean(),
  notes: z.boolean(),
  attempts: z.boolean(),
  consents: z.array(
    z.object({ id: z.uuid(), kind: z.enum(['cooperation', 'partner']), partnerName: z.string().nullable(), category: z.enum(['that', 'what']).nullable() }),
  ),
});

/**
 * What is held about a contact, by category - for "wat weten jullie van mij?"
 * in the chat (bot/dialogue/privacy-dialogue.ts), which says the categories and
 * never the values. Read only when asked, not on every message.
 */
export async function heldData(db: DbOrTx, contact: { id: string; youngsterId: string | null }) {
  const y = contact.youngsterId;
  const [raw] = await db.execute(sql`
    with conv as (
      select id from conversations where (${y}::uuid is not null and youngster_id = ${y}::uuid) or contact_id = ${contact.id}::uuid
    )
    select
      exists (select 1 from youngsters where id = ${y}::uuid) as list_data,
      exists (select 1 from messages where conversation_id in (select id from conv) and kind <> 'bot') as messages,
      exists (select 1 from conversation_notes where conversation_id in (select id from conv)) as notes,
      exists (select 1 from contact_attempts where youngster_id = ${y}::uuid) as attempts,
      coalesce((
        select json_agg(json_build_object('id', c.id, 'kind', c.kind, 'partnerName', p.name, 'category', c.category) order by c.given_at)
        from consents c left join partners p on p.id = c.partner_id
        where c.youngster_id = ${y}::uuid and c.withdrawn_at is null
      ), '[]'::json) as consents`);
  const r = heldRow.parse(raw);
  return { listData: r.list_data, messages: r.messages, notes: r.notes, contactAttempts: r.attempts, consents: r.consents };
}

/** The youngster withdrew one of their consents in the chat (only one of theirs still in force). */
export async function withdrawConsentInChat(tx: DbOrTx, youngsterId: string, consentId: string, at: Date) {
  const raw = await tx.execute(sql`
    update consents set withdrawn_at = ${at.toISOString()}::timestamptz, withdrawn_via = 'chat'
    where id = ${consentId}::uuid and youngster_id = ${youngsterId}::uuid and withdrawn_at is null
    returning id, kind, category`);
  return z.array(z.object({ id: z.uuid(), kind: z.enum(['cooperation', 'partner']), category: z.enum(['that', 'what']).nullable() })).parse(raw)[0] ?? null;
}
