import { Secret, TOTP } from 'otpauth';
import { seal, sealKey, unseal } from '../../core/seal.js';
import type { Database } from '../../db/client.js';
import { recordEvent } from '../../db/queries/events.js';
import { claimTotpStep, disableTotp, enableTotp, findStaffById } from '../../db/queries/staff.js';

export const TOTP_PERIOD = 30;
export const TOTP_DIGITS = 6;
export const TOTP_WINDOW = 1;
/** A setup page's secret (carried sealed in the form) is good for this long. */
export const SETUP_MINUTES = 15;

const CODE = /^\d{6}$/;

function totpOf(secretBase32: string, label = 'Lijntje') {
  return new TOTP({
    issuer: 'Lijntje',
    label,
    algorithm: 'SHA1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD,
    secret: Secret.fromBase32(secretBase32),
  });
}

/** Normalises what a person typed ("123 456") to six digits, or null. */
export function cleanCode(input: unknown): string | null {
  if (typeof input !== 'string' || input.length > 20) return null;
  const code = input.replace(/[\s-]/g, '');
  return CODE.test(code) ? code : null;
}

/** The time step the code belongs to (within the window), or null when it is wrong. */
export function matchStep(secretBase32: string, code: string, now = Date.now()): number | null {
  const delta = totpOf(secretBase32).validate({ token: code, timestamp: now, window: TOTP_WINDOW });
  if (delta === null) return null;
  return Math.floor(now / 1000 / TOTP_PERIOD) + delta;
}

/**
 * TOTP second factor (RFC 6238: SHA1, 6 digits, 30 s, one step either side).
 * The secret is stored only after a first correct code, sealed with a key
 * derived from SECRET_KEY; a code is accepted once (the last used step is kept).
 */
export function createTotp(deps: { database: Database; secretKey: string }) {
  const { db } = deps.database;
  const storeKey = sealKey(deps.secretKey, 'totp-secret');
  const setupKey = sealKey(deps.secretKey, 'totp-setup');

  /** A fresh secret for the setup page, plus a sealed copy bound to the user for the form. */
  function newSetup(staffUserId: string, email: string) {
    const secret = new Secret({ size: 20 }).base32;
    const expiresAt = Date.now() + SETUP_MINUTES * 60_000;
    const sealedSetup = seal(setupKey, JSON.stringify({ u: staffUserId, s: secret, e: expiresAt }));
    return { secret, sealedSetup, uri: totpOf(secret, email).toString() };
  }

  /** Reopens a setup form's sealed secret; null when tampered, expired or someone else's. */
  function openSetup(staffUserId: string, sealedSetup: unknown): { secret: string; uri: (email: string) => string } | null {
    if (typeof sealedSetup !== 'string' || sealedSetup.length > 1000) return null;
    try {
      const v = JSON.parse(unseal(setupKey, sealedSetup)) as { u?: unknown; s?: unknown; e?: unknown };
      if (v.u !== staffUserId || typeof v.s !== 'string' || typeof v.e !== 'number' || v.e < Date.now()) return null;
      const secret = v.s;
      return { secret, uri: (email: string) => totpOf(secret, email).toString() };
    } catch {
      return null;
    }
  }

  /** Confirms the setup with a first code; only then is the secret stored. */
  async function enable(staffUserId: string, secret: string, code: string): Promise<boolean> {
    const step = matchStep(secret, code);
    if (step === null) return false;
    const stored = await enableTotp(db, staffUserId, seal(storeKey, secret), step);
    if (stored) await recordEvent(db, { type: 'staff.totp_enabled', actorStaffId: staffUserId, data: { staffUserId } });
    return stored;
  }

  /** Checks a code against the stored secret and uses it up. */
  async function verifyForUser(staffUserId: string, sealedSecret: string, code: string): Promise<boolean> {
    let secret: string;
    try {
      secret = unseal(storeKey, sealedSecret);
    } catch {
      return false;
    }
    const step = matchStep(secret, code);
    if (step === null) return false;
    return claimTotpStep(db, staffUserId, step);
  }

  /** Turns TOTP off after a current, unused code. */
  async function disable(staffUserId: string, code: string): Promise<boolean> {
    const user = await findStaffById(db, staffUserId);
    if (!user?.totpSecretSealed || !user.totpEnabledAt) return false;
    if (!(await verifyForUser(staffUserId, user.totpSecretSealed, code))) return false;
    await disableTotp(db, staffUserId);
    return true;
  }

  return { newSetup, openSetup, enable, verifyForUser, disable };
}
export type Totp = ReturnType<typeof createTotp>;
