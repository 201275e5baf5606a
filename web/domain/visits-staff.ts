import { formatMoment } from '../../core/local-time.js';
import type { Logger } from '../../core/logger.js';
import type { Queues } from '../../core/queues.js';
import { createBotMessage } from '../../db/queries/messages.js';
import { findHeads, replyTarget } from '../../db/queries/outbox.js';
import { reminderTarget } from '../../db/queries/visit-reminders.js';
import { isLanguage, t, type TextKey } from '../../templates/texts/index.js';
import { ConflictError, InputError, NotFoundError, SlotTakenError, VisitAlreadyBookedError } from '../../core/errors.js';
import { confirmOptions, visitChoice } from '../../core/visit-choices.js';
import { setDialogueStep } from '../../db/queries/contacts.js';
import { recordVisitProposal } from '../../db/queries/visit-proposals.js';
import type { LiveBus } from '../../core/live-bus.js';
import { formatLocalInput, instantAt, isoWeekday, nextDay, type LocalDate } from '../../core/local-time.js';
import type { Database, DbOrTx } from '../../db/client.js';
import { staffFirstNames, type StaffPrincipal } from '../../db/queries/staff.js';
import { findSlots } from '../../db/queries/slot-search.js';
import { listVisitTypes } from '../../db/queries/visit-types.js';
import { bookVisit, bookingTargetOf, recordResult, upcomingVisitOf, visitOfYoungster, visitsInRange, type VisitResult } from '../../db/queries/visits.js';
import { VISIT_TYPES, type VisitType } from '../../db/schema/index.js';
import { MAX_ATTEMPT_MINUTES, RECORDING_ROLES } from './youngster-records.js';
import { amsterdamToday } from './youngster-panel.js';

/**
 * What staff do with visits: the calendar (day and week, own and team), booking
 * a visit for the youngster of a conversation (a moment findSlots offers: the
 * booking asks findSlots again, so only a moment that is still free and
 * allowed is booked), and recording a visit's result. Writes go through
 * db/queries/visits.ts; the youngster is told by the chat's own code, not here.
 */

export const VISIT_RESULTS = ['held', 'not_home', 'no_show', 'cancelled'] as const satisfies readonly VisitResult[];
/** How many moments the booking form offers at once. */
export const SLOT_OPTIONS = 8;
/** The dialogue states a proposal may move to 'visit_confirm' (not an opt-out being confirmed, nor a privacy question). */
const PROPOSAL_FROM = ['menu', 'chatting', 'visit_type', 'visit_slot', 'visit_confirm', 'visit_place'] as const;

export interface BookInput {
  type?: unknown;
  startsAt?: unknown;
}
export interface ResultInput {
  result?: unknown;
  minutes?: unknown;
}

function oneOf<T extends string>(values: readonly T[], value: unknown, code: string): T {
  if (typeof value === 'string' && (values as readonly string[]).includes(value)) return value as T;
  throw new InputError('not one of the listed values', code);
}

function checkMinutes(value: unknown): number {
  if (value === undefined || value === null || value === '') return 0;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d{1,4}\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < 0 || n > MAX_ATTEMPT_MINUTES) throw new InputError('minutes out of range', 'minutes_invalid', 400, { max: MAX_ATTEMPT_MINUTES });
  return n;
}

function checkMoment(value: unknown): Date {
  const d = typeof value === 'string' && value.length <= 40 ? new Date(value) : null;
  if (!d || Number.isNaN(d.getTime())) throw new InputError('not a moment', 'visit_time_invalid');
  return d;
}

/** 'YYYY-MM-DD' -> a local date; null for anything else. */
export function parseLocalDate(value: unknown): LocalDate | null {
  const m = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  if (!m) return null;
  const d = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  const check = new Date(Date.UTC(d.year, d.month - 1, d.day));
  return check.getUTCMonth() + 1 === d.month && check.getUTCDate() === d.day && d.year >= 2020 && d.year <= 2100 ? d : null;
}

