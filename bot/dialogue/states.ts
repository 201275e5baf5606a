/**
 * Where a contact stands in the bot dialogue (stored on channel_contacts):
 * - new:              never greeted
 * - ask_municipality: wrote without a (valid) card; asked where they live
 * - menu:             greeted, menu shown; numbers pick menu options
 * - chatting:         talking with the coach; everything goes to the inbox
 * - optout_confirm:   said "stop"; asked once to confirm
 * - opted_out:        confirmed; nothing is ever sent again
 * - restart_offered:  a new contact from a messenger account that opted out before; asked whether to start again
 * - privacy:          asked "wat weten jullie van mij?"; its options are open (numbers pick them)
 * - consent_withdraw: choosing a consent to withdraw
 * - visit_type, visit_slot, visit_confirm, visit_place: booking a visit (booking-dialogue.ts); a number picks from the last menu
 */
export const DIALOGUE_STATES = [
  'new',
  'ask_municipality',
  'menu',
  'chatting',
  'optout_confirm',
  'opted_out',
  'restart_offered',
  'privacy',
  'consent_withdraw',
  'visit_type',
  'visit_slot',
  'visit_confirm',
  'visit_place',
] as const;
export type DialogueState = (typeof DIALOGUE_STATES)[number];

export function asDialogueState(v: string): DialogueState {
  return (DIALOGUE_STATES as readonly string[]).includes(v) ? (v as DialogueState) : 'new';
}
