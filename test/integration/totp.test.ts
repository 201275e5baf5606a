import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, staffSessions, staffUsers } from '../../db/schema/index.js';
import { buildWebApp } from '../../bin/services.js';
import { createStaffWithRole, PASSWORD, twoTeams } from '../helpers/fixtures.js';
import { cookieJar, csrfFrom, login } from '../helpers/http.js';
import { isolated, type Isolated } from '../helpers/isolated.js';
import { testEnv } from '../helpers/test-env.js';

let iso: Isolated;
let app: FastifyInstance;
let strictApp: FastifyInstance;
let org: Awaited<ReturnType<typeof twoTeams>>;

const db = () => iso.ctx.database.db;
const FORM = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' };

beforeAll(async () => {
  iso = await isolated();
  app = await buildWebApp(iso.ctx);
  // The same database, with REQUIRE_ADMIN_TOTP on.
  strictApp = await buildWebApp({ ...iso.ctx, env: { ...iso.ctx.env, requireAdminTotp: true } });
  org = await twoTeams(db());
  await createStaffWithRole(db(), org.oost.teamId, 'admin@oost.test', 'Ada', 'admin');
  await createStaffWithRole(db(), org.oost.teamId, 'admin2@oost.test', 'Anton', 'admin');
});
afterAll(async () => {
  await app?.close();
  await strictApp?.close();
  await iso?.destroy();
});

const STEP_MS = 30_000;
const nowStep = () => Math.floor(Date.now() / STEP_MS);
function codeAt(secret: string, step: number) {
  return TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp: step * STEP_MS + 1 });
}
async function userOf(id: string) {
  const [u] = await db().select().from(staffUsers).where(eq(staffUsers.id, id));
  return u!;
}

function post(a: FastifyInstance, cookie: string, url: string, fields: Record<string, string>) {
  return a.inject({ method: 'POST', url, headers: { ...FORM, cookie }, payload: new URLSearchParams(fields).toString() });
}

/** Opens the setup page and reads the secret (as a person would type it over) and the form fields. */
async function setupPage(a: FastifyInstance, cookie: string) {
  const page = await a.inject({ method: 'GET', url: '/account/totp', headers: { cookie, accept: 'text/html' } });
  expect(page.statusCode).toBe(200);
  expect(page.body).toContain('<svg');
  const secret = /Sleutel: <code>([A-Z2-7 ]+)<\/code>/.exec(page.body)![1]!.replace(/ /g, '');
  const setup = /name="setup" value="([^"]+)"/.exec(page.body)![1]!;
  return { secret, setup, csrf: csrfFrom(page.body) };
}

/** Password step through the real form; returns the jar holding the pending cookie. */
async function passwordStep(a: FastifyInstance, email: string, password = PASSWORD) {
  const jar = cookieJar();
  const page = await a.inject({ method: 'GET', url: '/login', headers: { accept: 'text/html' } });
  jar.take(page.headers['set-cookie']);
  const res = await a.inject({
    method: 'POST',
    url: '/login',
    headers: { ...FORM, cookie: jar.header() },
    payload: new URLSearchParams({ email, password, _csrf: csrfFrom(page.body), next: '/inbox' }).toString(),
  });
  jar.take(res.headers['set-cookie']);
  return { res, jar };
}

async function codeStep(a: FastifyInstance, jar: ReturnType<typeof cookieJar>, code: string) {
  const page = await a.inject({ method: 'GET', url: '/login/totp', headers: { cookie: jar.header(), accept: 'text/html' } });
  const csrf = page.statusCode === 200 ? csrfFrom(page.body) : '';
  const res = await post(a, jar.header(), '/login/totp', { _csrf: csrf, code });
  jar.take(res.headers['set-cookie']);
  return { page, res };
}

async function enableFor(a: FastifyInstance, email: string) {
  const s = await login(a, email);
  const { secret, setup, csrf } = await setupPage(a, s.cookie);
  const step = nowStep();
  const res = await post(a, s.cookie, '/account/totp', { _csrf: csrf, setup, code: codeAt(secret, step) });
  expect(res.statusCode).toBe(303);
  return { secret, step, session: s };
}

