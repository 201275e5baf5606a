import { formatLocalInput } from '../../core/local-time.js';
import type { DbOrTx } from '../../db/client.js';
import { listConsentLedger, type ConsentLedgerRow } from '../../db/queries/consents.js';
import { listActivePartners } from '../../db/queries/partners.js';
import { CONSENT_CATEGORIES, CONSENT_VIA } from '../../db/schema/index.js';
import { CONSENT_EXPLANATION_VERSION, consentExplanation, type ConsentExplanation } from '../../templates/staff/consent-explanation.js';
import { st, type StaffLanguage } from '../../templates/staff/index.js';
import { ADULT_AGE, GUARDIAN_RELATIONS, type GuardianRelation } from './consent-rules.js';

/*
 * What the youngster panel and the conversation header show of the consent
 * ledger: the state at a glance (a badge), the consents in force and the
 * withdrawn ones with their dates, and what the form to record one needs.
 */

export interface ConsentItem {
  id: string;
  kind: 'cooperation' | 'partner';
  /** "Samenwerken" or "Delen met <partner>: dát er contact is". */
  title: string;
  givenOn: string;
  givenViaLabel: string;
  recordedByName: string | null;
  explanationVersion: string;
  /** Under 18: who else consented ('parent' or 'guardian') and on which day. */
  guardian: null | { relation: GuardianRelation | null; relationLabel: string; on: string };
  withdrawnOn: string | null;
  withdrawnViaLabel: string | null;
  withdrawnByName: string | null;
}

export interface ConsentPanel {
  /** An active consent to work together. */
  cooperation: boolean;
  /** Partners with at least one active sharing consent. */
  partnerCount: number;
  /** The state in one line, for the panel and the conversation header. */
  badge: string;
  /** 'none': nothing ever; 'active': something in force; 'withdrawn': only withdrawn ones. */
  state: 'none' | 'active' | 'withdrawn';
  active: ConsentItem[];
  withdrawn: ConsentItem[];
  /** The municipality's active partners, for the form. */
  partners: { id: string; name: string }[];
  /** required: under 18 on today's date; optional: age unknown; no: an adult. */
  guardian: 'required' | 'optional' | 'no';
  explanationVersion: string;
  /** In the staff member's language, and in the other one (for a youngster who reads that better). */
  explanation: ConsentExplanation;
  explanationOther: ConsentExplanation;
  options: {
    via: { value: string; label: string }[];
    category: { value: string; label: string }[];
    relation: { value: string; label: string }[];
  };
}

/** Amsterdam's calendar day of an instant ("2026-12-03"). */
const dayOf = (d: Date) => formatLocalInput(d).date;

/** The badge text of a state (also for a conversation without a youngster: nothing recorded). */
export function consentBadge(lang: StaffLanguage, s: { cooperation: boolean; partnerCount: number; anyWithdrawn: boolean }): string {
  const parts: string[] = [];
  if (s.cooperation) parts.push(st(lang, 'consent.badge.cooperation'));
  if (s.partnerCount > 0) parts.push(st(lang, s.partnerCount === 1 ? 'consent.badge.partner' : 'consent.badge.partners', { n: s.partnerCount }));
  if (parts.length > 0) return st(lang, 'consent.badge.prefix', { what: parts.join(' · ') });
  return st(lang, s.anyWithdrawn ? 'consent.badge.withdrawn' : 'consent.badge.none');
}

function item(lang: StaffLanguage, r: ConsentLedgerRow): ConsentItem {
  const via = (v: string) => st(lang, `consent.via.${v as (typeof CONSENT_VIA)[number]}`);
  const title =
    r.kind === 'cooperation'
      ? st(lang, 'consent.kind.cooperation')
      : st(lang, 'consent.partnerTitle', {
          partner: r.partnerName ?? '?',
          what: st(lang, `consent.category.${(r.category ?? 'that') as (typeof CONSENT_CATEGORIES)[number]}`),
        });
  const relation = GUARDIAN_RELATIONS.find((g) => g === r.guardianRelation);
  return {
    id: r.id,
    kind: r.kind,
    title,
    givenOn: dayOf(r.givenAt),
    givenViaLabel: via(r.givenVia),
    recordedByName: r.recordedByName,
    explanationVersion: r.explanationVersion,
    guardian: r.guardianConsentAt
      ? {
          relation: relation ?? null,
          relationLabel: relation ? st(lang, `consent.relation.${relation}`) : (r.guardianRelation ?? ''),
          on: dayOf(r.guardianConsentAt),
        }
      : null,
    withdrawnOn: r.withdrawnAt ? dayOf(r.withdrawnAt) : null,
    withdrawnViaLabel: r.withdrawnVia ? via(r.withdrawnVia) : null,
    withdrawnByName: r.withdrawnByName,
  };
}

/** The consent part of the panel of a linked youngster; `age` is on today's date (null: unknown). */
export async function loadConsentPanel(
  db: DbOrTx,
  y: { youngsterId: string; municipalityId: string; age: number | null },
  lang: StaffLanguage,
): Promise<ConsentPanel> {
  const [rows, partners] = await Promise.all([listConsentLedger(db, y.youngsterId), listActivePartners(db, y.municipalityId)]);
  // Working together first (everything else rests on it), then the partners, newest first.
  const activeRows = rows.filter((r) => r.withdrawnAt === null).sort((a, b) => Number(a.kind !== 'cooperation') - Number(b.kind !== 'cooperation'));
  const cooperation = activeRows.some((r) => r.kind === 'cooperation');
  const partnerCount = new Set(activeRows.filter((r) => r.kind === 'partner').map((r) => r.partnerId)).size;
  const anyWithdrawn = rows.length > activeRows.length;
  return {
    cooperation,
    partnerCount,
    badge: consentBadge(lang, { cooperation, partnerCount, anyWithdrawn }),
    state: activeRows.length > 0 ? 'active' : anyWithdrawn ? 'withdrawn' : 'none',
    active: activeRows.map((r) => item(lang, r)),
    withdrawn: rows.filter((r) => r.withdrawnAt !== null).map((r) => item(lang, r)),
    partners,
    guardian: y.age === null ? 'optional' : y.age < ADULT_AGE ? 'required' : 'no',
    explanationVersion: CONSENT_EXPLANATION_VERSION,
    explanation: consentExplanation(lang),
    explanationOther: consentExplanation(lang === 'nl' ? 'en' : 'nl'),
    options: {
      via: CONSENT_VIA.map((v) => ({ value: v, label: st(lang, `consent.via.${v}`) })),
      category: CONSENT_CATEGORIES.map((v) => ({ value: v, label: st(lang, `consent.category.${v}`) })),
      relation: GUARDIAN_RELATIONS.map((v) => ({ value: v, label: st(lang, `consent.relation.${v}`) })),
    },
  };
}
