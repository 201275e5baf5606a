import { localParts } from '../../core/local-time.js';
import type { DbOrTx } from '../../db/client.js';
import {
  findPanelConversation,
  findYoungster,
  listContactAttempts,
  listYoungsterCards,
  listYoungsterEvents,
  totalAttemptMinutes,
  type PanelEventType,
} from '../../db/queries/youngster-panel.js';
import { CONTACT_ATTEMPT_KINDS, DECLINE_REASONS, OUTCOME_CATEGORIES, PROCESS_STEPS, SUPPORT_QUESTIONS, type DeclineReason } from '../../db/schema/index.js';
import { panelLabelsEn } from '../../templates/labels/en.js';
import { panelLabelsNl, type PanelLabels } from '../../templates/labels/nl.js';
import { loadConsentPanel, type ConsentPanel } from './consent-panel.js';
import { loadVisitPanel, type VisitPanel } from './visit-panel.js';

export type SupportQuestion = (typeof SUPPORT_QUESTIONS)[number];
export type OutcomeCategory = (typeof OUTCOME_CATEGORIES)[number];
export type ProcessStep = (typeof PROCESS_STEPS)[number];
export type AttemptKind = (typeof CONTACT_ATTEMPT_KINDS)[number];
export type { DeclineReason };
export type PanelLanguage = 'nl' | 'en';

// Compile-time proof that every enum value has a label (and no label is left over).
type Exactly<L, V extends string> = [keyof L] extends [V] ? ([V] extends [keyof L] ? true : never) : never;
const _labelsCoverEnums: [
  Exactly<typeof panelLabelsNl.supportQuestion, SupportQuestion>,
  Exactly<typeof panelLabelsNl.outcome, OutcomeCategory>,
  Exactly<typeof panelLabelsNl.processStep, ProcessStep>,
  Exactly<typeof panelLabelsNl.attemptKind, AttemptKind>,
  Exactly<typeof panelLabelsNl.declineReason, DeclineReason>,
] = [true, true, true, true, true];
void _labelsCoverEnums;

export const PANEL_LABELS: Record<PanelLanguage, PanelLabels> = { nl: panelLabelsNl, en: panelLabelsEn };

export interface Option {
  value: string;
  label: string;
}

/** The select options of the panel's forms, in the order the schema (and the monitoring) lists them. */
export function panelOptions(lang: PanelLanguage = 'nl') {
  const l = PANEL_LABELS[lang];
  return {
    supportQuestion: SUPPORT_QUESTIONS.map((v) => ({ value: v, label: l.supportQuestion[v] })),
    outcome: OUTCOME_CATEGORIES.map((v) => ({ value: v, label: l.outcome[v] })),
    processStep: PROCESS_STEPS.map((v) => ({ value: v, label: l.processStep[v] })),
    attemptKind: CONTACT_ATTEMPT_KINDS.map((v) => ({ value: v, label: l.attemptKind[v] })),
    declineReason: DECLINE_REASONS.map((v) => ({ value: v, label: l.declineReason[v] })),
    // The form's values: '' = not checked, 'ja' / 'nee' (validateProfile also takes true/false).
    selfEmployed: [
      { value: '', label: l.selfEmployed.unchecked },
      { value: 'ja', label: l.selfEmployed.yes },
      { value: 'nee', label: l.selfEmployed.no },
    ],
  } satisfies Record<string, Option[]>;
}


export interface YoungsterPanel {
  conversationId: string;
  municipalityId: string;
  municipalityName: string;
  /** Null for someone who wrote without a card: no list data, nothing to record. */
  youngster: null | {
    name: string;
    address: string | null;
    birthDate: string | null;
    /** In whole years, on today's date in Europe/Amsterdam. */
    age: number | null;
    listInflowDate: string | null;
    newInflow: boolean;
    kvkRegistered: boolean;
    knownToMunicipality: boolean;
    supportQuestion: SupportQuestion | null;
    supportQuestionLabel: string;
    outcome: OutcomeCategory | null;
    outcomeLabel: string;
    outcomeOn: string | null;
    processStep: ProcessStep;
    processStepLabel: string;
    /** Why they declined (null: not recorded); offered for everyone, meaningful once they declined. */
    declineReason: DeclineReason | null;
    declineReasonLabel: string;
    /** Only asked for someone on the list as zzp (kvkRegistered): null = not checked yet. */
    selfEmployed: boolean | null;
    selfEmployedLabel: string;
  };
  cards: { id: string; status: 'active' | 'revoked'; statusLabel: string; createdAt: Date; revokedAt: Date | null; casemanagerName: string | null }[];
  /**
   * What happened with the card(s) and the first contact, oldest first. The
   * anonymous events carry the youngster's monitoring key, not a card id, so
   * they belong to the youngster rather than to one card.
   */
  events: { type: PanelEventType; label: string; occurredAt: Date; channel: string | null; channelLabel: string | null }[];
  /** Newest first. */
  attempts: {
    id: string;
    kind: AttemptKind;
    kindLabel: string;
    occurredOn: string;
    minutes: number;
    note: string | null;
    staffFirstName: string | null;
  }[];
  totalMinutes: number;
  /** The consent ledger (consent-panel.ts); null without a youngster: then nothing can be recorded. */
  consent: ConsentPanel | null;
  /** Booked visits without a result yet (visit-panel.ts); null without a youngster. */
  visit: VisitPanel | null;
  /** Today in Europe/Amsterdam ("2026-11-23"): the default of the date fields. */
  today: string;
  options: ReturnType<typeof panelOptions>;
  labels: PanelLabels;
}

