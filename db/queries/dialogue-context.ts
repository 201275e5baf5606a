import { asc, getTableColumns, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { OfficeHours } from '../../core/office-hours.js';
import type { RoutingCandidate } from '../../core/routing.js';
import type { ChannelName } from '../../core/channel.js';
import { rawRows, type DbOrTx, type Executor } from '../client.js';
import { timestampText } from '../raw-row.js';
import { selectList } from '../select-list.js';
import type { ContactRow } from './contacts.js';
import { channelContacts, municipalities, type TextOverrides } from '../schema/index.js';

// The contact's full row (as the builder returns it) travels with the context: one statement, not two.
const CONTACT = selectList(channelContacts, 'c');
const CONTACT_COLUMNS = CONTACT.columns;
const CONTACT_KEYS = Object.keys(getTableColumns(channelContacts));

/** The jsonb columns as stored (the schema's `$type`s, checked on real rows by the row-type test). */
const officeHours = z.partialRecord(z.enum(['1', '2', '3', '4', '5', '6', '7']), z.array(z.tuple([z.string(), z.string()])));
const textOverrides = z.partialRecord(z.enum(['nl', 'en']), z.record(z.string(), z.string()));

/**
 * One row of the statement below, as PostgreSQL returns it through drizzle's
 * raw `execute`: timestamps arrive as strings there (db/client.ts), so they are
 * typed as strings and turned into Dates once, in loadDialogueFacts. Parsed
 * against seeded rows in test/integration/row-types.test.ts, never at runtime.
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
  conversation_assignee: z.uuid().nullable(),
  assignee_id: z.uuid().nullable(),
  assignee_role: z.enum(['casemanager', 'coordinator']).nullable(),
  assignee_absent_until: timestampText.nullable(),
  card_owner_id: z.uuid().nullable(),
  card_owner_role: z.enum(['casemanager', 'coordinator']).nullable(),
  card_owner_absent_until: timestampText.nullable(),
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
  /**
   * The contact's conversation if it exists already (not locked: touching it takes the row lock),
   * with its owner as a routing candidate when that owner is an active member of the team serving
   * the municipality (anyone else cannot keep it: routing proper decides then).
   */
  conversation: { id: string; municipalityId: string | null; assignedTo: string | null; owner: RoutingCandidate | null } | null;
  /** The card's casemanager as a routing candidate, when an active member of the serving team. */
  cardOwner: RoutingCandidate | null;
  /** Another contact of the same person (browser, messenger) opted out. */
  personOptedOut: boolean;
}

/** The context's columns and joins, read from a contact `c`. */
const CONTEXT_COLUMNS = sql`y.first_name as youngster_first_name, y.monitoring_key,
           m.id as municipality_id, m.name as municipality_name, m.text_overrides, t.office_hours,
           coach.first_name as coach, coach.absent_until as coach_absent_until,
           delegate.first_name as delegate, delegate.absent_until as delegate_absent_until,
           conv.id as conversation_id, conv.municipality_id as conversation_municipality_id,
           conv.assigned_to as conversation_assignee,
           owner.id as assignee_id, owner.role as assignee_role, owner.absent_until as assignee_absent_until,
           card_owner.id as card_owner_id, card_owner.role as card_owner_role, card_owner.absent_until as card_owner_absent_until,
           exists (select 1 from channel_contacts oc
                   where oc.youngster_id = c.youngster_id and oc.opted_out_at is not null) as person_opted_out`;
