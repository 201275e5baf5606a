/**
 * Where a contact stands in the bot dialogue (stored on channel_contacts):
 * - new:              never greeted
 * - ask_municipality: wrote without a (valid) card; asked where they live
 * - menu:             greeted, menu shown; numbers pick menu options
 * - chatting:         talking with the coach; everything goes to the inbox
 * - optout_confirm:   said "stop"; asked once to confirm
 * - opted_out:        confirmed; nothing is ever sent again
 */
export const DIALOGUE_STATES = ['new', 'ask_municipality', 'menu', 'chatting', 'optout_confirm', 'opted_out'] as const;
export type DialogueState = (typeof DIALOGUE_STATES)[number];

export function asDialogueState(v: string): DialogueState {
  return (DIALOGUE_STATES as readonly string[]).includes(v) ? (v as DialogueState) : 'new';
}