describe('TOTP setup', () => {
  it('stores nothing on a wrong code, and the sealed secret only after a right one', async () => {
    const s = await login(app, 'michelle@oost.test');
    const { secret, setup, csrf } = await setupPage(app, s.cookie);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const right = codeAt(secret, nowStep());
    const wrong = right === '000000' ? '111111' : '000000';
    for (const code of [wrong, '12', 'abcdef', '']) {
      const res = await post(app, s.cookie, '/account/totp', { _csrf: csrf, setup, code });
      expect(res.statusCode, code).toBe(400);
      expect(res.body).toContain(secret.slice(0, 4)); // the same secret is shown again
    }
    // A tampered or someone else's setup field is refused too.
    const tampered = await post(app, s.cookie, '/account/totp', { _csrf: csrf, setup: `${setup.slice(0, -3)}AAA`, code: right });
    expect(tampered.statusCode).toBe(400);
    const yusuf = await login(app, 'yusuf@oost.test');
    const stolen = await post(app, yusuf.cookie, '/account/totp', { _csrf: yusuf.csrf, setup, code: right });
    expect(stolen.statusCode).toBe(400);
    expect((await userOf(org.yusuf.id)).totpSecretSealed).toBeNull();
    let u = await userOf(org.michelle.id);
    expect(u.totpSecretSealed).toBeNull();
    expect(u.totpEnabledAt).toBeNull();

    const ok = await post(app, s.cookie, '/account/totp', { _csrf: csrf, setup, code: codeAt(secret, nowStep()) });
    expect(ok.statusCode).toBe(303);
    u = await userOf(org.michelle.id);
    expect(u.totpEnabledAt).not.toBeNull();
    expect(u.totpSecretSealed).toMatch(/^v1\./);
    expect(u.totpSecretSealed).not.toContain(secret);
    const page = await app.inject({ method: 'GET', url: '/account/totp', headers: { cookie: s.cookie, accept: 'text/html' } });
    expect(page.body).toContain('staat aan');
    expect(page.body).not.toContain('<svg');
    const ev = await db().select().from(events).where(eq(events.type, 'staff.totp_enabled'));
    expect(ev.map((e) => e.actorStaffId)).toEqual([org.michelle.id]);
    expect(JSON.stringify(ev)).not.toContain(secret);
  });
});