const CONTEXT_JOINS = sql`from channel_contacts c
    left join youngsters y on y.id = c.youngster_id
    left join municipalities m on m.id = coalesce(y.municipality_id, c.municipality_id)
    left join team_municipalities tm on tm.municipality_id = m.id
    left join teams t on t.id = tm.team_id
    left join cards k on k.id = c.card_id
    left join staff_users card_coach on card_coach.id = k.casemanager_id and card_coach.active
    left join conversations conv on (c.youngster_id is not null and conv.youngster_id = c.youngster_id)
                                  or (c.youngster_id is null and conv.contact_id = c.id)
    left join staff_users assignee on assignee.id = conv.assigned_to and assignee.active
    -- The owner as routing sees them (db/queries/routing.ts): active, a casemanager or coordinator of the serving team.
    left join staff_users owner on owner.id = assignee.id and owner.team_id = tm.team_id and owner.role in ('casemanager', 'coordinator')
    -- The card's casemanager as routing sees them, for a conversation nobody owns yet.
    left join staff_users card_owner on card_owner.id = card_coach.id and card_owner.team_id = tm.team_id and card_owner.role in ('casemanager', 'coordinator')
    left join staff_users coach on coach.id = coalesce(assignee.id, card_coach.id)
    -- Routing only hands over to an active delegate of the same team; the text names no one else.
    left join staff_users delegate on delegate.id = coach.absence_delegate_id and delegate.active
                                  and delegate.team_id = coach.team_id`;

/**
 * Everything in one statement. Raw SQL: this runs for every message a
 * youngster sends, and the query builder would cost more CPU than the
 * statement. Exported unexecuted for the row-type test.
 */
export function dialogueContextStatement(contactId: string): SQL {
  return sql`select ${CONTEXT_COLUMNS} ${CONTEXT_JOINS} where c.id = ${contactId} limit 1`;
}

/**
 * The inbound path's first statement: the contact (by either id form) with its
 * row locked for the transaction - two messages of one person are handled one
 * after the other -, and its dialogue context, in one go. No row: the contact
 * does not exist yet (see createContact).
 */
function contactContextStatement(channel: ChannelName, ids: readonly string[]): SQL {
  return sql`select ${CONTACT_COLUMNS}, ${CONTEXT_COLUMNS} ${CONTEXT_JOINS}
    where c.channel = ${channel} and (c.external_id = any(${sql.param([...ids])}::text[]) or c.external_alt_id = any(${sql.param([...ids])}::text[]))
    limit 1 for update of c`;
}

/**
 * The contact (by either id form) with its row locked, as the builder would
 * return it, and the dialogue's facts; null when it does not exist yet.
 */
export async function lockContactWithContext(
  tx: Executor,
  channel: ChannelName,
  ids: readonly string[],
): Promise<{ contact: ContactRow; facts: DialogueFacts } | null> {
  const [row] = await rawRows<Record<string, unknown>>(tx, contactContextStatement(channel, ids));
  if (!row) return null;
  const contact = CONTACT.map(Object.fromEntries(CONTACT_KEYS.map((k) => [k, row[k]])));
  return { contact, facts: dialogueFactsFrom(row as DialogueContextRow) };
}

/** What the dialogue needs about a contact, in the handling transaction; null when the contact does not exist. */
export async function loadDialogueFacts(tx: Executor, contactId: string): Promise<DialogueFacts | null> {
  const [row] = await rawRows<DialogueContextRow>(tx, dialogueContextStatement(contactId));
  return row ? dialogueFactsFrom(row) : null;
}

/** A staff member as routing weighs them; the load and delegate only matter when routing proper decides. */
function candidate(id: string | null, role: 'casemanager' | 'coordinator' | null, absentUntil: string | null): RoutingCandidate | null {
  if (!id || !role) return null;
  return { id, role, available: true, absentUntil: absentUntil === null ? null : new Date(absentUntil), delegateId: null, openConversations: 0 };
}

function dialogueFactsFrom(row: DialogueContextRow): DialogueFacts {
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
    conversation: row.conversation_id
      ? {
          id: row.conversation_id,
          municipalityId: row.conversation_municipality_id,
          assignedTo: row.conversation_assignee,
          owner: candidate(row.assignee_id, row.assignee_role, row.assignee_absent_until),
        }
      : null,
    cardOwner: candidate(row.card_owner_id, row.card_owner_role, row.card_owner_absent_until),
    personOptedOut: row.person_opted_out,
  };
}

/** The municipalities someone without a card chooses from, by name. */
export async function listMunicipalityChoices(db: DbOrTx): Promise<{ id: string; name: string }[]> {
  return db.select({ id: municipalities.id, name: municipalities.name }).from(municipalities).orderBy(asc(municipalities.name));
}
