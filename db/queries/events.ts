import type { DbOrTx } from '../client.js';
import { events, type EventType } from '../schema/index.js';

export interface EventInput {
  type: EventType;
  municipalityId?: string | null;
  subject?: string | null;
  conversationId?: string | null;
  actorStaffId?: string | null;
  /** Categories and ids only - never text, names or messenger ids. */
  data?: Record<string, string | number | boolean | null>;
}

export async function recordEvent(db: DbOrTx, e: EventInput): Promise<void> {
  await db.insert(events).values({
    type: e.type,
    municipalityId: e.municipalityId ?? null,
    subject: e.subject ?? null,
    conversationId: e.conversationId ?? null,
    actorStaffId: e.actorStaffId ?? null,
    data: e.data ?? {},
  });
}
