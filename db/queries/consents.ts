import { and, desc, eq, inArray, isNull } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { DbOrTx, Tx } from '../client.js';
import { consents, conversations, partners, staffUsers, youngsters } from '../schema/index.js';

/*
 * The consent ledger (db/schema/personal.ts `consents`): what a youngster agreed
 * to, recorded by staff. Rows are only ever added or marked withdrawn, never
 * deleted here (they go with the person on erasure, by cascade).
 */

export type Consent = typeof consents.$inferSelect;
export type NewConsent = Omit<typeof consents.$inferInsert, 'id' | 'createdAt' | 'withdrawnAt' | 'withdrawnVia' | 'withdrawnRecordedBy'>;
export type ConsentVia = NonNullable<Consent['givenVia']>;

/**
 * The youngster of a conversation inside the scope, their row locked for the
 * caller's transaction (so two consents recorded at once cannot both pass the
 * "already given?" check); null when out of scope or without a youngster.
 */
export async function lockConsentYoungster(tx: Tx, conversationId: string, municipalityIds: string[]) {
  if (municipalityIds.length === 0) return null;
  const [row] = await tx
    .select({
      municipalityId: conversations.municipalityId,
      youngsterId: youngsters.id,
      monitoringKey: youngsters.monitoringKey,
      birthDate: youngsters.birthDate,
    })
    .from(conversations)
    .innerJoin(youngsters, eq(youngsters.id, conversations.youngsterId))
    .where(and(eq(conversations.id, conversationId), inArray(conversations.municipalityId, municipalityIds)))
    .for('update', { of: youngsters })
    .limit(1);
  // Inside a scope, a conversation always has its municipality.
  return row?.municipalityId ? { ...row, municipalityId: row.municipalityId } : null;
}

export async function insertConsent(tx: DbOrTx, c: NewConsent): Promise<string> {
  const [row] = await tx.insert(consents).values(c).returning({ id: consents.id });
  return row!.id;
}

/** The youngster's consents that are still in force (not withdrawn). */
export async function listActiveConsents(db: DbOrTx, youngsterId: string): Promise<Consent[]> {
  return db
    .select()
    .from(consents)
    .where(and(eq(consents.youngsterId, youngsterId), isNull(consents.withdrawnAt)))
    .orderBy(desc(consents.givenAt));
}

/** One consent of this youngster (null when it is someone else's or does not exist). */
export async function findConsent(db: DbOrTx, youngsterId: string, consentId: string): Promise<Consent | null> {
  const [row] = await db
    .select()
    .from(consents)
    .where(and(eq(consents.id, consentId), eq(consents.youngsterId, youngsterId)))
    .limit(1);
  return row ?? null;
}

/**
 * Marks consents withdrawn; only those still in force (a second click changes
 * nothing). Returns the rows it withdrew.
 */
export async function markConsentsWithdrawn(
  tx: DbOrTx,
  youngsterId: string,
  consentIds: string[],
  w: { withdrawnAt: Date; withdrawnVia: ConsentVia; withdrawnRecordedBy: string },
): Promise<Pick<Consent, 'id' | 'kind' | 'category'>[]> {
  if (consentIds.length === 0) return [];
  return tx
    .update(consents)
    .set(w)
    .where(and(eq(consents.youngsterId, youngsterId), inArray(consents.id, consentIds), isNull(consents.withdrawnAt)))
    .returning({ id: consents.id, kind: consents.kind, category: consents.category });
}

const recorder = alias(staffUsers, 'consent_recorder');
const withdrawer = alias(staffUsers, 'consent_withdrawer');

/** Every consent of the youngster, newest first, with the partner's name and who recorded and withdrew it. */
export async function listConsentLedger(db: DbOrTx, youngsterId: string) {
  return db
    .select({
      id: consents.id,
      kind: consents.kind,
      partnerId: consents.partnerId,
      partnerName: partners.name,
      partnerActive: partners.active,
      category: consents.category,
      givenAt: consents.givenAt,
      givenVia: consents.givenVia,
      explanationVersion: consents.explanationVersion,
      recordedByName: recorder.name,
      guardianConsentAt: consents.guardianConsentAt,
      guardianRelation: consents.guardianRelation,
      withdrawnAt: consents.withdrawnAt,
      withdrawnVia: consents.withdrawnVia,
      withdrawnByName: withdrawer.name,
    })
    .from(consents)
    .leftJoin(partners, eq(partners.id, consents.partnerId))
    .leftJoin(recorder, eq(recorder.id, consents.recordedBy))
    .leftJoin(withdrawer, eq(withdrawer.id, consents.withdrawnRecordedBy))
    .where(eq(consents.youngsterId, youngsterId))
    .orderBy(desc(consents.givenAt), desc(consents.createdAt));
}
export type ConsentLedgerRow = Awaited<ReturnType<typeof listConsentLedger>>[number];
