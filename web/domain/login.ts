import argon2 from 'argon2';
import { sha256 } from '../../core/hash.js';
import { newSecret } from '../../core/tokens.js';
import type { Database } from '../../db/client.js';
import {
  createSession,
  deleteSession,
  findStaffByEmail,
  recordLoginFailure,
  recordLoginSuccess,
} from '../../db/queries/staff.js';

export const LOCK_AFTER_FAILURES = 5;
export const LOCK_MINUTES = 15;
export const SESSION_HOURS = 10; // a working day; then log in again

export type LoginResult = { ok: true; sessionToken: string; expiresAt: Date } | { ok: false; reason: 'invalid' | 'locked' };

// Verified against for unknown e-mail addresses so a wrong address takes as long as a wrong password.
let dummyHash: Promise<string> | undefined;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

export function createLogin(deps: { database: Database }) {
  const { db } = deps.database;

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
    await recordLoginSuccess(db, user.id);
    const sessionToken = newSecret(32);
    const expiresAt = new Date(Date.now() + SESSION_HOURS * 3600_000);
    await createSession(db, { idHash: sha256(sessionToken), staffUserId: user.id, expiresAt });
    return { ok: true, sessionToken, expiresAt };
  }

  async function logout(sessionToken: string) {
    await deleteSession(db, sha256(sessionToken));
  }

  return { login, logout };
}
export type Login = ReturnType<typeof createLogin>;