/** Today's calendar date in Europe/Amsterdam as "YYYY-MM-DD". */
export function amsterdamToday(now: Date = new Date()): string {
  const p = localParts(now);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** Whole years between a "YYYY-MM-DD" birth date and a "YYYY-MM-DD" day. */
export function ageOn(birthDate: string | null, today: string): number | null {
  if (!birthDate) return null;
  const b = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  const t = /^(\d{4})-(\d{2})-(\d{2})$/.exec(today);
  if (!b || !t) return null;
  let age = Number(t[1]) - Number(b[1]);
  if (Number(t[2]) * 100 + Number(t[3]) < Number(b[2]) * 100 + Number(b[3])) age -= 1;
  return age >= 0 ? age : null;
}

const MAX_SCAN_EVENTS = 50;

/**
 * Everything the panel next to a conversation shows, or null when the
 * conversation is outside the viewer's municipalities (it does not exist for them).
 */
export async function loadYoungsterPanel(
  db: DbOrTx,
  conversationId: string,
  municipalityIds: string[],
  opts: { lang?: PanelLanguage; now?: Date } = {},
): Promise<YoungsterPanel | null> {
  if (municipalityIds.length === 0) return null;
  const lang = opts.lang ?? 'nl';
  const l = PANEL_LABELS[lang];
  const today = amsterdamToday(opts.now);

  const conv = await findPanelConversation(db, conversationId, municipalityIds);
  if (!conv) return null;

  const base = {
    conversationId: conv.id,
    municipalityId: conv.municipalityId,
    municipalityName: conv.municipalityName,
    today,
    options: panelOptions(lang),
    labels: l,
  };
  const empty = { ...base, youngster: null, cards: [], events: [], attempts: [], totalMinutes: 0, consent: null, visit: null };
  if (!conv.youngsterId) return empty;

  const y = await findYoungster(db, conv.youngsterId);
  if (!y) return empty;

  const cardRows = await listYoungsterCards(db, y.id);
  const eventList = (await listYoungsterEvents(db, y.monitoringKey, MAX_SCAN_EVENTS))
    .map((e) => {
      const channel = typeof e.data.channel === 'string' ? e.data.channel : null;
      return {
        type: e.type,
        label: l.event[e.type],
        occurredAt: e.occurredAt,
        channel,
        channelLabel: channel ? (l.channel[channel as keyof PanelLabels['channel']] ?? channel) : null,
      };
    })
    .sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
  const attemptRows = await listContactAttempts(db, y.id);
  const totalMinutes = await totalAttemptMinutes(db, y.id);
  const age = ageOn(y.birthDate, today);
  const consent = await loadConsentPanel(db, { youngsterId: y.id, municipalityId: conv.municipalityId, age }, lang);
  const visit = await loadVisitPanel(db, y.id, opts.now);

  const name = [y.firstName, y.namePrefix, y.lastName].filter((p) => p && p.trim()).join(' ');
  const streetLine = [y.street, y.houseNumber].filter(Boolean).join(' ');
  const cityLine = [y.postcode, y.city].filter(Boolean).join(' ');
  const address = [streetLine, cityLine].filter(Boolean).join(', ') || null;

  return {
    ...base,
    youngster: {
      name,
      address,
      birthDate: y.birthDate,
      age,
      listInflowDate: y.listInflowDate,
      newInflow: y.newInflow,
      kvkRegistered: y.kvkRegistered,
      knownToMunicipality: y.knownToMunicipality,
      supportQuestion: y.supportQuestion,
      supportQuestionLabel: y.supportQuestion ? l.supportQuestion[y.supportQuestion] : l.supportQuestionUnknown,
      outcome: y.outcome,
      outcomeLabel: y.outcome ? l.outcome[y.outcome] : l.outcomeNone,
      outcomeOn: y.outcomeOn,
      processStep: y.processStep,
      processStepLabel: l.processStep[y.processStep],
      declineReason: y.declineReason,
      declineReasonLabel: y.declineReason ? l.declineReason[y.declineReason] : l.declineReasonNone,
      selfEmployed: y.selfEmployed,
      selfEmployedLabel: y.selfEmployed === null ? l.selfEmployed.unchecked : y.selfEmployed ? l.selfEmployed.yes : l.selfEmployed.no,
    },
    cards: cardRows.map((c) => ({ ...c, statusLabel: l.cardStatus[c.status] })),
    events: eventList,
    attempts: attemptRows.map((a) => ({ ...a, kindLabel: l.attemptKind[a.kind] })),
    totalMinutes,
    consent,
    visit,
  };
}
