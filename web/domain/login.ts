import { sha256 } from '../../core/hash.js';
import { newSecret } from '../../core/tokens.js';
import type { Database } from '../../db/client.js';
import { appendAudit } from '../../db/queries/audit-log.js';
import {
  createSession,
  deleteSession,
  findStaffByEmail,
  findStaffById,
  recordLoginFailure,
  recordLoginSuccess,
  type LoginBackoff,
} from '../../db/queries/staff.js';
import type { StaffRole } from '../../db/schema/index.js';
import { argon2Hasher, DUMMY_HASH, type PasswordHasher } from './password-hasher.js';
import type { Totp } from './totp.js';

/**
 * Per-account backoff instead of a hard lock: after 5 wrong passwords or codes
 * the next attempt is only considered after 2^failures seconds (32 s, 64 s,
 * ...), at most 15 minutes. Attempts in between are refused unchecked and not
 * counted, so nobody can lock an account for longer by trying faster.
 */
export const LOGIN_BACKOFF: LoginBackoff = { afterFailures: 5, capSeconds: 15 * 60 };
export const SESSION_HOURS = 10; // a working day; then log in again

/** Seconds an account waits after its `failures`-th wrong attempt (mirrors the SQL in recordLoginFailure). */
export function backoffSeconds(failures: number, backoff: LoginBackoff = LOGIN_BACKOFF): number {
  return failures < backoff.afterFailures ? 0 : Math.min(2 ** Math.min(failures, 30), backoff.capSeconds);
}

/**
 * One reason for every refusal: unknown address, wrong password, an account
 * still in its backoff - the caller cannot tell them apart, so neither can
 * whoever is guessing.
 */
export type LoginResult =
  | { ok: true; sessionToken: string; expiresAt: Date; staffUserId: string; role: StaffRole }
  | { ok: false; reason: 'invalid' }
  /** Password correct, but a TOTP code is still needed (see `secondFactor`). */
  | { ok: false; reason: 'second_factor'; staffUserId: string };

export function hashPassword(password: string): Promise<string> {
  return argon2Hasher.hash(password);
}

/** Where a role starts after signing in. */
export function homeOf(role: StaffRole): string {
  if (role === 'admin') return '/admin/accounts';
  if (role === 'privacy_officer') return '/audit';
  if (role === 'regional') return '/reports/monitoring';
  return '/inbox';
}

const REFUSED = { ok: false, reason: 'invalid' } as const;

export function createLogin(deps: { database: Database; totp?: Totp; hasher?: PasswordHasher; now?: () => Date }) {
  const { db } = deps.database;
  const hasher = deps.hasher ?? argon2Hasher;
  const clock = deps.now ?? (() => new Date());

  const waiting = (user: { lockedUntil: Date | null }, now: Date) => user.lockedUntil !== null && user.lockedUntil > now;

  /**
   * Sign-ins and refusals in the audit log (BIO): the account's id when there is one,
   * never the address that was typed (an unknown one could be anybody's). Written
   * before answering, so a sign-in the log cannot record does not happen.
   */
  const audit = (action: 'staff.sign_in' | 'staff.sign_in_failed' | 'staff.sign_out', who: { id: string; teamId: string } | null, step?: 'password' | 'totp') =>
    appendAudit(db, { staffId: who?.id ?? null, teamId: who?.teamId ?? null, action, detail: step ? { step } : {} });

  /** A new server-side session for an account that has fully signed in. */
  async function startSession(staffUserId: string) {
    const sessionToken = newSecret(32);
    const expiresAt = new Date(Date.now() + SESSION_HOURS * 3600_000);
    await createSession(db, { idHash: sha256(sessionToken), staffUserId, expiresAt });
    return { sessionToken, expiresAt };
  }

  /**
   * The password step. Every refusal does the same work - one argon2 verify
   * (against a dummy hash when there is no account) and one failure update
   * (which matches nothing for an unknown address or an account still
   * waiting) - so neither the answer nor its timing tells whether an address exists.
   */
  async function login(email: string, password: string): Promise<LoginResult> {
    const now = clock();
    const user = await findStaffByEmail(db, email);
    const account = user && user.active && user.passwordHash ? user : null;
    const valid = await hasher.verify(account?.passwordHash ?? DUMMY_HASH, password);
    if (!account || !valid || waiting(account, now)) {
      await recordLoginFailure(db, { email }, now, LOGIN_BACKOFF);
      // Also for an unknown address (no id then), so every refusal still does the same work.
      await audit('staff.sign_in_failed', user, 'password');
      return REFUSED;
    }
    // With a second factor the failure count is only reset once the code is right too,
    // so a known password cannot be used to reset the backoff between code guesses.
    if (account.totpEnabledAt && account.totpSecretSealed) return { ok: false, reason: 'second_factor', staffUserId: account.id };
    await recordLoginSuccess(db, account.id);
    await audit('staff.sign_in', account, 'password');
    return { ok: true, ...(await startSession(account.id)), staffUserId: account.id, role: account.role };
  }

  /**
   * The second step: a TOTP code for an account whose password was just
   * accepted. Wrong codes count towards the same backoff; while the account
   * waits, a code is not even checked (checking would use a right one up).
   */
  async function secondFactor(staffUserId: string, code: string): Promise<LoginResult> {
    const now = clock();
    const user = await findStaffById(db, staffUserId);
    if (!user || !user.active || !user.passwordHash || !user.totpEnabledAt || !user.totpSecretSealed || !deps.totp) return REFUSED;
    if (waiting(user, now)) return REFUSED;
    const accepted = await deps.totp.verifyForUser(user.id, user.totpSecretSealed, code);
    if (!accepted) {
      await recordLoginFailure(db, { id: user.id }, now, LOGIN_BACKOFF);
      await audit('staff.sign_in_failed', user, 'totp');
      return REFUSED;
    }
    await recordLoginSuccess(db, user.id);
    await audit('staff.sign_in', user, 'totp');
    return { ok: true, ...(await startSession(user.id)), staffUserId: user.id, role: user.role };
  }

  /** Ends the session; `who` is the signed-in person it belonged to (none for a stale cookie: nothing to log). */
  async function logout(sessionToken: string, who: { id: string; teamId: string } | null = null) {
    await deleteSession(db, sha256(sessionToken));
    if (who) await audit('staff.sign_out', who);
  }

  return { login, secondFactor, startSession, logout };
}
export type Login = ReturnType<typeof createLogin>;
