import { is, SQL, sql } from 'drizzle-orm';
import type { DbOrTx, Executor } from '../client.js';
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

export interface AnonymousEvent {
  type: EventType;
  municipalityId: string | null;
  subject: string | null;
  actorStaffId?: string | null;
  data: Record<string, string | number | boolean | null>;
}

/**
 * Many anonymous events in few statements (one per person on a list). Raw SQL over
 * jsonb_to_recordset, a thousand per statement with one parameter: building a
 * thousand-row VALUES costs more than storing it (bench/: the list import).
 */
export async function recordEvents(tx: DbOrTx, rows: readonly AnonymousEvent[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    const part = rows.slice(i, i + 1000).map((e) => ({ ...e, actorStaffId: e.actorStaffId ?? null }));
    await tx.execute(sql`
      insert into events (type, municipality_id, subject, actor_staff_id, data)
      select v."type", v."municipalityId", v."subject", v."actorStaffId", v."data"
      from jsonb_to_recordset(${JSON.stringify(part)}::jsonb) as v("type" text, "municipalityId" uuid, "subject" uuid, "actorStaffId" uuid, "data" jsonb)`);
  }
}
