import { z } from 'zod';
import { ConflictError, InputError, NotFoundError } from '../../core/errors.js';
import type { LiveBus } from '../../core/live-bus.js';
import { parseLocalDateTime } from '../../core/local-time.js';
import type { Database, Tx } from '../../db/client.js';
import { findConsent, insertConsent, listActiveConsents, lockConsentYoungster, markConsentsWithdrawn, type ConsentVia } from '../../db/queries/consents.js';
import { recordEvent } from '../../db/queries/events.js';
import { findPartner } from '../../db/queries/partners.js';
import type { StaffPrincipal } from '../../db/queries/staff.js';
import { CONSENT_CATEGORIES, CONSENT_KINDS, CONSENT_VIA } from '../../db/schema/index.js';
import { CONSENT_EXPLANATION_VERSION } from '../../templates/staff/consent-explanation.js';
import { ADULT_AGE, GUARDIAN_RELATIONS, type ConsentCategory, type ConsentKind, type GuardianRelation } from './consent-rules.js';
import { EARLIEST_DATE, RECORDING_ROLES } from './youngster-records.js';
import { ageOn, amsterdamToday } from './youngster-panel.js';

/** What a form or a JSON client sends; everything is checked here, nothing is trusted. */
export interface ConsentInput {
  kind?: unknown;
  partnerId?: unknown;
  category?: unknown;
  givenOn?: unknown;
  givenVia?: unknown;
  guardianConsentOn?: unknown;
  guardianRelation?: unknown;
}
export interface WithdrawInput {
  via?: unknown;
}

// A plain form sends '' for a field left empty; that means "not given", as a missing field does.
const blank = (v: unknown) => (v === '' || v === null ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blank, schema.optional());

// Each refusal's message is its code (templates/staff says it in the user's language).
const consentSchema = z.object({
  kind: z.enum(CONSENT_KINDS, { error: 'consent_kind_invalid' }),
  partnerId: optional(z.uuid({ error: 'consent_partner_invalid' })),
  category: optional(z.enum(CONSENT_CATEGORIES, { error: 'consent_category_invalid' })),
  givenOn: optional(z.string({ error: 'date_invalid' })),
  givenVia: z.enum(CONSENT_VIA, { error: 'consent_via_invalid' }),
  guardianConsentOn: optional(z.string({ error: 'date_invalid' })),
  guardianRelation: optional(z.enum(GUARDIAN_RELATIONS, { error: 'consent_guardian_relation_invalid' })),
});
const withdrawSchema = z.object({ via: z.enum(CONSENT_VIA, { error: 'consent_withdraw_via_invalid' }) });

function parsed<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  const code = r.error.issues[0]?.message ?? 'invalid_input';
  // A date's code names its field, as the panel's other date refusals do.
  const field = r.error.issues[0]?.path[0] === 'guardianConsentOn' ? 'guardian_consent' : 'consent';
  throw new InputError(`consent refused (${code})`, code, 400, code === 'date_invalid' ? { field } : {});
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar day between 2020 and today (Amsterdam); missing means today. */
function checkDay(value: string | undefined, today: string, field: 'consent' | 'guardian_consent'): string {
  if (value === undefined) return today;
  const iso = value.trim();
  // parseLocalDateTime refuses days that do not exist (31 February).
  if (!ISO_DATE.test(iso) || !parseLocalDateTime(iso, '12:00')) throw new InputError('not a date', 'date_invalid', 400, { field });
  if (iso > today) throw new InputError('date in the future', 'date_future', 400, { field });
  if (iso < EARLIEST_DATE) throw new InputError(`date before ${EARLIEST_DATE}`, 'date_too_early', 400, { field });
  return iso;
}

/** Today's consent carries the moment it was recorded; an earlier day is stored at noon, Amsterdam time. */
function instantOf(day: string, today: string, now: Date): Date {
  return day === today ? now : parseLocalDateTime(day, '12:00')!;
}

export interface CheckedConsent {
  kind: ConsentKind;
  partnerId: string | null;
  category: ConsentCategory | null;
  givenOn: string;
  givenVia: ConsentVia;
  guardian: { on: string; relation: GuardianRelation } | null;
}

/**
 * Checks the whole consent before anything is stored. `birthDate` decides the
 * guardian: under 18 on the day consent was given, it is required; of unknown
 * age it is kept when given; an adult's is not stored (it means nothing).
 */
export function validateConsent(input: ConsentInput, today: string, birthDate: string | null): CheckedConsent {
  const c = parsed(consentSchema, input);
  const givenOn = checkDay(c.givenOn, today, 'consent');
  let partnerId: string | null = null;
  let category: ConsentCategory | null = null;
  if (c.kind === 'partner') {
    if (!c.partnerId) throw new InputError('no partner chosen', 'consent_partner_missing');
    if (!c.category) throw new InputError('no category chosen', 'consent_category_invalid');
    partnerId = c.partnerId;
    category = c.category;
  }
  const age = ageOn(birthDate, givenOn);
  const minor = age !== null && age < ADULT_AGE;
  const guardianSent = c.guardianConsentOn !== undefined || c.guardianRelation !== undefined;
  let guardian: CheckedConsent['guardian'] = null;
  if (minor || (age === null && guardianSent)) {
    if (c.guardianConsentOn === undefined || c.guardianRelation === undefined) {
      // Of unknown age, half a guardian is a typing slip, not a refusal of the law.
      if (!minor) throw new InputError('guardian half filled in', 'consent_guardian_incomplete');
      throw new InputError('under 18 without a guardian', 'consent_guardian_required');
    }
    guardian = { on: checkDay(c.guardianConsentOn, today, 'guardian_consent'), relation: c.guardianRelation };
  }
  return { kind: c.kind, partnerId, category, givenOn, givenVia: c.givenVia, guardian };
}