describe('signing in with TOTP', () => {
  let secret: string;
  let lastStep: number;

  beforeAll(async () => {
    const r = await enableFor(app, 'yusuf@oost.test');
    secret = r.secret;
    lastStep = r.step;
  });

  it('asks for the code after the password and signs in only with a fresh one', async () => {
    const { res, jar } = await passwordStep(app, 'yusuf@oost.test');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login/totp?next=%2Finbox');
    expect(jar.get('lj_sid')).toBeUndefined();
    const pending = String(res.headers['set-cookie']);
    expect(pending).toMatch(/lj_2fa=.+HttpOnly/i);
    expect(pending).toMatch(/Max-Age=300/i);

    // The code used at setup cannot be used again.
    const reused = await codeStep(app, jar, codeAt(secret, lastStep));
    expect(reused.page.statusCode).toBe(200);
    expect(reused.res.statusCode).toBe(401);
    expect(reused.res.body).toContain('klopt niet');
    expect(jar.get('lj_sid')).toBeUndefined();

    const step = lastStep + 1; // the next code, within the window of one step
    const ok = await codeStep(app, jar, codeAt(secret, step));
    expect(ok.res.statusCode).toBe(303);
    expect(ok.res.headers.location).toBe('/inbox');
    expect(jar.get('lj_sid')).toBeDefined();
    expect((await userOf(org.yusuf.id)).totpLastStep).toBe(step);

    // The same code a second time, in a new login: refused.
    const again = await passwordStep(app, 'yusuf@oost.test');
    expect((await codeStep(app, again.jar, codeAt(secret, step))).res.statusCode).toBe(401);
    expect(again.jar.get('lj_sid')).toBeUndefined();
    lastStep = step;
  });

  it('refuses the second step without a valid pending cookie', async () => {
    const forged = `lj_2fa=${org.yusuf.id}.${Date.now() + 60_000}`;
    const page = await app.inject({ method: 'GET', url: '/login/totp', headers: { cookie: forged, accept: 'text/html' } });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/login');
    const loginPage = await app.inject({ method: 'GET', url: '/login', headers: { accept: 'text/html' } });
    const jar = cookieJar();
    jar.take(loginPage.headers['set-cookie']);
    const res = await post(app, `${jar.header()}; ${forged}`, '/login/totp', { _csrf: csrfFrom(loginPage.body), code: codeAt(secret, nowStep() + 1) });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login');
    expect(String(res.headers['set-cookie'] ?? '')).not.toContain('lj_sid');
  });

  it('counts wrong codes towards the backoff', async () => {
    await db().update(staffUsers).set({ failedLogins: 0, lockedUntil: null }).where(eq(staffUsers.id, org.yusuf.id));
    const { jar } = await passwordStep(app, 'yusuf@oost.test');
    const right = codeAt(secret, nowStep());
    const wrong = right === '000000' ? '111111' : '000000';
    for (let i = 0; i < 4; i++) expect((await codeStep(app, jar, wrong)).res.statusCode).toBe(401);
    expect((await userOf(org.yusuf.id)).failedLogins).toBe(4);
    // A correct password does not reset the count while the code is still missing.
    const retry = await passwordStep(app, 'yusuf@oost.test');
    expect((await userOf(org.yusuf.id)).failedLogins).toBe(4);
    const fifth = await codeStep(app, retry.jar, wrong);
    expect(fifth.res.statusCode).toBe(401);
    expect(fifth.res.body).toContain('steeds wat langer wachten');
    expect((await userOf(org.yusuf.id)).lockedUntil!.getTime()).toBeGreaterThan(Date.now());
    // Now, until the wait is over, even the right code and the right password are refused.
    const pending = `lj_2fa=${retry.jar.get('lj_2fa') ?? jar.get('lj_2fa')}`;
    const page = await app.inject({ method: 'GET', url: '/login', headers: { accept: 'text/html' } });
    const j2 = cookieJar();
    j2.take(page.headers['set-cookie']);
    const locked = await post(app, `${j2.header()}; ${pending}`, '/login/totp', { _csrf: csrfFrom(page.body), code: codeAt(secret, nowStep() + 1) });
    expect(locked.statusCode).not.toBe(303);
    expect(String(locked.headers['set-cookie'] ?? '')).not.toMatch(/lj_sid=[^;]/);
    expect((await passwordStep(app, 'yusuf@oost.test')).res.statusCode).toBe(401);
    await db().update(staffUsers).set({ failedLogins: 0, lockedUntil: null }).where(eq(staffUsers.id, org.yusuf.id));
  });

  it('turns off only with a current code', async () => {
    await db().update(staffUsers).set({ totpLastStep: nowStep() - 5 }).where(eq(staffUsers.id, org.yusuf.id));
    const { jar } = await passwordStep(app, 'yusuf@oost.test');
    const step = nowStep();
    expect((await codeStep(app, jar, codeAt(secret, step))).res.statusCode).toBe(303);
    const cookie = jar.header();
    const page = await app.inject({ method: 'GET', url: '/account/totp', headers: { cookie, accept: 'text/html' } });
    const csrf = csrfFrom(page.body);
    const wrong = codeAt(secret, step + 1) === '000000' ? '111111' : '000000';
    expect((await post(app, cookie, '/account/totp/disable', { _csrf: csrf, code: wrong })).statusCode).toBe(400);
    expect((await post(app, cookie, '/account/totp/disable', { _csrf: csrf, code: codeAt(secret, step) })).statusCode).toBe(400); // used
    expect((await userOf(org.yusuf.id)).totpEnabledAt).not.toBeNull();
    expect((await post(app, cookie, '/account/totp/disable', { _csrf: csrf, code: codeAt(secret, step + 1) })).statusCode).toBe(303);
    const u = await userOf(org.yusuf.id);
    expect(u.totpEnabledAt).toBeNull();
    expect(u.totpSecretSealed).toBeNull();
    expect((await login(app, 'yusuf@oost.test')).status).toBe(303);
  });
});

