import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seal, sealKey } from '../../core/seal.js';
import { enableTotp, insertInvitedStaff } from '../../db/queries/staff.js';
import { staffUsers } from '../../db/schema/index.js';
import { buildServices, buildWebApp } from '../../bin/services.js';
import { backoffSeconds, createLogin, LOGIN_BACKOFF } from '../../web/domain/login.js';
import { argon2Hasher, DUMMY_HASH, type PasswordHasher } from '../../web/domain/password-hasher.js';
import { createTotp } from '../../web/domain/totp.js';
import { createStaff, PASSWORD, twoTeams } from '../helpers/fixtures.js';
import { login } from '../helpers/http.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

/**
 * Sign-in must not tell which staff addresses exist, and must not let anyone
 * lock a colleague out for long: one answer and one argon2 verify for an
 * unknown address, a wrong password and an account in its backoff; the wait
 * grows per account and ends.
 */
let iso: Isolated;
let app: FastifyInstance;
let org: Awaited<ReturnType<typeof twoTeams>>;
/** The hash each verify was asked to check, in order. */
const verified: string[] = [];
const countingHasher: PasswordHasher = {
  hash: (p) => argon2Hasher.hash(p),
  verify: (h, p) => {
    verified.push(h);
    return argon2Hasher.verify(h, p);
  },
};
const db = () => iso.ctx.database.db;

beforeAll(async () => {
  iso = await isolated();
  app = await buildWebApp(iso.ctx, buildServices(iso.ctx, { passwordHasher: countingHasher }));
  org = await twoTeams(db());
  await createStaff(db(), org.oost.teamId, { email: 'weg@oost.test', firstName: 'Weg', active: false });
  await insertInvitedStaff(db(), {
    teamId: org.oost.teamId,
    email: 'nieuw@oost.test',
    name: 'Nieuw Test',
    firstName: 'Nieuw',
    role: 'casemanager',
    inviteTokenHash: 'x'.repeat(64),
    inviteExpiresAt: new Date(Date.now() + 86_400_000),
  });
});
afterAll(async () => {
  await app?.close();
  await iso?.destroy();
});
beforeEach(async () => {
  verified.length = 0;
  await db().update(staffUsers).set({ failedLogins: 0, lockedUntil: null });
});

async function userOf(id: string) {
  const [u] = await db().select().from(staffUsers).where(eq(staffUsers.id, id));
  return u!;
}