export function validateWithdraw(input: WithdrawInput): { via: ConsentVia } {
  return parsed(withdrawSchema, input);
}

/**
 * The consent ledger, staff side (domain.md step 3): consent to work together,
 * and per partner consent to share "that" there is contact or "what" it
 * contains. Recorded by the signed-in casemanager or coordinator with the
 * version of the explanation they read out; withdrawing never deletes. The
 * anonymous event log gets only the kind, category and channel codes.
 */
export function createConsents(deps: { database: Database; liveBus: LiveBus; now?: () => Date }) {
  const { db } = deps.database;
  const now = () => deps.now?.() ?? new Date();

  /** The conversation's youngster, locked, if in scope and linked; else 404 - then the role (403). */
  async function lockYoungster(tx: Tx, staff: StaffPrincipal, conversationId: string) {
    const row = await lockConsentYoungster(tx, conversationId, staff.municipalityIds);
    if (!row) throw new NotFoundError('conversation');
    if (!RECORDING_ROLES.includes(staff.role)) throw new InputError('this role does not record casework', 'forbidden', 403);
    return row;
  }

  async function signal(conversationId: string, municipalityId: string) {
    // Best effort: a colleague's screen catches up on its next reload anyway.
    await deps.liveBus.publishInbox({ kind: 'conversation', conversationId, municipalityId }).catch(() => {});
  }

  async function record(staff: StaffPrincipal, conversationId: string, input: ConsentInput) {
    const at = now();
    const today = amsterdamToday(at);
    const done = await db.transaction(async (tx) => {
      // Scope first: outside it the conversation does not exist, whatever was sent.
      const y = await lockYoungster(tx, staff, conversationId);
      const c = validateConsent(input, today, y.birthDate);
      const active = await listActiveConsents(tx, y.youngsterId);
      if (c.kind === 'partner') {
        const partner = await findPartner(tx, y.municipalityId, c.partnerId!);
        if (!partner || !partner.active) throw new InputError('not a partner of this municipality', 'consent_partner_invalid');
        // Sharing follows working together (domain.md step 3): no partner without cooperation.
        if (!active.some((a) => a.kind === 'cooperation')) throw new ConflictError('no cooperation consent', 'consent_cooperation_first');
      }
      const same = active.some((a) => a.kind === c.kind && a.partnerId === c.partnerId && a.category === c.category);
      if (same) throw new ConflictError('this consent is already in force', 'consent_exists');
      const consentId = await insertConsent(tx, {
        youngsterId: y.youngsterId,
        kind: c.kind,
        partnerId: c.partnerId,
        category: c.category,
        givenAt: instantOf(c.givenOn, today, at),
        givenVia: c.givenVia,
        explanationVersion: CONSENT_EXPLANATION_VERSION,
        recordedBy: staff.id,
        guardianConsentAt: c.guardian ? instantOf(c.guardian.on, today, at) : null,
        guardianRelation: c.guardian?.relation ?? null,
      });
      await recordEvent(tx, {
        type: 'consent.given',
        municipalityId: y.municipalityId,
        subject: y.monitoringKey,
        conversationId,
        actorStaffId: staff.id,
        // Codes only: never the partner's name (it can say a lot about a person).
        data: { kind: c.kind, category: c.category, via: c.givenVia },
      });
      return { consentId, municipalityId: y.municipalityId };
    });
    await signal(conversationId, done.municipalityId);
    return { consentId: done.consentId };
  }

  /**
   * Sets withdrawn_* on one consent of this youngster. Withdrawing the consent
   * to work together withdraws the partner consents with it: without it there
   * is nothing to share.
   */
  async function withdraw(staff: StaffPrincipal, conversationId: string, consentId: string, input: WithdrawInput) {
    const at = now();
    const done = await db.transaction(async (tx) => {
      const y = await lockYoungster(tx, staff, conversationId);
      const consent = await findConsent(tx, y.youngsterId, consentId);
      if (!consent) throw new NotFoundError('consent');
      const { via } = validateWithdraw(input);
      if (consent.withdrawnAt) throw new ConflictError('already withdrawn', 'consent_withdrawn');
      const ids = [consent.id];
      if (consent.kind === 'cooperation') {
        for (const a of await listActiveConsents(tx, y.youngsterId)) if (a.kind === 'partner') ids.push(a.id);
      }
      const withdrawn = await markConsentsWithdrawn(tx, y.youngsterId, ids, { withdrawnAt: at, withdrawnVia: via, withdrawnRecordedBy: staff.id });
      for (const w of withdrawn) {
        await recordEvent(tx, {
          type: 'consent.withdrawn',
          municipalityId: y.municipalityId,
          subject: y.monitoringKey,
          conversationId,
          actorStaffId: staff.id,
          data: { kind: w.kind, category: w.category, via },
        });
      }
      return { municipalityId: y.municipalityId, withdrawn: withdrawn.length };
    });
    await signal(conversationId, done.municipalityId);
    return { withdrawn: done.withdrawn };
  }

  return { record, withdraw };
}
export type Consents = ReturnType<typeof createConsents>;
