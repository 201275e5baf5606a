import { InputError, NotFoundError } from '../../core/errors.js';
import type { LiveBus } from '../../core/live-bus.js';
import type { Database, Tx } from '../../db/client.js';
import { recordEvent } from '../../db/queries/events.js';
import type { StaffPrincipal } from '../../db/queries/staff.js';
import { insertContactAttempt, lockConversationYoungster, updateYoungsterProfile } from '../../db/queries/youngster-records.js';
import { CONTACT_ATTEMPT_KINDS, DECLINE_REASONS, OUTCOME_CATEGORIES, PROCESS_STEPS, SUPPORT_QUESTIONS, type DeclineReason, type StaffRole } from '../../db/schema/index.js';
import { MAX_NOTE_CHARS } from './note-limit.js';
import { amsterdamToday, type AttemptKind, type OutcomeCategory, type ProcessStep, type SupportQuestion } from './youngster-panel.js';

export const MAX_ATTEMPT_MINUTES = 600;
/** Lijntje's records start with the Jongeren in Beeld approach; anything earlier is a typo. */
export const EARLIEST_DATE = '2020-01-01';
/** Casework: who may record attempts and the profile. */
export const RECORDING_ROLES: readonly StaffRole[] = ['casemanager', 'coordinator'];

/** What a form or a JSON client sends; everything is checked here, nothing is trusted. */
export interface AttemptInput {
  kind?: unknown;
  occurredOn?: unknown;
  minutes?: unknown;
  note?: unknown;
}
export interface ProfileInput {
  supportQuestion?: unknown;
  outcome?: unknown;
  outcomeOn?: unknown;
  processStep?: unknown;
  declineReason?: unknown;
  selfEmployed?: unknown;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar day between 2020 and today (Amsterdam); empty means today. `field` names it in a refusal. */
function checkDate(value: unknown, today: string, field: 'attempt' | 'outcome'): string {
  if (value === undefined || value === null || value === '') return today;
  const m = typeof value === 'string' ? ISO_DATE.exec(value.trim()) : null;
  if (!m) throw new InputError('not a date', 'date_invalid', 400, { field });
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() + 1 !== mo || check.getUTCDate() !== d) {
    throw new InputError('no such day', 'date_invalid', 400, { field });
  }
  const iso = `${m[1]}-${m[2]}-${m[3]}`;
  if (iso > today) throw new InputError('date in the future', 'date_future', 400, { field });
  if (iso < EARLIEST_DATE) throw new InputError(`date before ${EARLIEST_DATE}`, 'date_too_early', 400, { field });
  return iso;
}

function oneOf<T extends string>(values: readonly T[], value: unknown, code: string): T {
  if (typeof value === 'string' && (values as readonly string[]).includes(value)) return value as T;
  throw new InputError('not one of the listed values', code);
}

/** Empty (or null) clears a category; otherwise it must be one of the values. */
function oneOfOrEmpty<T extends string>(values: readonly T[], value: unknown, code: string): T | null {
  if (value === null || value === '') return null;
  return oneOf(values, value, code);
}

/** The zzp check: 'ja'/'nee' from the form, true/false from JSON; empty (or null) means not checked. */
function checkSelfEmployed(value: unknown): boolean | null {
  if (value === null || value === '') return null;
  if (value === true || value === 'ja') return true;
  if (value === false || value === 'nee') return false;
  throw new InputError('not yes, no or empty', 'self_employed_invalid');
}

function checkMinutes(value: unknown): number {
  if (value === undefined || value === null || value === '') return 0;
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && /^\s*\d{1,4}\s*$/.test(value)) n = Number(value);
  else n = Number.NaN;
  if (!Number.isInteger(n) || n < 0 || n > MAX_ATTEMPT_MINUTES) {
    throw new InputError('minutes out of range', 'minutes_invalid', 400, { max: MAX_ATTEMPT_MINUTES });
  }
  return n;
}

function checkNote(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new InputError('note is not text', 'note_not_text', 400, { field: 'note' });
  const note = value.replace(/\r\n?/g, '\n').trim();
  if (note === '') return null;
  // PostgreSQL text cannot hold NUL; other control characters have no place in a note.
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(note)) {
    throw new InputError('note has control characters', 'note_bad_chars', 400, { field: 'note' });
  }
  if ([...note].length > MAX_NOTE_CHARS) {
    throw new InputError('note is too long', 'note_too_long', 400, { field: 'note', max: MAX_NOTE_CHARS });
  }
  return note;
}

/** Checks the whole attempt before anything is stored. */
export function validateAttempt(input: AttemptInput, today: string) {
  return {
    kind: oneOf<AttemptKind>(CONTACT_ATTEMPT_KINDS, input.kind, 'kind_invalid'),
    occurredOn: checkDate(input.occurredOn, today, 'attempt'),
    minutes: checkMinutes(input.minutes),
    note: checkNote(input.note),
  };
}

interface ProfileChange {
  supportQuestion?: SupportQuestion | null;
  outcome?: OutcomeCategory | null;
  outcomeOn?: string | null;
  processStep?: ProcessStep;
  declineReason?: DeclineReason | null;
  selfEmployed?: boolean | null;
}

