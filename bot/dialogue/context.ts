import { asc, sql } from 'drizzle-orm';
import { isOpen, nextOpening, type OfficeHours } from '../../core/office-hours.js';
import type { Tx } from '../../db/client.js';
import { municipalities, type TextOverrides } from '../../db/schema/index.js';
import { isLanguage, type TextKey } from '../../templates/texts/index.js';
import type { ContactRow } from '../contact-store.js';
import type { DialogueContext } from './types.js';
import { asDialogueState } from './states.js';

/** How long an automatic notice holds before another may be sent. */
const NOTICE_GAP_MS = 12 * 3600_000;

export interface LoadedContext {
  ctx: DialogueContext;
  municipalityId: string | null;
  monitoringKey: string | null;
  /** The contact's conversation if it exists already (not locked: touching it takes the row lock). */
  conversation: { id: string; municipalityId: string | null } | null;
}

/** Gathers what the dialogue needs to know about this contact, in the handling transaction. */
export async function loadDialogueContext(tx: Tx, contact: ContactRow, opts: { privacyUrl: string; now: Date }): Promise<LoadedContext> {
  const rows = await tx.execute<{
    youngster_first_name: string | null;
    monitoring_key: string | null;
    municipality_id: string | null;
    municipality_name: string | null;
    text_overrides: TextOverrides | null;
    office_hours: OfficeHours | null;
    coach: string | null;
    coach_absent_until: Date | string | null;
    delegate: string | null;
    delegate_absent_until: Date | string | null;
    conversation_id: string | null;
    conversation_municipality_id: string | null;
    person_opted_out: boolean;
  }>(sql`
    select y.first_name as youngster_first_name, y.monitoring_key,
           m.id as municipality_id, m.name as municipality_name, m.text_overrides, t.office_hours,
           coach.first_name as coach, coach.absent_until as coach_absent_until,
           delegate.first_name as delegate, delegate.absent_until as delegate_absent_until,
           conv.id as conversation_id, conv.municipality_id as conversation_municipality_id,
           -- Another contact of the same person (browser, messenger) opted out.
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
    -- The coach the youngster is shown: the one they talk with, else the one on their card.
    left join staff_users coach on coach.id = coalesce(assignee.id, card_coach.id)
    -- Routing only hands over to an active delegate of the same team; the text names no one else.
    left join staff_users delegate on delegate.id = coach.absence_delegate_id and delegate.active
                                  and delegate.team_id = coach.team_id
    where c.id = ${contact.id}
    limit 1`);
  const row = rows[0];
  const language = isLanguage(contact.language) ? contact.language : 'nl';
  const linked = Boolean(row?.municipality_id);
  const hours = row?.office_hours ?? null;
  const coachAway = awayAt(row?.coach_absent_until ?? null, opts.now);
  const delegateAway = awayAt(row?.delegate_absent_until ?? null, opts.now);
  // One stored moment throttles both automatic notices (see noticeDue below).
  const noticeDue = !contact.lastOfficeNoticeAt || opts.now.getTime() - contact.lastOfficeNoticeAt.getTime() > NOTICE_GAP_MS;
  const list = linked
    ? []
    : await tx.select({ id: municipalities.id, name: municipalities.name }).from(municipalities).orderBy(asc(municipalities.name));
  return {
    municipalityId: row?.municipality_id ?? null,
    monitoringKey: row?.monitoring_key ?? null,
    conversation: row?.conversation_id ? { id: row.conversation_id, municipalityId: row.conversation_municipality_id } : null,
    ctx: {
      state: asDialogueState(contact.dialogueState),
      language,
      linked,
      personOptedOut: row?.person_opted_out === true,
      youngsterFirstName: row?.youngster_first_name ?? null,
      coachFirstName: row?.coach ?? null,
      municipalityName: row?.municipality_name ?? null,
      municipalities: list,
      // Without configured hours we do not promise a time: treat as open.
      officeOpen: hours ? isOpen(hours, opts.now) : true,
      nextOpening: hours ? nextOpening(hours, opts.now) : null,
      officeNoticeDue: noticeDue,
      coachAbsence:
        row?.coach && coachAway
          ? { until: coachAway, delegateFirstName: row.delegate && !delegateAway ? row.delegate : null }
          : null,
      /*
       * channel_contacts.last_office_notice_at doubles as "last automatic notice" for the
       * absence notice too: at most one "away" notice per 12 hours per contact, without a
       * column of its own. The price: within 12 hours after one notice, the other is not
       * sent either (both go out together when both are due). A dedicated
       * last_absence_notice_at column would separate them.
       */
      absenceNoticeDue: noticeDue,
      privacyUrl: opts.privacyUrl,
      overrides: (row?.text_overrides?.[language] ?? {}) as Partial<Record<TextKey, string>>,
    },
  };
}

/** The end of an absence that is still running at `now`, else null. */
function awayAt(until: Date | string | null, now: Date): Date | null {
  if (until === null) return null;
  const end = until instanceof Date ? until : new Date(until);
  return end.getTime() > now.getTime() ? end : null;
}
