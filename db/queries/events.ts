import { is, SQL, sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import type { EventType } from '../schema/index.js';

type EventData = Record<string, string | number | boolean | null>;

export interface EventInput {
  type: EventType;
  municipalityId?: string | null;
  subject?: string | null;
  conversationId?: string | null;
  actorStaffId?: string | null;
  /** Categories and ids only - never text, names or messenger ids. */
  data?: EventData;
}

/**
 * An event whose fields may also be SQL expressions over the rows of `from`
 * (e.g. the rows an UPDATE just changed), for a statement that records one
 * event per changed row.
 */
export type EventColumns = { type: EventType } & {
  [K in Exclude<keyof EventInput, 'type'>]?: EventInput[K] | SQL;
};

/**
 * The one INSERT of an event row. `recordEvent` runs it on its own; a
 * statement that must stay one statement (a message and its event, a routing
 * decision) embeds it as a CTE, with `from` saying which rows it is recorded
 * for (`sql\`from moved\``: one event per changed row, none if nothing changed).
 * The casts are explicit because in INSERT ... SELECT PostgreSQL cannot take
 * the parameters' types from the target columns.
 */
export function eventInsert(e: EventInput | EventColumns, from?: SQL): SQL {
  const value = (v: unknown, type: 'uuid' | 'jsonb') =>
    is(v, SQL) ? v : type === 'jsonb' ? sql`${JSON.stringify(v ?? {})}::jsonb` : sql`${v ?? null}::uuid`;
  return sql`insert into events (type, municipality_id, subject, conversation_id, actor_staff_id, data)
    select ${e.type}::text, ${value(e.municipalityId, 'uuid')}, ${value(e.subject, 'uuid')}, ${value(e.conversationId, 'uuid')},
           ${value(e.actorStaffId, 'uuid')}, ${value(e.data, 'jsonb')} ${from ?? sql``}`;
}

/** Raw SQL: several events are recorded for every message, and the query builder costs more than the insert. */
export async function recordEvent(db: Executor, e: EventInput): Promise<void> {
  await db.execute(eventInsert(e));
}