const iso = (d: LocalDate) => `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
function addDays(d: LocalDate, n: number): LocalDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + n));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

export interface CalendarQuery {
  view?: unknown;
  date?: unknown;
  who?: unknown;
}

/** The calendar of one person or of the team (the team's municipalities only), per local day. */
export async function loadCalendar(db: DbOrTx, staff: StaffPrincipal, q: CalendarQuery, now: Date = new Date()) {
  const view = q.view === 'day' ? 'day' : 'week';
  const who = q.who === 'team' ? 'team' : 'me';
  const picked = parseLocalDate(q.date) ?? parseLocalDate(amsterdamToday(now))!;
  const first = view === 'week' ? addDays(picked, 1 - isoWeekday(picked)) : picked;
  const count = view === 'week' ? 7 : 1;
  const days: LocalDate[] = [];
  for (let d = first, i = 0; i < count; d = nextDay(d), i++) days.push(d);
  const from = instantAt(first, 0);
  const until = instantAt(nextDay(days.at(-1)!), 0);
  const list = await visitsInRange(db, { municipalityIds: staff.municipalityIds, ...(who === 'me' ? { staffIds: [staff.id] } : {}), from, until });
  const step = view === 'week' ? 7 : 1;
  return {
    view,
    who,
    date: iso(picked),
    today: amsterdamToday(now),
    prev: iso(addDays(picked, -step)),
    next: iso(addDays(picked, step)),
    days: days.map((d) => {
      const start = instantAt(d, 0).getTime();
      const end = instantAt(nextDay(d), 0).getTime();
      return {
        date: iso(d),
        at: instantAt(d, 12 * 60),
        visits: list
          .filter((v) => v.startsAt.getTime() < end && v.endsAt.getTime() > start)
          .map((v) => ({ ...v, from: formatLocalInput(v.startsAt).time, to: formatLocalInput(v.endsAt).time, mine: v.staff.some((s) => s.id === staff.id) })),
      };
    }),
  };
}
export type Calendar = Awaited<ReturnType<typeof loadCalendar>>;

export function createVisitsStaff(deps: { database: Database; liveBus: LiveBus; queues: Queues; logger: Logger; now?: () => Date }) {
  const { db } = deps.database;
  const clock = () => deps.now?.() ?? new Date();

  /** Scope first (404 outside it, whatever was sent), then the role (403): casework. */
  async function target(tx: DbOrTx, staff: StaffPrincipal, conversationId: string) {
    const t = await bookingTargetOf(tx, conversationId, staff.municipalityIds);
    if (!t) throw new NotFoundError('conversation');
    if (!RECORDING_ROLES.includes(staff.role)) throw new InputError('this role does not book visits', 'forbidden', 403);
    return t;
  }

  async function signal(conversationId: string, municipalityId: string) {
    // Best effort, as the panel's other records: a colleague's screen catches up on reload.
    await deps.liveBus.publishInbox({ kind: 'conversation', conversationId, municipalityId }).catch(() => {});
  }

  /** The types the municipality offers and the next free moments of one of them (the booking form). */
  async function options(staff: StaffPrincipal, conversationId: string, typeWanted: unknown) {
    const t = await target(db, staff, conversationId);
    const types = (await listVisitTypes(db, t.municipalityId)).filter((v) => v.enabled);
    const type = types.find((v) => v.type === typeWanted)?.type ?? types[0]?.type ?? null;
    const slots = type ? await findSlots(db, { municipalityId: t.municipalityId, type, preferredStaffId: t.assignedTo ?? staff.id, now: clock(), limit: SLOT_OPTIONS }) : [];
    // Who would go: the coach sees it before booking (two at a home visit where the municipality requires it).
    const names = await staffFirstNames(db, slots.flatMap((s) => s.staffIds));
    return { types: types.map((v) => v.type), type, slots: slots.map((s) => ({ ...s, with: s.staffIds.map((id) => names.get(id) ?? '?') })) };
  }

  /**
   * Books the moment the staff member picked. findSlots is asked again for exactly that start
   * (with the same preferred casemanager as the form), so a moment that is gone, not allowed or
   * made up is refused as "net weg" (SlotTakenError) - and the database refuses an overlap anyway.
   */
  async function book(staff: StaffPrincipal, conversationId: string, input: BookInput) {
    const done = await db.transaction(async (tx) => {
      const t = await target(tx, staff, conversationId);
      const type = oneOf<VisitType>(VISIT_TYPES, input.type, 'visit_type_invalid');
      const startsAt = checkMoment(input.startsAt);
      // Said before "net weg": a second visit is refused whatever moment was picked (bookVisit checks it again, locked).
      const open = await upcomingVisitOf(tx, t.youngsterId, clock());
      if (open) throw new VisitAlreadyBookedError(open.id);
      const [slot] = await findSlots(tx, { municipalityId: t.municipalityId, type, preferredStaffId: t.assignedTo ?? staff.id, now: clock(), after: new Date(startsAt.getTime() - 1), limit: 1 });
      if (!slot || slot.startsAt.getTime() !== startsAt.getTime()) throw new SlotTakenError(startsAt);
      const booked = await bookVisit(tx, {
        youngsterId: t.youngsterId,
        municipalityId: t.municipalityId,
        type,
        slot,
        place: null,
        bookedVia: 'staff',
        createdBy: staff.id,
        conversationId,
        now: clock(),
      });
      // The youngster hears it in the chat they last wrote from, with the way to move or cancel.
      const told = await tellYoungster(tx, booked.visitId, 'bot.visit.bookedByStaff', staff.firstName);
      return { ...booked, municipalityId: t.municipalityId, startsAt: slot.startsAt, told };
    });
    await signal(conversationId, done.municipalityId);
    await afterCommit(done.told, () => deps.queues.scheduleReminders({ id: done.visitId, startsAt: done.startsAt }).then(() => {}));
    return { visitId: done.visitId, reference: done.reference };
  }

  /**
   * Proposes a moment in the chat instead of booking it: a bot message with "Ja, graag" (and for
   * a home visit "Liever ergens anders") and "Een ander moment", answered by the chat's own
   * booking (bot/dialogue/booking-effects.ts asks findSlots again at the yes). With a visit
   * already booked, the proposal is a new moment for it: the yes moves it. Nothing is held
   * meanwhile - a moment taken before the yes is "net weg" with fresh moments, as in the chat.
   */
  async function propose(staff: StaffPrincipal, conversationId: string, input: BookInput) {
    const done = await db.transaction(async (tx) => {
      const who = await target(tx, staff, conversationId);
      const type = oneOf<VisitType>(VISIT_TYPES, input.type, 'visit_type_invalid');
      const startsAt = checkMoment(input.startsAt);
      const to = await replyTarget(tx, conversationId);
      if (!to) throw new ConflictError('no channel to reply on yet', 'no_channel');
      if (to.optedOut) throw new ConflictError('the youngster opted out', 'opted_out');
      const [slot] = await findSlots(tx, { municipalityId: who.municipalityId, type, preferredStaffId: who.assignedTo ?? staff.id, now: clock(), after: new Date(startsAt.getTime() - 1), limit: 1 });
      if (!slot || slot.startsAt.getTime() !== startsAt.getTime()) throw new SlotTakenError(startsAt);
      const open = await upcomingVisitOf(tx, who.youngsterId, clock());
      const lang = isLanguage(to.language) ? to.language : 'nl';
      const say = (key: TextKey) => t(lang, key);
      const vars = { coach: staff.firstName, when: formatMoment(lang, startsAt), type: t(lang, `bot.visit.type.${type}`) };
      const body = t(lang, open ? 'bot.visit.proposedMove' : type === 'home' ? 'bot.visit.proposedHome' : 'bot.visit.proposed', vars);
      const menu = confirmOptions(type, startsAt, { yes: say('bot.visit.yes'), elsewhere: say('bot.visit.elsewhere'), other: say('bot.visit.other') }, 'start');
      // One proposal per moment and conversation: a double submit sends it once.
      const messageId = await createBotMessage(tx, { conversationId, contactId: to.contactId, channel: to.channel, body, menu, clientRef: `visit-propose-${visitChoice('vy', type, startsAt)}` });
      if (!messageId) return { municipalityId: who.municipalityId, contactId: null };
      // A typed "1" on WhatsApp answers this menu; a contact in the middle of an opt-out stays there.
      await setDialogueStep(tx, to.contactId, 'visit_confirm', PROPOSAL_FROM);
      await recordVisitProposal(tx, { youngsterId: who.youngsterId, municipalityId: who.municipalityId, conversationId, staffId: staff.id, type, startsAt, move: open !== null });
      return { municipalityId: who.municipalityId, contactId: to.contactId };
    });
    await signal(conversationId, done.municipalityId);
    await afterCommit(done.contactId, async () => {});
    return { proposed: done.contactId !== null };
  }

  /** Held, not home, no-show (once the visit has started) or cancelled, with the minutes it took. */
  async function result(staff: StaffPrincipal, conversationId: string, visitId: string, input: ResultInput) {
    const settled = await db.transaction(async (tx) => {
      const t = await target(tx, staff, conversationId);
      const visit = await visitOfYoungster(tx, visitId, t.youngsterId);
      if (!visit) throw new NotFoundError('visit');
      const outcome = oneOf(VISIT_RESULTS, input.result, 'visit_result_invalid');
      const minutes = checkMinutes(input.minutes);
      if (outcome !== 'cancelled' && visit.startsAt.getTime() > clock().getTime()) throw new InputError('visit has not started', 'visit_not_started');
      const done = await recordResult(tx, visitId, outcome, staff.id, outcome === 'cancelled' ? 0 : minutes);
      if (!done) throw new InputError('visit is not booked', 'visit_not_booked', 409);
      // A cancellation ahead of time is news for the youngster; a result after the visit is not.
      const told = outcome === 'cancelled' && visit.startsAt.getTime() > clock().getTime() ? await tellYoungster(tx, visitId, 'bot.visit.cancelledByStaff', staff.firstName) : null;
      return { municipalityId: t.municipalityId, startsAt: visit.startsAt, told };
    });
    await signal(conversationId, settled.municipalityId);
    // Its reminders go (a job that stays finds the visit no longer booked and sends nothing).
    await afterCommit(settled.told, () => deps.queues.cancelReminders({ id: visitId, startsAt: settled.startsAt }));
  }

  /** A bot message about the visit to the youngster (queued once: its client reference), unless they cannot be reached. */
  async function tellYoungster(tx: DbOrTx, visitId: string, key: 'bot.visit.bookedByStaff' | 'bot.visit.cancelledByStaff', coach: string) {
    const target = await reminderTarget(tx, visitId);
    const to = target?.to;
    if (!target?.visit.conversationId || !to || to.optedOutAt) return null;
    const lang = isLanguage(to.language) ? to.language : 'nl';
    const body = t(lang, key, { coach, when: formatMoment(lang, target.visit.startsAt), type: t(lang, `bot.visit.type.${target.visit.type}`) });
    const id = await createBotMessage(tx, { conversationId: target.visit.conversationId, contactId: to.contactId, channel: to.channel, body, clientRef: `${key === 'bot.visit.bookedByStaff' ? 'visit' : 'visit-cancel'}-${visitId}` });
    return id ? to.contactId : null;
  }

  /** After commit: the message on its way, then the reminders; a failure is left to the sweeps. */
  async function afterCommit(contactId: string | null, reminders: () => Promise<void>) {
    try {
      if (contactId) await deps.queues.enqueueHeads(await findHeads(db, [contactId]));
      await reminders();
    } catch (err) {
      deps.logger.warn({ err }, 'visit message or reminders not enqueued; the sweepers will');
    }
  }

  return { options, book, propose, result, calendar: (staff: StaffPrincipal, q: CalendarQuery) => loadCalendar(db, staff, q, clock()) };
}
export type VisitsStaff = ReturnType<typeof createVisitsStaff>;
