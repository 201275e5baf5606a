import type { InboundEvent, MenuOption } from '../../core/channel.js';
import { formatMoment } from '../../core/local-time.js';
import { confirmOptions, parseVisitChoice, visitChoice } from '../../core/visit-choices.js';
import type { Language, TextKey } from '../../templates/texts/index.js';
import { CHOICE, MAIN_MENU_ORDER } from './choices.js';
import { matchKeyword, matchNumber } from './keywords.js';
import type { BookingFacts, DialogueContext, DialogueOutcome, Turn, VisitTypeName } from './types.js';

/**
 * Booking a visit in the chat, pure like dialogue.ts. The options carry what
 * the next step needs in their ids (core/visit-choices.ts), so no step is stored on the contact: a number on
 * WhatsApp is the option of the last menu shown (ctx.lastMenu). What changes
 * the database - searching slots, booking, moving, cancelling - is the
 * service's, before the decision (booking-effects.ts, from `bookingIntent`);
 * this file only says what the youngster reads about it.
 */

/** What the service must do before the decision, read from the event. */
export type BookingIntent =
  | { kind: 'slots'; type: VisitTypeName; after: Date | null }
  | { kind: 'book'; type: VisitTypeName; startsAt: Date; place: string | null }
  | { kind: 'cancel' }
  | null;

export const isBookingState = (state: string) => state.startsWith('visit_');

/** The event as a choice: a button, or a number for the last menu shown in a booking step. */
export function bookingChoice(ctx: Pick<DialogueContext, 'state' | 'lastMenu'>, event: InboundEvent): string | null {
  if (event.type === 'choice') return event.choice;
  if (event.type !== 'text') return null;
  const keyword = matchKeyword(event.text);
  if (keyword === 'visit_move') return CHOICE.visitMove;
  if (keyword === 'visit_cancel') return CHOICE.visitCancel;
  const n = matchNumber(event.text);
  if (n === null) return null;
  // "2" in the main menu is "Afspraak maken"; in a booking step, the option of the last menu shown.
  if (ctx.state === 'menu') return MAIN_MENU_ORDER[n - 1] ?? null;
  return isBookingState(ctx.state) ? (ctx.lastMenu?.[n - 1]?.id ?? null) : null;
}

/** Does this turn concern a booking (so the service loads what booking needs)? */
export function concernsBooking(ctx: Pick<DialogueContext, 'state' | 'lastMenu'>, event: InboundEvent): boolean {
  const choice = bookingChoice(ctx, event);
  if (choice === CHOICE.visit || choice === CHOICE.visitMove || choice === CHOICE.visitCancel || choice === CHOICE.visitCancelYes) return true;
  if (choice && /^v[tsmyp]:/.test(choice)) return true;
  return ctx.state === 'visit_place' && event.type === 'text';
}

/** What the service must do first (search, book, cancel), given where the youngster stands. */
export function bookingIntent(ctx: Pick<DialogueContext, 'state' | 'lastMenu'>, event: InboundEvent, booking: Pick<BookingFacts, 'upcoming'>): BookingIntent {
  const choice = bookingChoice(ctx, event);
  if (choice === CHOICE.visitMove && booking.upcoming) return { kind: 'slots', type: booking.upcoming.type, after: null };
  if (choice === CHOICE.visitCancelYes && booking.upcoming) return { kind: 'cancel' };
  if (choice) {
    const [verb, type, at] = parseVisitChoice(choice);
    if (verb === 'vt' && type) return { kind: 'slots', type, after: null };
    if (verb === 'vm' && type) return { kind: 'slots', type, after: at };
    if (verb === 'vy' && type && at) return { kind: 'book', type, startsAt: at, place: null };
  }
  // A place typed after "liever ergens anders": the slot is in the last menu's "toch thuis" option.
  if (ctx.state === 'visit_place' && event.type === 'text' && !choice) {
    const keep = ctx.lastMenu?.find((o) => o.id.startsWith('vy:'));
    const [, type, at] = keep ? parseVisitChoice(keep.id) : ['', null, null];
    const place = event.text.trim().slice(0, 200);
    if (type && at && place) return { kind: 'book', type, startsAt: at, place };
  }
  return null;
}

