import type { DialogueContext } from '../../bot/dialogue/types.js';

/** A linked card holder in the main menu, in office hours, nothing loaded: the dialogue unit tests' starting point. */
export function dialogueContext(over: Partial<DialogueContext> = {}): DialogueContext {
  return {
    state: 'menu',
    language: 'nl',
    linked: true,
    personOptedOut: false,
    youngsterFirstName: 'Sigfrid',
    coachFirstName: 'Michelle',
    municipalityName: 'Roermond',
    municipalities: [],
    officeOpen: true,
    nextOpening: null,
    officeNoticeDue: false,
    coachAbsence: null,
    absenceNoticeDue: false,
    privacyUrl: 'https://lijntje.test/privacy',
    overrides: {},
    held: null,
    booking: null,
    lastMenu: null,
    ...over,
  };
}
