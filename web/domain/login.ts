import argon2 from 'argon2';
import { sha256 } from '../../core/hash.js';
import { newSecret } from '../../core/tokens.js';
import type { Database } from '../../db/client.js';
import {
  createSession,
  deleteSession,
  findStaffByEmail,
  findStaffById,
  recordLoginFailure,
  recordLoginSuccess,
} from '../../db/queries/staff.js';
import type { StaffRole } from '../../db/schema/index.js';
import type { Totp } from './totp.js';

export const LOCK_AFTER_FAILURES = 5;
export const LOCK_MINUTES = 15;
export const SESSION_HOURS = 10; // a working day; then log in again

export type LoginResult =
  | { ok: true; sessionToken: string; expiresAt: Date; staffUserId: string; role: StaffRole }
  | { ok: false; reason: 'invalid' | 'locked' }
  /** Password correct, but a TOTP code is still needed (see `secondFactor`). */
  | { ok: false; reason: 'second_factor'; staffUserId: string };

// Verified against for unknown e-mail addresses so a wrong address takes as long as a wrong password.
let dummyHash: Promise<string> | undefined;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

/** Where a role starts after signing in. */
export function homeOf(role: StaffRole): string {
  if (role === 'admin') return '/admin/accounts';
  if (role === 'privacy_officer') return '/audit';
  return '/inbox';
}

export function createLogin(deps: { database: Database; totp?: Totp }) {
  const { db } = deps.database;

  /** A new server-side session for an account that has fully signed in. */
  async function startSession(staffUserId: string) {
    const sessionToken = newSecret(32);
    const expiresAt = new Date(Date.now() + SESSION_HOURS * 3600_000);
    await createSession(db, { idHash: sha256(sessionToken), staffUserId, expiresAt });
    return { sessionToken, expiresAt };
  }

  async function login(email: string, password: string): Promise<LoginResult> {
    const user = await findStaffByEmail(db, email);
    if (!user || !user.passwordHash || !user.active) {
      dummyHash ??= hashPassword(newSecret());
      await argon2.verify(await dummyHash, password).catch(() => false);
      return { ok: false, reason: 'invalid' };
    }
    if (user.lockedUntil && user.lockedUntil > new Date()) return { ok: false, reason: 'locked' };
    const valid = await argon2.verify(user.passwordHash, password).catch(() => false);
    if (!valid) {
      await recordLoginFailure(db, user.id, LOCK_AFTER_FAILURES, LOCK_MINUTES);
      return { ok: false, reason: 'invalid' };
    }
    // With a second factor the failure count is only reset once the code is right too,
    // so a known password cannot be used to reset the lockout between code guesses.
    if (user.totpEnabledAt && user.totpSecretSealed) return { ok: false, reason: 'second_factor', staffUserId: user.id };
    await recordLoginSuccess(db, user.id);
    return { ok: true, ...(await startSession(user.id)), staffUserId: user.id, role: user.role };
  }

  /** The second step: a TOTP code for an account whose password was just accepted. */
  async function secondFactor(staffUserId: string, code: string): Promise<LoginResult> {
    const user = await findStaffById(db, staffUserId);
    if (!user || !user.active || !user.passwordHash || !user.totpEnabledAt || !user.totpSecretSealed || !deps.totp) {
      return { ok: false, reason: 'invalid' };
    }
    if (user.lockedUntil && user.lockedUntil > new Date()) return { ok: false, reason: 'locked' };
    const accepted = await deps.totp.verifyForUser(user.id, user.totpSecretSealed, code);
    if (!accepted) {
      await recordLoginFailure(db, user.id, LOCK_AFTER_FAILURES, LOCK_MINUTES);
      const after = await findStaffById(db, user.id);
      if (after?.lockedUntil && after.lockedUntil > new Date()) return { ok: false, reason: 'locked' };
      return { ok: false, reason: 'invalid' };
    }
    await recordLoginSuccess(db, user.id);
    return { ok: true, ...(await startSession(user.id)), staffUserId: user.id, role: user.role };
  }

  async function logout(sessionToken: string) {
    await deleteSession(db, sha256(sessionToken));
  }

  return { login, secondFactor, startSession, logout };
}
export type Login = ReturnType<typeof createLogin>;
