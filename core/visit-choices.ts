import type { MenuOption } from './channel.js';

/**
 * The kinds of visit and the ids of the booking options in the chat. An id
 * carries what the next step needs ("vs:home:29412345" = a home visit at that
 * minute since the epoch), so no step is stored beside it. Both the chat's
 * booking dialogue and a coach proposing a moment from the inbox build them
 * here, so a proposal is answered by the same code as a moment the youngster
 * picked. The schema's enum is built from VISIT_TYPES.
 */

/** thuis, op kantoor, een wandeling, telefonisch, video. */
export const VISIT_TYPES = ['home', 'office', 'walk', 'phone', 'video'] as const;
export type VisitType = (typeof VISIT_TYPES)[number];

/** vt: type picked, vs: moment picked, vm: more moments after this one, vy: yes, book it, vp: another place. */
export type VisitVerb = 'vt' | 'vs' | 'vm' | 'vy' | 'vp';

export const isVisitType = (s: string | undefined): s is VisitType => (VISIT_TYPES as readonly string[]).includes(s ?? '');
const minuteOf = (d: Date) => Math.round(d.getTime() / 60_000);

export function visitChoice(verb: VisitVerb, type: VisitType, at?: Date): string {
  return at ? `${verb}:${type}:${minuteOf(at)}` : `${verb}:${type}`;
}

/** 'vs:home:29412345' -> ['vs', 'home', that minute]; parts that are not what they should be come back null. */
export function parseVisitChoice(choice: string): [string, VisitType | null, Date | null] {
  const [verb = '', type, minute] = choice.split(':');
  return [verb, isVisitType(type) ? type : null, minute && /^\d{6,9}$/.test(minute) ? new Date(Number(minute) * 60_000) : null];
}

export interface ConfirmLabels {
  yes: string;
  elsewhere: string;
  other: string;
}

/**
 * "Ja, graag" / (home: "Liever ergens anders") / "Een ander moment" for one moment. "Another
 * moment" shows the free moments after this one when the youngster picked it from a list, and
 * the first free ones when a coach proposed it (`otherFrom: 'start'`).
 */
export function confirmOptions(type: VisitType, at: Date, label: ConfirmLabels, otherFrom: 'after' | 'start' = 'after'): MenuOption[] {
  const yes = { id: visitChoice('vy', type, at), label: label.yes };
  const other = { id: otherFrom === 'after' ? visitChoice('vm', type, at) : visitChoice('vt', type), label: label.other };
  return type === 'home' ? [yes, { id: visitChoice('vp', type, at), label: label.elsewhere }, other] : [yes, other];
}