/** The booking step's answer, or null when the event is not about booking. */
export function decideBooking(turn: Turn, event: InboundEvent, kit: { mainMenu(ctx: DialogueContext, lang: Language): MenuOption[] }): DialogueOutcome | null {
  const { ctx, out, say, reply } = turn;
  const b = ctx.booking;
  if (!b) return null;
  const choice = bookingChoice(ctx, event);
  const when = (d: Date) => formatMoment(out.language, d);
  const typeWord = (t: VisitTypeName) => say(`bot.visit.type.${t}`);
  const back = { id: CHOICE.back, label: say('bot.held.back') };

  // What the service did before this decision.
  if (b.result?.kind === 'booked' || b.result?.kind === 'moved') {
    const vars = { when: when(b.result.startsAt), type: typeWord(b.result.type) };
    reply(say(b.result.kind === 'booked' ? 'bot.visit.booked' : 'bot.visit.moved', vars), kit.mainMenu(ctx, out.language));
    out.forward = { text: say(b.result.kind === 'booked' ? 'bot.visit.bookedNote' : 'bot.visit.movedNote', { ...vars, place: b.result.place ? ` - ${b.result.place}` : '' }), kind: 'choice' };
    out.state = 'menu';
    return out;
  }
  if (b.result?.kind === 'cancelled') {
    reply(say('bot.visit.cancelled'), kit.mainMenu(ctx, out.language));
    out.forward = { text: say('bot.visit.cancelledNote'), kind: 'choice' };
    out.state = 'menu';
    return out;
  }

  if (choice === CHOICE.visit || (choice === CHOICE.visitMove && !b.upcoming) || (choice === CHOICE.visitCancel && !b.upcoming)) {
    if (b.upcoming && choice === CHOICE.visit) {
      reply(say('bot.visit.already', { when: when(b.upcoming.startsAt), type: typeWord(b.upcoming.type) }), [
        { id: CHOICE.visitMove, label: say('bot.visit.move') },
        { id: CHOICE.visitCancel, label: say('bot.visit.cancel') },
        back,
      ]);
      out.state = 'visit_type';
      return out;
    }
    if (!b.upcoming && choice !== CHOICE.visit) {
      reply(say('bot.visit.none'), kit.mainMenu(ctx, out.language));
      out.state = 'menu';
      return out;
    }
    if (!b.types.length) return null; // nothing to book here: the coach follows up (dialogue.ts)
    reply(say('bot.visit.askType'), [...b.types.map((t) => ({ id: visitChoice('vt', t), label: capitalise(typeWord(t)) })), back]);
    out.state = 'visit_type';
    return out;
  }
  if (choice === CHOICE.visitCancel && b.upcoming) {
    reply(say('bot.visit.cancelConfirm', { when: when(b.upcoming.startsAt), type: typeWord(b.upcoming.type) }), [
      { id: CHOICE.visitCancelYes, label: say('bot.visit.cancelYes') },
      { id: CHOICE.back, label: say('bot.visit.cancelNo') },
    ]);
    out.state = 'visit_confirm';
    return out;
  }

  if (b.slots) {
    const { type, startsAt } = b.slots;
    if (!startsAt.length) {
      // Nothing free in the coming weeks: a person picks a moment with them.
      reply(say(b.result?.kind === 'taken' ? 'bot.visit.takenNone' : 'bot.visit.noSlots'), kit.mainMenu(ctx, out.language));
      out.forward = { text: say('bot.visit.noSlotsNote', { type: typeWord(type) }), kind: 'choice' };
      out.events.push('visit.requested');
      out.state = 'menu';
      return out;
    }
    const last = startsAt.at(-1)!;
    reply(say(b.result?.kind === 'taken' ? 'bot.visit.taken' : 'bot.visit.pickSlot', { type: typeWord(type) }), [
      ...startsAt.map((s) => ({ id: visitChoice('vs', type, s), label: capitalise(when(s)) })),
      { id: visitChoice('vm', type, last), label: say('bot.visit.other') },
      back,
    ]);
    out.state = 'visit_slot';
    return out;
  }

  if (choice) {
    const [verb, type, at] = parseVisitChoice(choice);
    if (verb === 'vs' && type && at) {
      // The moment opens the sentence here.
      const vars = { when: capitalise(when(at)), type: typeWord(type) };
      // A home visit: the address on file, in neutral words (anyone holding the phone may read along).
      reply(say(type === 'home' ? 'bot.visit.confirmHome' : 'bot.visit.confirm', vars), confirmOptions(type, at, { yes: say('bot.visit.yes'), elsewhere: say('bot.visit.elsewhere'), other: say('bot.visit.other') }));
      out.state = 'visit_confirm';
      return out;
    }
    if (verb === 'vp' && type && at) {
      reply(say('bot.visit.askPlace'), [{ id: visitChoice('vy', type, at), label: say('bot.visit.atHome') }]);
      out.state = 'visit_place';
      return out;
    }
  }
  return null;
}

/** What a booking option reads as in the thread (the coach sees the choice in words), or null when it is none. */
export function describeBookingChoice(say: (key: TextKey, vars?: Record<string, string>) => string, lang: Language, choice: string): string | null {
  const [verb, type, at] = parseVisitChoice(choice);
  if (verb === 'vt' && type) return capitalise(say(`bot.visit.type.${type}`));
  if (verb === 'vs' && at) return capitalise(formatMoment(lang, at));
  if (verb === 'vy' && at) return say('bot.visit.yes');
  if (verb === 'vm') return say('bot.visit.other');
  if (verb === 'vp') return say('bot.visit.elsewhere');
  const words: Record<string, TextKey> = { [CHOICE.visitMove]: 'bot.visit.move', [CHOICE.visitCancel]: 'bot.visit.cancel', [CHOICE.visitCancelYes]: 'bot.visit.cancelYes' };
  return words[choice] ? say(words[choice]) : null;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
