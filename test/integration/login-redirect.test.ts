import { eq } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seal, sealKey } from '../../core/seal.js';
import { enableTotp } from '../../db/queries/staff.js';
import { staffUsers } from '../../db/schema/index.js';
import { buildWebApp } from '../../bin/services.js';
import { createStaffWithRole, PASSWORD, twoTeams } from '../helpers/fixtures.js';
import { cookieJar, csrfFrom, login } from '../helpers/http.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

/**
 * Where a sign-in may send the browser: only paths of our own origin. A `next`
 * a browser would read differently than we do (tab, CR, LF are dropped by URL
 * parsers; `\` counts as `/`), or that cannot be put in a Location header at
 * all (non-ASCII), sends the person to their start page - never off-site and
 * never to a 500.
 */
let iso: Isolated;
let app: FastifyInstance;
let org: Awaited<ReturnType<typeof twoTeams>>;
const TOTP_SECRET = new Secret({ size: 20 }).base32;
const FORM = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' };

beforeAll(async () => {
  iso = await isolated();
  app = await buildWebApp(iso.ctx);
  org = await twoTeams(iso.ctx.database.db);
  await createStaffWithRole(iso.ctx.database.db, org.oost.teamId, 'admin@oost.test', 'Ada', 'admin');
  // Yusuf signs in with a second factor whose secret the test knows.
  await enableTotp(iso.ctx.database.db, org.yusuf.id, seal(sealKey(iso.env.secretKey, 'totp-secret'), TOTP_SECRET), 0);
});
afterAll(async () => {
  await app?.close();
  await iso?.destroy();
});

/** Off-site in a browser's eyes, or not a plain same-origin path. */
const OFF_SITE = [
  '/\t/evil.example',
  '/\n/evil.example',
  '/\r\n/evil.example',
  '\t//evil.example',
  '//evil.example',
  '/\\evil.example',
  '\\\\evil.example',
  'https://evil.example',
  'https:evil.example',
  'javascript:alert(1)',
  ' /inbox',
  'inbox',
];
/** Would break a Location header (today: a 500 in three places). */
const UNSENDABLE = ['/inbox\r\nSet-Cookie: x=1', '/inbox\nx', '/inbox/é', '/inbox/\u2028', '/inbox/\u0000', '/\u00a0/inbox', '/inbox/\ufffd'];

/** The current code, made usable again (a code counts once; this test signs in many times a minute). */
async function freshCode(): Promise<string> {
  await iso.ctx.database.db.update(staffUsers).set({ totpLastStep: null }).where(eq(staffUsers.id, org.yusuf.id));
  return TOTP.generate({ secret: Secret.fromBase32(TOTP_SECRET), algorithm: 'SHA1', digits: 6, period: 30 });
}

async function postLogin(email: string, next: string) {
  const jar = cookieJar();
  const page = await app.inject({ method: 'GET', url: '/login', headers: { accept: 'text/html' } });
  jar.take(page.headers['set-cookie']);
  const res = await app.inject({
    method: 'POST',
    url: '/login',
    headers: { ...FORM, cookie: jar.header() },
    payload: new URLSearchParams({ email, password: PASSWORD, _csrf: csrfFrom(page.body), next }).toString(),
  });
  jar.take(res.headers['set-cookie']);
  return { res, jar };
}

/** The password step, then the code step with `next` posted along (as the code page's hidden field does). */
async function postTotp(next: string) {
  const { jar } = await postLogin('yusuf@oost.test', '/inbox');
  const page = await app.inject({ method: 'GET', url: '/login/totp', headers: { cookie: jar.header(), accept: 'text/html' } });
  expect(page.statusCode).toBe(200);
  const res = await app.inject({
    method: 'POST',
    url: '/login/totp',
    headers: { ...FORM, cookie: jar.header() },
    payload: new URLSearchParams({ _csrf: csrfFrom(page.body), code: await freshCode(), next }).toString(),
  });
  return res;
}

