import type { InboundEvent } from '../../core/channel.js';
import { SlotTakenError, VisitAlreadyBookedError } from '../../core/errors.js';
import type { Queues } from '../../core/queues.js';
import type { Tx } from '../../db/client.js';
import { lastBotMenu } from '../../db/queries/last-menu.js';
import { findSlots, type Slot } from '../../db/queries/slot-search.js';
import { listVisitTypes } from '../../db/queries/visit-types.js';
import { bookVisit, cancelVisit, moveVisit, upcomingVisitOf } from '../../db/queries/visits.js';
import { bookingIntent, concernsBooking, isBookingState } from './booking-dialogue.js';
import { asDialogueState } from './states.js';
import type { BookingFacts, DialogueContext, VisitTypeName } from './types.js';

/** How many moments the chat offers at a time ("een ander moment" shows the next ones). */
const SLOTS_SHOWN = 3;

export interface LoadedBooking {
  booking: BookingFacts | null;
  lastMenu: DialogueContext['lastMenu'];
  /** After commit: the reminders of a booked or moved visit, or the removal of a cancelled or moved one's. */
  afterCommit: ((queues: Queues) => Promise<void>) | null;
}

const NOTHING: LoadedBooking = { booking: null, lastMenu: null, afterCommit: null };

/**
 * The database side of booking in the chat, in the inbound turn's transaction,
 * BEFORE the decision (booking-dialogue.ts phrases the result): for a card
 * holder whose turn concerns booking, the municipality's visit types, their
 * upcoming visit and the last menu (a typed number), then what the event asks
 * - search moments, book or move (the database refuses a taken moment:
 * SlotTakenError, and fresh moments are searched), or cancel. Nothing here for
 * any other turn: the inbound hot path is unchanged.
 */
export async function loadBooking(
  tx: Tx,
  q: {
    contact: { id: string; youngsterId: string | null; dialogueState: string };
    municipalityId: string | null;
    cardCasemanagerId: string | null;
    conversationId: string | null;
    event: InboundEvent;
    now: Date;
  },
): Promise<LoadedBooking> {
  const { contact, municipalityId } = q;
  if (!contact.youngsterId || !municipalityId) return NOTHING;
  const youngsterId = contact.youngsterId;
  const state = asDialogueState(contact.dialogueState);
  const lastMenu = isBookingState(state) ? await lastBotMenu(tx, contact.id) : null;
  if (!concernsBooking({ state, lastMenu }, q.event)) return { ...NOTHING, lastMenu };

  const [types, upcomingRow] = await Promise.all([listVisitTypes(tx, municipalityId), upcomingVisitOf(tx, youngsterId, q.now)]);
  const upcoming = upcomingRow ? { id: upcomingRow.id, type: upcomingRow.type, startsAt: upcomingRow.startsAt } : null;
  const booking: BookingFacts = { types: types.filter((t) => t.enabled).map((t) => t.type), upcoming, slots: null, result: null };
  const search = async (type: VisitTypeName, after: Date | null): Promise<Slot[]> =>
    findSlots(tx, { municipalityId, type, preferredStaffId: q.cardCasemanagerId, now: q.now, ...(after ? { after } : {}), limit: SLOTS_SHOWN });
  const shown = (type: VisitTypeName, slots: Slot[]) => ({ type, startsAt: slots.map((s) => s.startsAt) });

  const intent = bookingIntent({ state, lastMenu }, q.event, booking);
  let afterCommit: LoadedBooking['afterCommit'] = null;
  if (intent?.kind === 'slots') {
    booking.slots = shown(intent.type, await search(intent.type, intent.after));
  } else if (intent?.kind === 'book') {
    // The moment as offered, checked again now: still free, and with whom (the search decides the staff).
    const fresh = await search(intent.type, new Date(intent.startsAt.getTime() - 60_000));
    const slot = fresh.find((s) => s.startsAt.getTime() === intent.startsAt.getTime());
    try {
      if (!slot) throw new SlotTakenError(intent.startsAt);
      if (upcoming) {
        const moved = await moveVisit(tx, upcoming.id, slot);
        if (moved) {
          booking.result = { kind: 'moved', type: intent.type, startsAt: slot.startsAt, place: intent.place };
          const previous = { id: upcoming.id, startsAt: moved.previousStartsAt };
          afterCommit = async (queues) => {
            await queues.cancelReminders(previous);
            await queues.scheduleReminders({ id: upcoming.id, startsAt: slot.startsAt });
          };
        }
      } else {
        const made = await bookVisit(tx, {
          youngsterId,
          municipalityId,
          type: intent.type,
          slot,
          place: intent.place,
          bookedVia: 'chat',
          createdBy: null,
          conversationId: q.conversationId,
          now: q.now,
        });
        booking.result = { kind: 'booked', type: intent.type, startsAt: slot.startsAt, place: intent.place };
        afterCommit = (queues) => queues.scheduleReminders({ id: made.visitId, startsAt: slot.startsAt }).then(() => {});
      }
    } catch (err) {
      // A booking of theirs that raced this one (another tab) counts as "net weg" too.
      if (!(err instanceof SlotTakenError || err instanceof VisitAlreadyBookedError)) throw err;
      // "Net weg": someone else got it between the offer and the yes. New moments, from now.
      booking.result = { kind: 'taken' };
      booking.slots = shown(intent.type, await search(intent.type, null));
    }
  } else if (intent?.kind === 'cancel' && upcoming) {
    if (await cancelVisit(tx, upcoming.id, null)) {
      booking.result = { kind: 'cancelled' };
      afterCommit = (queues) => queues.cancelReminders(upcoming);
    }
  }
  return { booking, lastMenu, afterCommit };
}
