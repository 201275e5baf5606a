import { asc, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { OfficeHours } from '../../core/office-hours.js';
import type { DbOrTx, Tx } from '../client.js';
import { municipalities, type TextOverrides } from '../schema/index.js';

/** The jsonb columns as stored (the schema's `$type`s, checked on real rows by the row-type test). */
const officeHours = z.partialRecord(z.enum(['1', '2', '3', '4', '5', '6', '7']), z.array(z.tuple([z.string(), z.string()])));
const textOverrides = z.partialRecord(z.enum(['nl', 'en']), z.record(z.string(), z.string()));
/** A timestamptz as raw results carry it: text that `new Date` reads ("2026-12-02 17:38:47.79+00"). */
const timestampText = z.string().refine((s) => !Number.isNaN(new Date(s).getTime()), 'not a timestamp');

/**
 * One row of the statement below, as PostgreSQL returns it through drizzle's
 * raw `execute`: timestamps arrive as strings there (db/client.ts), so they are
 * typed as strings and turned into Dates once, in loadDialogueFacts. Parsed
 * against seeded rows in test/integration/raw-rows.test.ts, never at runtime.
 */
export const dialogueContextRow = z.strictObject({
  youngster_first_name: z.string().nullable(),
  monitoring_key: z.uuid().nullable(),
  municipality_id: z.uuid().nullable(),
  municipality_name: z.string().nullable(),
  text_overrides: textOverrides.nullable(),
  office_hours: officeHours.nullable(),
  coach: z.string().nullable(),
  coach_absent_until: timestampText.nullable(),
  delegate: z.string().nullable(),
  delegate_absent_until: timestampText.nullable(),
  conversation_id: z.uuid().nullable(),
  conversation_municipality_id: z.uuid().nullable(),
  person_opted_out: z.boolean(),
});
type DialogueContextRow = z.infer<typeof dialogueContextRow>;

/** What the dialogue needs to know about a contact besides the contact row itself. */
export interface DialogueFacts {
  youngsterFirstName: string | null;
  monitoringKey: string | null;
  /** The youngster's municipality, else the one the contact named; null while unknown. */
  municipalityId: string | null;
  municipalityName: string | null;
  textOverrides: TextOverrides | null;
  /** Of the team serving the municipality. */
  officeHours: OfficeHours | null;
  /** The coach the youngster is shown: the one they talk with, else the one on their card. */
  coachFirstName: string | null;
  coachAbsentUntil: Date | null;
  /** The coach's delegate, only when active and of the same team. */
  delegateFirstName: string | null;
  delegateAbsentUntil: Date | null;
  /** The contact's conversation if it exists already (not locked: touching it takes the row lock). */
  conversation: { id: string; municipalityId: string | null } | null;
  /** Another contact of the same person (browser, messenger) opted out. */
  personOptedOut: boolean;
}

/**
 * Everything in one statement. Raw SQL: this runs for every message a
 * youngster sends, and the query builder would cost more CPU than the
 * statement. Exported unexecuted for the row-type test.
 */
export function dialogueContextStatement(contactId: string): SQL {
  return sql`
    select y.first_name as youngster_first_name, y.monitoring_key,
           m.id as municipality_id, m.name as municipality_name, m.text_overrides, t.office_hours,
           coach.first_name as coach, coach.absent_until as coach_absent_until,
           delegate.first_name as delegate, delegate.absent_until as delegate_absent_until,
           conv.id as conversation_id, conv.municipality_id as conversation_municipality_id,
           exists (select 1 from channel_contacts oc
                   where oc.youngster_id = c.youngster_id and oc.opted_out_at is not null) as person_opted_out
    from channel_contacts c
    left join youngsters y on y.id = c.youngster_id
    left join municipalities m on m.id = coalesce(y.municipality_id, c.municipality_id)
    left join team_municipalities tm on tm.municipality_id = m.id
    left join teams t on t.id = tm.team_id
    left join cards k on k.id = c.card_id
    left join staff_users card_coach on card_coach.id = k.casemanager_id and card_coach.active
    left join conversations conv on (c.youngster_id is not null and conv.youngster_id = c.youngster_id)
                                  or (c.youngster_id is null and conv.contact_id = c.id)
    left join staff_users assignee on assignee.id = conv.assigned_to and assignee.active
    left join staff_users coach on coach.id = coalesce(assignee.id, card_coach.id)
    -- Routing only hands over to an active delegate of the same team; the text names no one else.
    left join staff_users delegate on delegate.id = coach.absence_delegate_id and delegate.active
                                  and delegate.team_id = coach.team_id
    where c.id = ${contactId}
    limit 1`;
}

/** What the dialogue needs about a contact, in the handling transaction; null when the contact does not exist. */
export async function loadDialogueFacts(tx: Tx, contactId: string): Promise<DialogueFacts | null> {
  const [row] = await tx.execute<DialogueContextRow>(dialogueContextStatement(contactId));
  if (!row) return null;
  return {
    youngsterFirstName: row.youngster_first_name,
    monitoringKey: row.monitoring_key,
    municipalityId: row.municipality_id,
    municipalityName: row.municipality_name,
    textOverrides: row.text_overrides,
    officeHours: row.office_hours,
    coachFirstName: row.coach,
    coachAbsentUntil: row.coach_absent_until === null ? null : new Date(row.coach_absent_until),
    delegateFirstName: row.delegate,
    delegateAbsentUntil: row.delegate_absent_until === null ? null : new Date(row.delegate_absent_until),
    conversation: row.conversation_id ? { id: row.conversation_id, municipalityId: row.conversation_municipality_id } : null,
    personOptedOut: row.person_opted_out,
  };
}

/** The municipalities someone without a card chooses from, by name. */
export async function listMunicipalityChoices(db: DbOrTx): Promise<{ id: string; name: string }[]> {
  return db.select({ id: municipalities.id, name: municipalities.name }).from(municipalities).orderBy(asc(municipalities.name));
}