describe('REQUIRE_ADMIN_TOTP', () => {
  it('is read from the environment, off by default', () => {
    expect(testEnv().requireAdminTotp).toBe(false);
    expect(testEnv({ REQUIRE_ADMIN_TOTP: 'true' }).requireAdminTotp).toBe(true);
    expect(() => testEnv({ REQUIRE_ADMIN_TOTP: 'maybe' })).toThrow(/REQUIRE_ADMIN_TOTP/);
  });

  it('sends an admin without TOTP to the setup page from every other staff page, until it is set up', async () => {
    const s = await login(strictApp, 'admin@oost.test');
    expect(s.status).toBe(303);
    for (const url of ['/admin/accounts', '/audit', '/account/absence', '/inbox', '/admin/whatsapp']) {
      const res = await strictApp.inject({ method: 'GET', url, headers: { cookie: s.cookie, accept: 'text/html' } });
      expect(res.statusCode, url).toBe(303);
      expect(res.headers.location, url).toBe('/account/totp');
    }
    const post1 = await post(strictApp, s.cookie, '/admin/accounts', { _csrf: s.csrf, email: 'x@oost.test', name: 'X', firstName: 'X', role: 'admin' });
    expect(post1.statusCode).toBe(303);
    expect(post1.headers.location).toBe('/account/totp');
    const setupPageRes = await strictApp.inject({ method: 'GET', url: '/account/totp', headers: { cookie: s.cookie, accept: 'text/html' } });
    expect(setupPageRes.statusCode).toBe(200);
    expect(setupPageRes.body).toContain('verplicht');
    // Other roles are not affected; nor is the normal app.
    const cm = await login(strictApp, 'karin@oost.test');
    expect((await strictApp.inject({ method: 'GET', url: '/account/absence', headers: { cookie: cm.cookie, accept: 'text/html' } })).statusCode).toBe(200);
    const relaxed = await login(app, 'admin2@oost.test');
    expect((await app.inject({ method: 'GET', url: '/admin/accounts', headers: { cookie: relaxed.cookie, accept: 'text/html' } })).statusCode).toBe(200);

    const { secret, setup, csrf } = await setupPage(strictApp, s.cookie);
    const step = nowStep();
    const ok = await post(strictApp, s.cookie, '/account/totp', { _csrf: csrf, setup, code: codeAt(secret, step) });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/admin/accounts');
    expect((await strictApp.inject({ method: 'GET', url: '/admin/accounts', headers: { cookie: s.cookie, accept: 'text/html' } })).statusCode).toBe(200);
    // While required, an admin cannot turn it off.
    const off = await post(strictApp, s.cookie, '/account/totp/disable', { _csrf: csrf, code: codeAt(secret, step + 1) });
    expect(off.statusCode).toBe(400);
    expect((await db().select().from(staffUsers).where(eq(staffUsers.email, 'admin@oost.test')))[0]!.totpEnabledAt).not.toBeNull();
  });
});

describe('CSRF and body size', () => {
  it('refuses forged CSRF tokens on every TOTP post and stores nothing', async () => {
    const s = await login(app, 'bram@west.test');
    const { secret, setup } = await setupPage(app, s.cookie);
    for (const url of ['/account/totp', '/account/totp/disable']) {
      for (const token of ['forged', '']) {
        const res = await post(app, s.cookie, url, { _csrf: token, setup, code: codeAt(secret, nowStep()) });
        expect(res.statusCode, `${url} ${token}`).toBe(403);
      }
    }
    expect((await userOf(org.bram.id)).totpSecretSealed).toBeNull();

    const { secret: ySecret } = await enableFor(app, 'karin@oost.test');
    const { jar } = await passwordStep(app, 'karin@oost.test');
    const res = await post(app, jar.header(), '/login/totp', { _csrf: 'forged', code: codeAt(ySecret, nowStep() + 1) });
    expect(res.statusCode).toBe(403);
    expect(jar.get('lj_sid')).toBeUndefined();
    expect(await db().select().from(staffSessions).where(eq(staffSessions.staffUserId, org.karin.id))).not.toHaveLength(0); // from enableFor's own login
  });

  it('refuses oversized form bodies', async () => {
    const s = await login(app, 'bram@west.test');
    const { setup, csrf } = await setupPage(app, s.cookie);
    const res = await post(app, s.cookie, '/account/totp', { _csrf: csrf, setup, code: '1'.repeat(70 * 1024) });
    expect(res.statusCode).toBe(413);
    const small = await post(app, s.cookie, '/account/totp', { _csrf: csrf, setup, code: '1'.repeat(5000) });
    expect(small.statusCode).toBe(400);
    const { jar } = await passwordStep(app, 'karin@oost.test');
    const page = await app.inject({ method: 'GET', url: '/login/totp', headers: { cookie: jar.header(), accept: 'text/html' } });
    const big = await post(app, jar.header(), '/login/totp', { _csrf: csrfFrom(page.body), code: '1'.repeat(100) });
    expect(big.statusCode).toBe(400);
  });
});
