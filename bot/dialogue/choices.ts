/** The ids of the options the bot offers (buttons on Telegram and web, numbers on WhatsApp). */
export const CHOICE = {
  chat: 'chat',
  visit: 'visit',
  optout: 'optout',
  optoutYes: 'optout_yes',
  optoutNo: 'optout_no',
  municipalityPrefix: 'm:',
  // "wat weten jullie van mij?" (privacy-dialogue.ts); back: to the main menu
  privacy: 'privacy',
  consentWithdraw: 'consent_withdraw',
  withdrawPrefix: 'cw:',
  back: 'back',
  // Asked to start again after an earlier opt-out
  restartYes: 'restart_yes',
  restartNo: 'restart_no',
  // Visits (booking-dialogue.ts); the steps' ids carry type and moment: vt:<type>, vs|vm|vy|vp:<type>:<minute>
  visitMove: 'visit_move',
  visitCancel: 'visit_cancel',
  visitCancelYes: 'visit_cancel_yes',
} as const;

/** The main menu's options in their order (a number on WhatsApp picks by it). */
export const MAIN_MENU_ORDER = [CHOICE.chat, CHOICE.visit, CHOICE.optout] as const;
