import type { DeclineReason } from '../../db/schema/index.js';

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
  // Under the goodbye after an opt-out: why:<reason>, optional, counted anonymously and never answered
  optOutReasonPrefix: 'why:',
} as const;

/** The main menu's options in their order (a number on WhatsApp picks by it). */
export const MAIN_MENU_ORDER = [CHOICE.chat, CHOICE.visit, CHOICE.optout] as const;

/**
 * The reasons the goodbye after an opt-out offers, in their order (a number on
 * WhatsApp picks by it): a short subset of the panel's reasons for declining
 * (db/schema/personal.ts DECLINE_REASONS), in the same categories for monitoring.
 */
export const OPT_OUT_REASON_ORDER = ['geen_behoefte', 'al_hulp', 'geen_contact_instanties', 'geen_tijd', 'wil_niet_zeggen'] as const satisfies readonly DeclineReason[];
export type OptOutReason = (typeof OPT_OUT_REASON_ORDER)[number];
