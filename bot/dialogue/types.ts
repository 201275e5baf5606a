import type { MenuOption } from '../../core/channel.js';
import type { Opening } from '../../core/office-hours.js';
import type { Language, TextKey } from '../../templates/texts/index.js';
import type { DialogueState } from './states.js';
import type { VisitType } from '../../core/visit-choices.js';
import type { OptOutReason } from './choices.js';

/**
 * The dialogue's input and output shapes, apart from the decision itself
 * (dialogue.ts) so that its helpers (notices.ts) and the context loader
 * (context.ts) can use them without importing the decision.
 */
export interface DialogueContext {
  state: DialogueState;
  language: Language;
  /** The contact knows its municipality (through a card or by choosing one). */
  linked: boolean;
  /**
   * The person behind this contact (its card's youngster) already asked for no
   * contact, through another browser or messenger. This contact is new to us,
   * but nothing may be promised or passed on.
   */
  personOptedOut: boolean;
  youngsterFirstName: string | null;
  coachFirstName: string | null;
  municipalityName: string | null;
  /** Offered to someone without a card, sorted by name. */
  municipalities: { id: string; name: string }[];
  officeOpen: boolean;
  nextOpening: Opening | null;
  /** No "outside office hours" notice was sent recently. */
  officeNoticeDue: boolean;
  /** The coach named to the youngster (coachFirstName) is away right now; null when not. */
  coachAbsence: { until: Date; delegateFirstName: string | null } | null;
  /** No "your coach is away" notice was sent recently. */
  absenceNoticeDue: boolean;
  privacyUrl: string;
  overrides: Partial<Record<TextKey, string>>;
  /**
   * What is held about this contact, by category (never values): loaded only when they ask
   * ("wat weten jullie van mij?") or stand in the privacy menu; null otherwise.
   */
  held: HeldData | null;
  /** Booking a visit (booking-dialogue.ts): loaded for a card holder when a turn concerns it; null otherwise. */
  booking: BookingFacts | null;
  /** The options of the last menu the bot sent, for a number typed in a booking step (WhatsApp); null when not loaded. */
  lastMenu: MenuOption[] | null;
}

export type VisitTypeName = VisitType;

/** What booking needs to know, and what the service already did this turn (bot/dialogue/booking-effects.ts). */
export interface BookingFacts {
  /** The visit types the municipality offers, in order. */
  types: VisitTypeName[];
  upcoming: { id: string; type: VisitTypeName; startsAt: Date } | null;
  /** Free moments of the type asked for, when this turn searched. */
  slots: { type: VisitTypeName; startsAt: Date[] } | null;
  result:
    | { kind: 'booked' | 'moved'; type: VisitTypeName; startsAt: Date; place: string | null }
    | { kind: 'cancelled' }
    | { kind: 'taken' }
    | null;
}

/** Categories held about a contact, for "wat weten jullie van mij?" - never the values. */
export interface HeldData {
  /** Name, address, birth date from the municipality's list (a card holder). */
  listData: boolean;
  messages: boolean;
  notes: boolean;
  contactAttempts: boolean;
  /** Consents in force, with what the youngster reads for each. */
  consents: { id: string; kind: 'cooperation' | 'partner'; partnerName: string | null; category: 'that' | 'what' | null }[];
}

/** One decision in the making: what is known, the outcome so far, and how to speak. */
export interface Turn {
  ctx: DialogueContext;
  out: DialogueOutcome;
  /** In the outcome's language, also after a switch of language in this very turn. */
  say: Say;
  reply: ReplyFn;
  /** "Michelle reads it" is only promised while Michelle is there; during her absence the team wording is used. */
  coachHere: boolean;
}

export interface Reply {
  text: string;
  menu: MenuOption[] | null;
}

export type DialogueEventType = 'visit.requested' | 'optout.requested' | 'optout.confirmed' | 'crisis.flagged';
/** An anonymous event of the turn: its type alone, or with data (categories only, never text). */
export type DialogueEvent = DialogueEventType | { type: 'optout.reason_given'; data: { reason: OptOutReason } };

export interface DialogueOutcome {
  replies: Reply[];
  /** Goes to the coach's inbox as the youngster's message. */
  forward: { text: string; kind: 'text' | 'choice' } | null;
  urgent: boolean;
  state: DialogueState;
  language: Language;
  /** Municipality picked by someone without a card. */
  municipalityId: string | null;
  /**
   * The municipality just became known: messages written before it (stored,
   * not yet routed - nobody could see them) now go to the inbox.
   */
  releaseHeldText: boolean;
  optOut: boolean;
  /** A consent the youngster withdrew in the chat (one of ctx.held.consents). */
  withdrawConsentId: string | null;
  /** Said yes to starting again after an earlier opt-out: this messenger account is no longer suppressed. */
  restart: boolean;
  officeNoticeSent: boolean;
  absenceNoticeSent: boolean;
  events: DialogueEvent[];
}

/** A text in the language of the outcome, with the contact's names and overrides filled in. */
export type Say = (key: TextKey, vars?: Record<string, string>) => string;
/** Adds a reply (with an optional menu) to the outcome. */
export type ReplyFn = (body: string, menu?: MenuOption[] | null) => void;
