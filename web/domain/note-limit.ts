/**
 * The longest note staff can write, whatever the note: an internal note on a
 * conversation, the handover note of a transfer, the note of a contact attempt.
 * The forms' maxlength and the domain's check both use it.
 */
export const MAX_NOTE_CHARS = 1000;

/** Which note a refusal is about (templates/staff `refusalFieldsNl`). */
export type NoteField = 'note' | 'handover_note';