/** A fresh browser: opens the login page and posts the form. The body comes back without its (random) CSRF token. */
async function attempt(email: string, password: string) {
  const res = await login(app, email, password);
  return { status: res.status, location: res.location, body: res.body.replace(/name="_csrf" value="[^"]+"/g, 'name="_csrf" value=""') };
}

describe('the sign-in form', () => {
  it('answers an unknown address, a wrong password and an account that must wait identically, after one argon2 verify each', async () => {
    // Yusuf is in his backoff: even his right password is refused, the same way.
    const waitUntil = new Date(Date.now() + 10 * 60_000);
    await db().update(staffUsers).set({ failedLogins: 7, lockedUntil: waitUntil }).where(eq(staffUsers.id, org.yusuf.id));
    const cases: [string, string, string][] = [
      ['unknown address', 'nobody@oost.test', 'whatever'],
      ['wrong password', 'michelle@oost.test', 'not the password'],
      ['waiting, right password', 'yusuf@oost.test', PASSWORD],
      ['waiting, wrong password', 'yusuf@oost.test', 'not the password'],
      ['deactivated account', 'weg@oost.test', PASSWORD],
      ['invitation not accepted yet', 'nieuw@oost.test', 'whatever'],
    ];
    const answers: { status: number; body: string; verifies: number }[] = [];
    for (const [, email, password] of cases) {
      verified.length = 0;
      const a = await attempt(email, password);
      answers.push({ status: a.status, body: a.body, verifies: verified.length });
    }
    for (const [i, a] of answers.entries()) {
      expect(a.status, cases[i]![0]).toBe(401);
      expect(a.body, cases[i]![0]).toBe(answers[0]!.body);
    }
    expect(answers[0]!.body).toContain('Inloggen lukt zo niet');
    expect(answers[0]!.body).not.toMatch(/geblokkeerd|kwartier/);
    expect(answers.map((a) => a.verifies)).toEqual(cases.map(() => 1));
    // Where there was no account to check, the dummy hash was verified (same parameters, same cost).
    verified.length = 0;
    await attempt('nobody@oost.test', 'x');
    expect(verified).toEqual([DUMMY_HASH]);
    // Attempts while waiting were not counted, and did not push the wait further.
    const y = await userOf(org.yusuf.id);
    expect(y.failedLogins).toBe(7);
    expect(y.lockedUntil!.getTime()).toBe(waitUntil.getTime());
    expect((await userOf(org.michelle.id)).failedLogins).toBe(1);
  });

  it('does the argon2 verify for a right password too, and lets the person in once the wait is over', async () => {
    await db().update(staffUsers).set({ failedLogins: 9, lockedUntil: new Date(Date.now() - 1000) }).where(eq(staffUsers.id, org.yusuf.id));
    const ok = await attempt('yusuf@oost.test', PASSWORD);
    expect(ok.status).toBe(303);
    expect(ok.location).toBe('/inbox');
    expect(verified).toHaveLength(1);
    const y = await userOf(org.yusuf.id);
    expect(y.failedLogins).toBe(0);
    expect(y.lockedUntil).toBeNull();
  });

  it('starts a wait after five wrong passwords, during which the right one is refused', async () => {
    for (let i = 0; i < 5; i++) expect((await attempt('karin@oost.test', `wrong-${i}`)).status).toBe(401);
    const k = await userOf(org.karin.id);
    expect(k.failedLogins).toBe(5);
    expect(k.lockedUntil!.getTime()).toBeGreaterThan(Date.now() + 20_000);
    expect((await attempt('karin@oost.test', PASSWORD)).status).toBe(401);
  });
});

describe('backoff per account (with a clock the test moves)', () => {
  let now: Date;
  const later = (seconds: number) => (now = new Date(now.getTime() + seconds * 1000));

  it('grows 2^failures seconds from the fifth failure, is capped, and ends', async () => {
    expect([1, 4, 5, 6, 7, 9, 10, 11, 40].map((n) => backoffSeconds(n))).toEqual([0, 0, 32, 64, 128, 512, 900, 900, 900]);
    now = new Date();
    const login = createLogin({ database: iso.ctx.database, hasher: countingHasher, now: () => now });
    const waitOf = async () => {
      const u = await userOf(org.michelle.id);
      return u.lockedUntil ? (u.lockedUntil.getTime() - now.getTime()) / 1000 : 0;
    };

    for (let i = 0; i < 4; i++) expect(await login.login('michelle@oost.test', 'wrong')).toEqual({ ok: false, reason: 'invalid' });
    expect(await waitOf()).toBe(0);
    await login.login('michelle@oost.test', 'wrong');
    expect(await waitOf()).toBe(32);

    // Inside the wait: refused, checked (same work), not counted.
    later(31);
    verified.length = 0;
    expect((await login.login('michelle@oost.test', PASSWORD)).ok).toBe(false);
    expect(await login.login('michelle@oost.test', 'wrong')).toEqual({ ok: false, reason: 'invalid' });
    expect(verified).toHaveLength(2);
    expect((await userOf(org.michelle.id)).failedLogins).toBe(5);

    // After it, the next wrong password doubles the wait, and so on.
    for (const expected of [64, 128, 256]) {
      later((await waitOf()) + 1);
      await login.login('michelle@oost.test', 'wrong');
      expect(await waitOf()).toBe(expected);
    }
    await db().update(staffUsers).set({ failedLogins: 25 }).where(eq(staffUsers.id, org.michelle.id));
    later((await waitOf()) + 1);
    await login.login('michelle@oost.test', 'wrong');
    expect(await waitOf()).toBe(LOGIN_BACKOFF.capSeconds);

    // The right person, once the wait is over, gets in; the count starts again.
    later(LOGIN_BACKOFF.capSeconds);
    const ok = await login.login('michelle@oost.test', PASSWORD);
    expect(ok.ok).toBe(true);
    const m = await userOf(org.michelle.id);
    expect(m.failedLogins).toBe(0);
    expect(m.lockedUntil).toBeNull();
  });

  it('keeps the code step consistent: wrong codes count, a code sent while waiting is refused unchecked and not used up', async () => {
    now = new Date();
    const secret = new Secret({ size: 20 }).base32;
    await enableTotp(db(), org.bram.id, seal(sealKey(iso.env.secretKey, 'totp-secret'), secret), 0);
    const totp = createTotp({ database: iso.ctx.database, secretKey: iso.env.secretKey });
    const login = createLogin({ database: iso.ctx.database, totp, hasher: countingHasher, now: () => now });
    const code = TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
    const wrong = code === '000000' ? '111111' : '000000';

    const step = await login.login('bram@west.test', PASSWORD);
    expect(step).toEqual({ ok: false, reason: 'second_factor', staffUserId: org.bram.id });
    for (let i = 0; i < 5; i++) expect(await login.secondFactor(org.bram.id, wrong)).toEqual({ ok: false, reason: 'invalid' });
    let b = await userOf(org.bram.id);
    expect(b.failedLogins).toBe(5);
    expect(b.lockedUntil!.getTime() - now.getTime()).toBe(32_000);

    // The right code while waiting: the same refusal; the code is still unused and nothing counted.
    expect(await login.secondFactor(org.bram.id, code)).toEqual({ ok: false, reason: 'invalid' });
    b = await userOf(org.bram.id);
    expect(b.totpLastStep).toBe(0);
    expect(b.failedLogins).toBe(5);
    // The password step refuses too, like for anyone else waiting.
    expect(await login.login('bram@west.test', PASSWORD)).toEqual({ ok: false, reason: 'invalid' });

    later(33);
    expect(await login.login('bram@west.test', PASSWORD)).toMatchObject({ reason: 'second_factor' });
    expect((await login.secondFactor(org.bram.id, code)).ok).toBe(true);
    b = await userOf(org.bram.id);
    expect(b.failedLogins).toBe(0);
    expect(b.lockedUntil).toBeNull();
  });
});
