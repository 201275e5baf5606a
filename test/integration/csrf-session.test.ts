import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages, staffSessions } from '../../db/schema/index.js';
import { buildWebApp } from '../../bin/services.js';
import { createConversationFixture, PASSWORD, twoTeams } from '../helpers/fixtures.js';
import { cookieJar, csrfFrom, login } from '../helpers/http.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

/**
 * A CSRF token is good only with the session it was made for: someone who
 * gets their own CSRF cookie and token into a colleague's browser (a sibling
 * subdomain can set cookies) must not be able to post as that colleague.
 * Under https the session and CSRF cookies carry the `__Host-` prefix, which
 * browsers only accept from this very host (Secure, Path=/, no Domain).
 */
let iso: Isolated;
let app: FastifyInstance;
let httpsApp: FastifyInstance;
let org: Awaited<ReturnType<typeof twoTeams>>;
let conversationId: string;
const db = () => iso.ctx.database.db;

beforeAll(async () => {
  iso = await isolated();
  app = await buildWebApp(iso.ctx);
  httpsApp = await buildWebApp({ ...iso.ctx, env: { ...iso.ctx.env, publicUrl: 'https://lijntje.test', secureCookies: true } });
  org = await twoTeams(db());
  const c = await createConversationFixture(db(), { municipalityId: org.oost.municipalities.Roermond!, firstName: 'Sam', assignedTo: org.michelle.id });
  conversationId = c.conversation.id;
});
afterAll(async () => {
  await app?.close();
  await httpsApp?.close();
  await iso?.destroy();
});

const messageCount = async () => (await db().select().from(messages).where(eq(messages.conversationId, conversationId))).length;

function reply(a: FastifyInstance, cookie: string, token: string, text = 'hoi') {
  return a.inject({
    method: 'POST',
    url: `/inbox/c/${conversationId}/replies`,
    headers: { cookie, 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': token },
    payload: JSON.stringify({ text }),
  });
}

/** Every Set-Cookie header of a response, as one array. */
const setCookies = (h: string | string[] | undefined) => [h ?? []].flat();

describe('CSRF bound to the session', () => {
  it("refuses one person's session with another's CSRF cookie and token (403), and stores nothing", async () => {
    const michelle = await login(app, 'michelle@oost.test');
    const yusuf = await login(app, 'yusuf@oost.test');
    const before = await messageCount();
    const mixed = `lj_sid=${michelle.jar.get('lj_sid')}; lj_csrf=${yusuf.jar.get('lj_csrf')}`;
    const res = await reply(app, mixed, yusuf.csrf, 'namens Michelle?');
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toBe('csrf');
    const out = await app.inject({
      method: 'POST',
      url: '/logout',
      headers: { cookie: mixed, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(yusuf.csrf)}`,
    });
    expect(out.statusCode).toBe(403);
    expect(await messageCount()).toBe(before);
    // Her own cookie and token still work (the refusal above is about the binding, not a broken route).
    expect((await reply(app, michelle.cookie, michelle.csrf)).statusCode).toBe(201);
    expect(await messageCount()).toBe(before + 1);
  });

  it('refuses a token from before signing in, and one from an earlier session of the same browser', async () => {
    const jar = cookieJar();
    const page = await app.inject({ method: 'GET', url: '/login', headers: { accept: 'text/html' } });
    jar.take(page.headers['set-cookie']);
    const anonymousToken = csrfFrom(page.body);
    const res = await app.inject({
      method: 'POST',
      url: '/login',
      headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ email: 'michelle@oost.test', password: PASSWORD, _csrf: anonymousToken, next: '/inbox' }).toString(),
    });
    expect(res.statusCode).toBe(303);
    jar.take(res.headers['set-cookie']);
    expect((await reply(app, jar.header(), anonymousToken)).statusCode).toBe(403);

    const inbox = await app.inject({ method: 'GET', url: '/inbox', headers: { cookie: jar.header(), accept: 'text/html' } });
    const firstSessionToken = csrfFrom(inbox.body);
    // Same browser, same CSRF cookie, a new session: the old session's token is no longer good.
    const again = await login(app, 'michelle@oost.test');
    const sameBrowser = `lj_sid=${again.jar.get('lj_sid')}; lj_csrf=${jar.get('lj_csrf')}`;
    expect((await reply(app, sameBrowser, firstSessionToken)).statusCode).toBe(403);
  });
});

describe('cookies under https', () => {
  it('are __Host- cookies: Secure, Path=/, no Domain - and the whole sign-in works with them', async () => {
    const page = await httpsApp.inject({ method: 'GET', url: '/login', headers: { accept: 'text/html' } });
    const csrfCookie = setCookies(page.headers['set-cookie']).find((c) => c.startsWith('__Host-lj_csrf='));
    expect(csrfCookie).toBeDefined();
    expect(csrfCookie).toMatch(/; Path=\/(;|$)/);
    expect(csrfCookie).toMatch(/; Secure/);
    expect(csrfCookie).not.toMatch(/Domain=/i);
    expect(setCookies(page.headers['set-cookie']).some((c) => c.startsWith('lj_csrf='))).toBe(false);

    const s = await login(httpsApp, 'michelle@oost.test');
    expect(s.status).toBe(303);
    expect(s.jar.get('__Host-lj_sid')).toBeDefined();
    expect(s.jar.get('lj_sid')).toBeUndefined();
    const inbox = await httpsApp.inject({ method: 'GET', url: '/inbox', headers: { cookie: s.cookie, accept: 'text/html' } });
    expect(inbox.statusCode).toBe(200);
    expect((await reply(httpsApp, s.cookie, s.csrf)).statusCode).toBe(201);

    // A session cookie without the prefix (which a sibling host could have set) is not read.
    const plain = await httpsApp.inject({ method: 'GET', url: '/inbox', headers: { cookie: `lj_sid=${s.jar.get('__Host-lj_sid')}`, accept: 'application/json' } });
    expect(plain.statusCode).toBe(401);

    const out = await httpsApp.inject({
      method: 'POST',
      url: '/logout',
      headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(s.csrf)}`,
    });
    expect(out.statusCode).toBe(303);
    const cleared = setCookies(out.headers['set-cookie']).find((c) => c.startsWith('__Host-lj_sid='));
    // Browsers ignore a __Host- cookie without Secure, even one that deletes: the clearing one must carry it too.
    expect(cleared).toMatch(/^__Host-lj_sid=;.*Secure/);
    const sessions = await db().select().from(staffSessions).where(eq(staffSessions.staffUserId, org.michelle.id));
    expect(sessions.map((r) => r.id)).not.toContain(s.jar.get('__Host-lj_sid'));
  });

  it('keeps the plain names over http (local and demo use)', async () => {
    const s = await login(app, 'karin@oost.test');
    expect(s.jar.get('lj_sid')).toBeDefined();
    expect(s.jar.get('lj_csrf')).toBeDefined();
    expect(s.jar.get('__Host-lj_sid')).toBeUndefined();
  });
});
