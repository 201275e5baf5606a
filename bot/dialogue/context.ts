import { isOpen, nextOpening } from '../../core/office-hours.js';
import type { ContactRow } from '../../db/queries/contacts.js';
import type { DialogueFacts } from '../../db/queries/dialogue-context.js';
import { isLanguage, type TextKey } from '../../templates/texts/index.js';
import type { MenuOption } from '../../core/channel.js';
import type { BookingFacts, DialogueContext, HeldData } from './types.js';
import { asDialogueState } from './states.js';

/** How long an automatic notice holds before another may be sent. */
const NOTICE_GAP_MS = 12 * 3600_000;

export interface LoadedContext {
  ctx: DialogueContext;
  municipalityId: string | null;
  monitoringKey: string | null;
  /** The contact's conversation if it exists already (not locked: touching it takes the row lock), with its owner. */
  conversation: DialogueFacts['conversation'];
  /** The card's casemanager as routing weighs them (see DialogueFacts). */
  cardOwner: DialogueFacts['cardOwner'];
}

/**
 * The dialogue's view of this contact from the facts read with it
 * (contactContextStatement: one statement on the inbound path). A contact
 * without a municipality also needs the list to choose from (`choices`).
 */
export function dialogueContextFrom(
  contact: ContactRow,
  row: DialogueFacts | null,
  choices: { id: string; name: string }[],
  opts: { privacyUrl: string; now: Date; held?: HeldData | null; booking?: BookingFacts | null; lastMenu?: MenuOption[] | null },
): LoadedContext {
  const language = isLanguage(contact.language) ? contact.language : 'nl';
  const linked = Boolean(row?.municipalityId);
  const hours = row?.officeHours ?? null;
  const coachAway = awayAt(row?.coachAbsentUntil ?? null, opts.now);
  const delegateAway = awayAt(row?.delegateAbsentUntil ?? null, opts.now);
  // One stored moment throttles both automatic notices (see noticeDue below).
  const noticeDue = !contact.lastOfficeNoticeAt || opts.now.getTime() - contact.lastOfficeNoticeAt.getTime() > NOTICE_GAP_MS;
  return {
    municipalityId: row?.municipalityId ?? null,
    monitoringKey: row?.monitoringKey ?? null,
    conversation: row?.conversation ?? null,
    cardOwner: row?.cardOwner ?? null,
    ctx: {
      state: asDialogueState(contact.dialogueState),
      language,
      linked,
      personOptedOut: row?.personOptedOut === true,
      youngsterFirstName: row?.youngsterFirstName ?? null,
      coachFirstName: row?.coachFirstName ?? null,
      municipalityName: row?.municipalityName ?? null,
      municipalities: linked ? [] : choices,
      // Without configured hours we do not promise a time: treat as open.
      officeOpen: hours ? isOpen(hours, opts.now) : true,
      nextOpening: hours ? nextOpening(hours, opts.now) : null,
      officeNoticeDue: noticeDue,
      coachAbsence:
        row?.coachFirstName && coachAway
          ? { until: coachAway, delegateFirstName: row.delegateFirstName && !delegateAway ? row.delegateFirstName : null }
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
      held: opts.held ?? null,
      booking: opts.booking ?? null,
      lastMenu: opts.lastMenu ?? null,
      overrides: (row?.textOverrides?.[language] ?? {}) as Partial<Record<TextKey, string>>,
    },
  };
}

/** The end of an absence that is still running at `now`, else null. */
function awayAt(until: Date | null, now: Date): Date | null {
  return until !== null && until.getTime() > now.getTime() ? until : null;
}
