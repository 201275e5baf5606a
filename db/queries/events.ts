import type { DbOrTx } from '../client.js';
import { sql } from 'drizzle-orm';
import type { EventType } from '../schema/index.js';

export interface EventInput {
  type: EventType;
  municipalityId?: string | null;
  subject?: string | null;
  conversationId?: string | null;
  actorStaffId?: string | null;
  /** Categories and ids only - never text, names or messenger ids. */
  data?: Record<string, string | number | boolean | null>;
}

/** Raw SQL: several events are recorded for every message, and the query builder costs more than the insert. */
export async function recordEvent(db: DbOrTx, e: EventInput): Promise<void> {
  await db.execute(sql`
    insert into events (type, municipality_id, subject, conversation_id, actor_staff_id, data)
    values (${e.type}, ${e.municipalityId ?? null}, ${e.subject ?? null}, ${e.conversationId ?? null},
            ${e.actorStaffId ?? null}, ${JSON.stringify(e.data ?? {})}::jsonb)`);
}