/** Only the fields that were sent are changed; an empty value clears a category (not the step). */
export function validateProfile(input: ProfileInput, today: string): ProfileChange {
  const change: ProfileChange = {};
  if (input.supportQuestion !== undefined) {
    change.supportQuestion = oneOfOrEmpty<SupportQuestion>(SUPPORT_QUESTIONS, input.supportQuestion, 'support_question_invalid');
  }
  if (input.outcome !== undefined) {
    change.outcome = oneOfOrEmpty<OutcomeCategory>(OUTCOME_CATEGORIES, input.outcome, 'outcome_invalid');
    // An outflow always has a date (default today); clearing the outflow clears its date.
    change.outcomeOn = change.outcome === null ? null : checkDate(input.outcomeOn, today, 'outcome');
  } else if (input.outcomeOn !== undefined && input.outcomeOn !== '') {
    change.outcomeOn = checkDate(input.outcomeOn, today, 'outcome');
  }
  if (input.processStep !== undefined) {
    change.processStep = oneOf<ProcessStep>(PROCESS_STEPS, input.processStep, 'process_step_invalid');
  }
  if (input.declineReason !== undefined) {
    change.declineReason = oneOfOrEmpty<DeclineReason>(DECLINE_REASONS, input.declineReason, 'decline_reason_invalid');
  }
  if (input.selfEmployed !== undefined) change.selfEmployed = checkSelfEmployed(input.selfEmployed);
  if (Object.keys(change).length === 0) throw new InputError('no field to save', 'nothing_to_save');
  return change;
}

/**
 * What a casemanager records about a youngster next to the conversation:
 * contact attempts (with the time they took) and the monitoring profile
 * (support question, outflow, step, why they declined, whether a zzp'er on the
 * list really is self-employed). Personal details go into the youngster's
 * own rows; the anonymous event log gets only categories and numbers, keyed by
 * the monitoring key, so the figures survive the person's erasure.
 */
export function createYoungsterRecords(deps: { database: Database; liveBus: LiveBus; now?: () => Date }) {
  const { db } = deps.database;

  /** The conversation's youngster, locked, if the conversation is in scope and has one; else 404. */
  async function lockYoungster(tx: Tx, staff: StaffPrincipal, conversationId: string) {
    const row = await lockConversationYoungster(tx, conversationId, staff.municipalityIds);
    if (!row) throw new NotFoundError('conversation');
    // Role after scope, so someone of another team learns nothing either way (404), and
    // admins and privacy officers of the own team get a plain refusal: this is casework.
    if (!RECORDING_ROLES.includes(staff.role)) throw new InputError('this role does not record casework', 'forbidden', 403);
    return row;
  }

  async function signal(conversationId: string, municipalityId: string) {
    // Best effort: the screen of a colleague catches up on its next reload anyway.
    await deps.liveBus.publishInbox({ kind: 'conversation', conversationId, municipalityId }).catch(() => {});
  }

  async function recordAttempt(staff: StaffPrincipal, conversationId: string, input: AttemptInput) {
    const today = amsterdamToday(deps.now?.());
    const done = await db.transaction(async (tx) => {
      // Scope first: outside it the conversation does not exist, whatever was sent.
      const y = await lockYoungster(tx, staff, conversationId);
      const attempt = validateAttempt(input, today);
      const attemptId = await insertContactAttempt(tx, { youngsterId: y.youngsterId, staffId: staff.id, ...attempt });
      await recordEvent(tx, {
        type: 'contact_attempt.recorded',
        municipalityId: y.municipalityId,
        subject: y.monitoringKey,
        conversationId,
        actorStaffId: staff.id,
        // The day counts for monitoring's time per period; a date alone identifies no one.
        data: { kind: attempt.kind, minutes: attempt.minutes, on: attempt.occurredOn },
      });
      return { attemptId, municipalityId: y.municipalityId };
    });
    await signal(conversationId, done.municipalityId);
    return { attemptId: done.attemptId };
  }

  async function setProfile(staff: StaffPrincipal, conversationId: string, input: ProfileInput) {
    const today = amsterdamToday(deps.now?.());
    const municipalityId = await db.transaction(async (tx) => {
      const y = await lockYoungster(tx, staff, conversationId);
      const change = validateProfile(input, today);
      if (change.outcome === undefined && change.outcomeOn !== undefined && y.outcome === null) {
        throw new InputError('an outflow date without an outflow', 'outcome_missing');
      }
      // The zzp check is about someone on the list as zzp; for anyone else there is nothing to check.
      if (change.selfEmployed !== undefined && change.selfEmployed !== null && !y.kvkRegistered) {
        throw new InputError('self-employment is checked for KvK-registered youngsters only', 'self_employed_not_kvk');
      }
      await updateYoungsterProfile(tx, y.youngsterId, change);
      const base = { municipalityId: y.municipalityId, subject: y.monitoringKey, conversationId, actorStaffId: staff.id };
      if (change.supportQuestion !== undefined && change.supportQuestion !== y.supportQuestion) {
        await recordEvent(tx, { ...base, type: 'youngster.support_question_set', data: { category: change.supportQuestion } });
      }
      if (change.outcome !== undefined && change.outcome !== y.outcome) {
        await recordEvent(tx, { ...base, type: 'youngster.outcome_set', data: { category: change.outcome, on: change.outcomeOn ?? null } });
      }
      if (change.processStep !== undefined && change.processStep !== y.processStep) {
        await recordEvent(tx, { ...base, type: 'youngster.step_changed', data: { step: change.processStep, from: y.processStep } });
      }
      // Recorded when set to a (new) value; clearing a mistake leaves the figures to the next value.
      if (change.declineReason !== undefined && change.declineReason !== null && change.declineReason !== y.declineReason) {
        await recordEvent(tx, { ...base, type: 'youngster.decline_reason_set', data: { reason: change.declineReason } });
      }
      if (change.selfEmployed !== undefined && change.selfEmployed !== null && change.selfEmployed !== y.selfEmployed) {
        await recordEvent(tx, { ...base, type: 'youngster.self_employed_checked', data: { selfEmployed: change.selfEmployed } });
      }
      return y.municipalityId;
    });
    await signal(conversationId, municipalityId);
  }

  return { recordAttempt, setProfile };
}
export type YoungsterRecords = ReturnType<typeof createYoungsterRecords>;