describe('next after sign-in', () => {
  it('keeps a same-origin path with its query and fragment', async () => {
    const target = '/inbox/c/00000000-0000-4000-8000-000000000001?canned=hallo&datum=2026-12-03#panel';
    const page = await app.inject({ method: 'GET', url: `/login?next=${encodeURIComponent(target)}`, headers: { accept: 'text/html' } });
    expect(page.body).toContain(`name="next" value="${target.replace(/&/g, '&amp;')}"`);
    const { res } = await postLogin('michelle@oost.test', target);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(target);
    expect((await postTotp(target)).headers.location).toBe(target);
  });

  it('never sends the form on to another site (GET shows the default, POST goes to the start page)', async () => {
    for (const next of OFF_SITE) {
      const page = await app.inject({ method: 'GET', url: `/login?next=${encodeURIComponent(next)}`, headers: { accept: 'text/html' } });
      expect(page.statusCode, JSON.stringify(next)).toBe(200);
      expect(page.body, JSON.stringify(next)).toContain('name="next" value="/inbox"');
      const { res } = await postLogin('michelle@oost.test', next);
      expect(res.statusCode, JSON.stringify(next)).toBe(303);
      expect(res.headers.location, JSON.stringify(next)).toBe('/inbox');
    }
  });

  it('sends an already signed-in person to their start page for an off-site or unsendable next', async () => {
    const s = await login(app, 'michelle@oost.test');
    const admin = await login(app, 'admin@oost.test');
    for (const next of [...OFF_SITE, ...UNSENDABLE]) {
      for (const [session, home] of [[s, '/inbox'], [admin, '/admin/accounts']] as const) {
        const res = await app.inject({ method: 'GET', url: `/login?next=${encodeURIComponent(next)}`, headers: { cookie: session.cookie, accept: 'text/html' } });
        expect(res.statusCode, JSON.stringify(next)).toBe(303);
        expect(res.headers.location, JSON.stringify(next)).toBe(home);
      }
    }
  });

  it('answers a next with CR, LF, controls or non-ASCII with the start page, not a 500 - password and code step', async () => {
    for (const next of UNSENDABLE) {
      const { res } = await postLogin('michelle@oost.test', next);
      expect(res.statusCode, JSON.stringify(next)).toBe(303);
      expect(res.headers.location, JSON.stringify(next)).toBe('/inbox');
      expect(res.headers['set-cookie'], JSON.stringify(next)).toBeDefined();

      const anon = await app.inject({ method: 'GET', url: `/login?next=${encodeURIComponent(next)}`, headers: { accept: 'text/html' } });
      expect(anon.statusCode, JSON.stringify(next)).toBe(200);
      expect(anon.body).toContain('name="next" value="/inbox"');

      const second = await postLogin('yusuf@oost.test', next);
      expect(second.res.statusCode, JSON.stringify(next)).toBe(303);
      expect(second.res.headers.location, JSON.stringify(next)).toBe('/login/totp');

      const code = await postTotp(next);
      expect(code.statusCode, JSON.stringify(next)).toBe(303);
      expect(code.headers.location, JSON.stringify(next)).toBe('/inbox');
    }
  });

  it('checks the role against the path a browser would open (dot segments resolved)', async () => {
    const s = await login(app, 'admin@oost.test');
    for (const next of ['/x/../inbox', '/inbox/./', '/%69nbox']) {
      const res = await app.inject({ method: 'GET', url: `/login?next=${encodeURIComponent(next)}`, headers: { cookie: s.cookie, accept: 'text/html' } });
      expect(res.headers.location, next).toBe('/admin/accounts');
    }
    const cm = await login(app, 'michelle@oost.test');
    const res = await app.inject({ method: 'GET', url: `/login?next=${encodeURIComponent('/admin/../inbox?view=team')}`, headers: { cookie: cm.cookie, accept: 'text/html' } });
    expect(res.headers.location).toBe('/inbox?view=team');
  });
});
