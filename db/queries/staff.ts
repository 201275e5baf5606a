import { and, asc, desc, eq, gt, gte, inArray, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../client.js';
import { events, municipalities, staffSessions, staffUsers, teamMunicipalities, teams, type StaffRole } from '../schema/index.js';

export interface StaffPrincipal {
  id: string;
  name: string;
  firstName: string;
  email: string;
  role: StaffRole;
  teamId: string;
  teamName: string;
  /** The only municipalities whose youngsters this person may ever see. */
  municipalityIds: string[];
  /** Whether a TOTP second factor is set up (filled in by loadSessionPrincipal). */
  totpEnabled?: boolean;
  /** The staff app's language for this person (filled in by loadSessionPrincipal). */
  uiLanguage?: string;
}

/** E-mail addresses are stored lower-case and trimmed. */
function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function findStaffByEmail(db: DbOrTx, email: string) {
  const rows = await db
    .select()
    .from(staffUsers)
    .where(eq(staffUsers.email, normaliseEmail(email)))
    .limit(1);
  return rows[0] ?? null;
}

export async function teamMunicipalityIds(db: DbOrTx, teamId: string): Promise<string[]> {
  const rows = await db
    .select({ id: teamMunicipalities.municipalityId })
    .from(teamMunicipalities)
    .where(eq(teamMunicipalities.teamId, teamId));
  return rows.map((r) => r.id);
}

export async function createSession(db: DbOrTx, s: { idHash: string; staffUserId: string; expiresAt: Date }) {
  await db.insert(staffSessions).values({ id: s.idHash, staffUserId: s.staffUserId, expiresAt: s.expiresAt });
}

export async function deleteSession(db: DbOrTx, idHash: string) {
  await db.delete(staffSessions).where(eq(staffSessions.id, idHash));
}

/** The signed-in person behind a session, or null when expired, unknown or deactivated. */
export async function loadSessionPrincipal(db: DbOrTx, idHash: string): Promise<StaffPrincipal | null> {
  const rows = await db
    .select({
      id: staffUsers.id,
      name: staffUsers.name,
      firstName: staffUsers.firstName,
      email: staffUsers.email,
      role: staffUsers.role,
      teamId: staffUsers.teamId,
      teamName: teams.name,
      totpEnabledAt: staffUsers.totpEnabledAt,
      uiLanguage: staffUsers.uiLanguage,
    })
    .from(staffSessions)
    .innerJoin(staffUsers, eq(staffUsers.id, staffSessions.staffUserId))
    .innerJoin(teams, eq(teams.id, staffUsers.teamId))
    .where(and(eq(staffSessions.id, idHash), gt(staffSessions.expiresAt, sql`now()`), eq(staffUsers.active, true)))
    .limit(1);
  const row = rows[0];
  if (!row) return null;
  const { totpEnabledAt, uiLanguage, ...rest } = row;
  return {
    ...rest,
    totpEnabled: totpEnabledAt !== null,
    uiLanguage: uiLanguage === 'en' ? 'en' : 'nl',
    // A regional account sees no youngster of any municipality: its figures come from the anonymous events (web/domain/monitoring-report.ts).
    municipalityIds: row.role === 'regional' ? [] : await teamMunicipalityIds(db, row.teamId),
  };
}

export interface LoginBackoff {
  /** Failures before the first wait. */
  afterFailures: number;
  /** The longest wait, in seconds. */
  capSeconds: number;
}

/**
 * Counts a failed sign-in and, from `afterFailures` on, sets the next moment
 * an attempt is considered: `at` + 2^failures seconds, capped. By e-mail
 * address, so an unknown address runs the same statement (matching nothing);
 * an attempt made while the account is still waiting matches nothing either,
 * so it is not counted - checked in the statement itself, not from an earlier read.
 */
export async function recordLoginFailure(db: DbOrTx, who: { email: string } | { id: string }, at: Date, backoff: LoginBackoff) {
  const now = sql`${at.toISOString()}::timestamptz`;
  const account =
    'email' in who
      ? and(eq(staffUsers.email, normaliseEmail(who.email)), eq(staffUsers.active, true), isNotNull(staffUsers.passwordHash))
      : eq(staffUsers.id, who.id);
  const failures = sql`${staffUsers.failedLogins} + 1`;
  await db
    .update(staffUsers)
    .set({
      failedLogins: failures,
      lockedUntil: sql`case when ${failures} >= ${backoff.afterFailures}::int
        then ${now} + make_interval(secs => least(power(2, least(${failures}, 30)), ${backoff.capSeconds}::int))
        else null end`,
    })
    .where(and(account, or(isNull(staffUsers.lockedUntil), lte(staffUsers.lockedUntil, now))));
}

export async function recordLoginSuccess(db: DbOrTx, userId: string) {
  await db.update(staffUsers).set({ failedLogins: 0, lockedUntil: null }).where(eq(staffUsers.id, userId));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function findStaffById(db: DbOrTx, id: string) {
  if (!UUID.test(id)) return null;
  const rows = await db.select().from(staffUsers).where(eq(staffUsers.id, id)).limit(1);
  return rows[0] ?? null;
}

/** An account of the given team, or null (unknown ids and other teams' accounts look the same). */
export async function findTeamAccount(db: DbOrTx, teamId: string, id: string) {
  if (!UUID.test(id)) return null;
  const rows = await db
    .select()
    .from(staffUsers)
    .where(and(eq(staffUsers.id, id), eq(staffUsers.teamId, teamId)))
    .limit(1);
  return rows[0] ?? null;
}

export interface AccountRow {
  id: string;
  email: string;
  name: string;
  firstName: string;
  role: StaffRole;
  active: boolean;
  hasPassword: boolean;
  inviteExpiresAt: Date | null;
  totpEnabled: boolean;
  createdAt: Date;
}

export async function listTeamAccounts(db: DbOrTx, teamId: string): Promise<AccountRow[]> {
  const rows = await db
    .select({
      id: staffUsers.id,
      email: staffUsers.email,
      name: staffUsers.name,
      firstName: staffUsers.firstName,
      role: staffUsers.role,
      active: staffUsers.active,
      passwordHash: staffUsers.passwordHash,
      inviteExpiresAt: staffUsers.inviteExpiresAt,
      totpEnabledAt: staffUsers.totpEnabledAt,
      createdAt: staffUsers.createdAt,
    })
    .from(staffUsers)
    .where(eq(staffUsers.teamId, teamId))
    .orderBy(asc(staffUsers.name), asc(staffUsers.email));
  return rows.map(({ passwordHash, totpEnabledAt, ...r }) => ({
    ...r,
    hasPassword: passwordHash !== null,
    totpEnabled: totpEnabledAt !== null,
  }));
}

/** Inserts an invited account (no password yet); null when the e-mail address is taken. */
export async function insertInvitedStaff(
  db: DbOrTx,
  a: { teamId: string; email: string; name: string; firstName: string; role: StaffRole; inviteTokenHash: string; inviteExpiresAt: Date },
) {
  const rows = await db
    .insert(staffUsers)
    .values({ ...a, passwordHash: null, active: true })
    .onConflictDoNothing({ target: staffUsers.email })
    .returning({ id: staffUsers.id });
  return rows[0] ?? null;
}

export async function setStaffActive(db: DbOrTx, id: string, active: boolean) {
  await db.update(staffUsers).set({ active }).where(eq(staffUsers.id, id));
}

export async function deleteSessionsOf(db: DbOrTx, staffUserId: string) {
  await db.delete(staffSessions).where(eq(staffSessions.staffUserId, staffUserId));
}

/** A new invitation: the old password stops working, the link sets a new one. */
export async function resetInvite(db: DbOrTx, id: string, inviteTokenHash: string, inviteExpiresAt: Date) {
  await db
    .update(staffUsers)
    .set({ inviteTokenHash, inviteExpiresAt, passwordHash: null, failedLogins: 0, lockedUntil: null })
    .where(eq(staffUsers.id, id));
}

/** The active account behind a still valid invitation token hash. */
export async function findByInviteHash(db: DbOrTx, inviteTokenHash: string) {
  const rows = await db
    .select()
    .from(staffUsers)
    .where(
      and(eq(staffUsers.inviteTokenHash, inviteTokenHash), gt(staffUsers.inviteExpiresAt, sql`now()`), eq(staffUsers.active, true)),
    )
    .limit(1);
  return rows[0] ?? null;
}

/** Uses the invitation once (atomically): sets the password and clears the token. Null when it was no longer valid. */
export async function acceptInvite(db: DbOrTx, inviteTokenHash: string, passwordHash: string) {
  const rows = await db
    .update(staffUsers)
    .set({ passwordHash, inviteTokenHash: null, inviteExpiresAt: null, failedLogins: 0, lockedUntil: null })
    .where(
      and(eq(staffUsers.inviteTokenHash, inviteTokenHash), gt(staffUsers.inviteExpiresAt, sql`now()`), eq(staffUsers.active, true)),
    )
    .returning({ id: staffUsers.id, role: staffUsers.role, teamId: staffUsers.teamId });
  return rows[0] ?? null;
}

export async function enableTotp(db: DbOrTx, id: string, sealedSecret: string, step: number) {
  const rows = await db
    .update(staffUsers)
    .set({ totpSecretSealed: sealedSecret, totpEnabledAt: sql`now()`, totpLastStep: step })
    .where(and(eq(staffUsers.id, id), isNull(staffUsers.totpEnabledAt)))
    .returning({ id: staffUsers.id });
  return rows.length === 1;
}

export async function disableTotp(db: DbOrTx, id: string) {
  await db
    .update(staffUsers)
    .set({ totpSecretSealed: null, totpEnabledAt: null, totpLastStep: null })
    .where(eq(staffUsers.id, id));
}

/** Accepts a TOTP time step once: false when this step (or a later one) was used before. */
export async function claimTotpStep(db: DbOrTx, id: string, step: number) {
  const rows = await db
    .update(staffUsers)
    .set({ totpLastStep: step })
    .where(
      and(
        eq(staffUsers.id, id),
        isNotNull(staffUsers.totpEnabledAt),
        or(isNull(staffUsers.totpLastStep), lt(staffUsers.totpLastStep, step)),
      ),
    )
    .returning({ id: staffUsers.id });
  return rows.length === 1;
}

/** Audit: events per type per municipality since a moment, for the given municipalities only. */
export async function auditCounts(db: DbOrTx, municipalityIds: string[], since: Date) {
  if (municipalityIds.length === 0) return [];
  return db
    .select({
      municipality: municipalities.name,
      type: events.type,
      count: sql<number>`count(*)::int`,
    })
    .from(events)
    .innerJoin(municipalities, eq(municipalities.id, events.municipalityId))
    .where(and(inArray(events.municipalityId, municipalityIds), gte(events.occurredAt, since)))
    .groupBy(municipalities.name, events.type)
    .orderBy(asc(municipalities.name), asc(events.type));
}

const fromTeam = alias(teams, 'from_team');
const toTeam = alias(teams, 'to_team');

/**
 * Audit: the latest actions by staff, in the team's municipalities or (for
 * account events without a municipality) by staff of the team, plus the
 * handovers of a municipality to or from the team (which the team that gave
 * it away no longer has in scope). Type, time, actor and municipality only -
 * never the event's data, subjects or conversations - and for a handover the
 * two teams' names.
 */
export async function auditStaffActions(db: DbOrTx, teamId: string, municipalityIds: string[], limit = 100) {
  const ownScope =
    municipalityIds.length > 0
      ? or(inArray(events.municipalityId, municipalityIds), and(isNull(events.municipalityId), eq(staffUsers.teamId, teamId)))
      : and(isNull(events.municipalityId), eq(staffUsers.teamId, teamId));
  const handovers = and(
    eq(events.type, 'municipality.transferred'),
    or(sql`${events.data}->>'fromTeamId' = ${teamId}`, sql`${events.data}->>'toTeamId' = ${teamId}`),
  );
  return db
    .select({
      type: events.type,
      occurredAt: events.occurredAt,
      actorName: staffUsers.name,
      municipality: municipalities.name,
      fromTeam: fromTeam.name,
      toTeam: toTeam.name,
    })
    .from(events)
    .leftJoin(staffUsers, eq(staffUsers.id, events.actorStaffId))
    .leftJoin(municipalities, eq(municipalities.id, events.municipalityId))
    // Compared as text: other event types' data has no team ids, and nothing is cast.
    .leftJoin(fromTeam, and(eq(events.type, 'municipality.transferred'), sql`${fromTeam.id}::text = ${events.data}->>'fromTeamId'`))
    .leftJoin(toTeam, and(eq(events.type, 'municipality.transferred'), sql`${toTeam.id}::text = ${events.data}->>'toTeamId'`))
    .where(and(isNotNull(events.actorStaffId), or(ownScope, handovers)))
    .orderBy(desc(events.occurredAt), desc(events.id))
    .limit(limit);
}

/** The staff app's language for one person ('nl' | 'en', checked by the caller). */
export async function setUiLanguage(db: DbOrTx, staffUserId: string, lang: 'nl' | 'en') {
  await db.update(staffUsers).set({ uiLanguage: lang }).where(eq(staffUsers.id, staffUserId));
}

/**
 * Clears someone's TOTP second factor (lost phone) and ends their sessions, in
 * the admin's own team only. Returns false when the account is not in that team.
 */
export async function resetTotp(db: DbOrTx, teamId: string, staffUserId: string): Promise<boolean> {
  const rows = await db
    .update(staffUsers)
    .set({ totpSecretSealed: null, totpEnabledAt: null, totpLastStep: null })
    .where(and(eq(staffUsers.id, staffUserId), eq(staffUsers.teamId, teamId)))
    .returning({ id: staffUsers.id });
  if (rows.length === 0) return false;
  await db.delete(staffSessions).where(eq(staffSessions.staffUserId, staffUserId));
  return true;
}

/** First names of staff members by id (who a free moment is with, on the booking form). */
export async function staffFirstNames(db: DbOrTx, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select({ id: staffUsers.id, firstName: staffUsers.firstName }).from(staffUsers).where(inArray(staffUsers.id, [...new Set(ids)]));
  return new Map(rows.map((r) => [r.id, r.firstName]));
}
