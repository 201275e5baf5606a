import type { CONSENT_CATEGORIES, CONSENT_KINDS } from '../../db/schema/index.js';

/**
 * The few fixed rules of consent that both recording (consents.ts) and showing
 * (consent-panel.ts) need: who counts as a minor, and who may consent for them.
 */
export type ConsentKind = (typeof CONSENT_KINDS)[number];
export type ConsentCategory = (typeof CONSENT_CATEGORIES)[number];

/** domain.md: under 18, a parent or guardian must consent too. */
export const ADULT_AGE = 18;
/** Stored as text in consents.guardian_relation; only these two are accepted. */
export const GUARDIAN_RELATIONS = ['parent', 'guardian'] as const;
export type GuardianRelation = (typeof GUARDIAN_RELATIONS)[number];
