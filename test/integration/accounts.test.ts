import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../core/hash.js';
import { scrubUrl } from '../../core/logger.js';
import { events, staffSessions, staffUsers } from '../../db/schema/index.js';
import { buildWebApp } from '../../bin/services.js';
import { createStaffWithRole, createYoungsterWithCard, twoTeams } from '../helpers/fixtures.js';
import { cookieJar, csrfFrom, login, openChat, postChat } from '../helpers/http.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

let iso: Isolated;
let app: FastifyInstance;
let org: Awaited<ReturnType<typeof twoTeams>>;
let oostAdmin: { id: string };

const db = () => iso.ctx.database.db;
const FORM = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' };
const NEW_PASSWORD = 'een heel lang nieuw wachtwoord';

beforeAll(async () => {
  iso = await isolated();
  app = await buildWebApp(iso.ctx);
  org = await twoTeams(db());
  oostAdmin = await createStaffWithRole(db(), org.oost.teamId, 'admin@oost.test', 'Ada', 'admin');
  // West's admin: the one who must never see or change Oost's accounts.
  await createStaffWithRole(db(), org.west.teamId, 'admin@west.test', 'Wim', 'admin');
  await createStaffWithRole(db(), org.oost.teamId, 'fg@oost.test', 'Fenna', 'privacy_officer');
  await createStaffWithRole(db(), org.west.teamId, 'fg@west.test', 'Wouter', 'privacy_officer');
});
afterAll(async () => {
  await app?.close();
  await iso?.destroy();
});

function post(s: { cookie: string; csrf: string }, url: string, fields: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url,
    headers: { ...FORM, cookie: s.cookie },
    payload: new URLSearchParams({ _csrf: s.csrf, ...fields }).toString(),
  });
}

async function userByEmail(email: string) {
  const [u] = await db().select().from(staffUsers).where(eq(staffUsers.email, email));
  return u;
}

function linkFrom(html: string): string {
  const m = /value="http:\/\/lijntje\.test\/invite\/([A-Za-z0-9_-]+)"/.exec(html);
  if (!m) throw new Error('no invitation link on the page');
  return m[1]!;
}

/** Opens the invitation like a browser and posts the password form. */
async function acceptInvite(token: string, password: string, password2 = password) {
  const jar = cookieJar();
  const page = await app.inject({ method: 'GET', url: `/invite/${token}`, headers: { accept: 'text/html' } });
  jar.take(page.headers['set-cookie']);
  if (page.statusCode !== 200) return { page, res: null, jar };
  const res = await app.inject({
    method: 'POST',
    url: `/invite/${token}`,
    headers: { ...FORM, cookie: jar.header() },
    payload: new URLSearchParams({ _csrf: csrfFrom(page.body), password, password2 }).toString(),
  });
  jar.take(res.headers['set-cookie']);
  return { page, res, jar };
}

async function createAccount(admin: { cookie: string; csrf: string }, fields: Record<string, string>) {
  const res = await post(admin, '/admin/accounts', fields);
  return { res, token: res.statusCode === 200 ? linkFrom(res.body) : null };
}

describe('admin creates an account and the invitation works once', () => {
  it('shows the link once, stores only its hash, records an event without personal data', async () => {
    const admin = await login(app, 'admin@oost.test');
    expect(admin.status).toBe(303);
    const list = await app.inject({ method: 'GET', url: '/admin/accounts', headers: { cookie: admin.cookie, accept: 'text/html' } });
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('michelle@oost.test');
    expect(list.body).not.toContain('bram@west.test');

    const { res, token } = await createAccount(admin, { email: ' Nina@Oost.test ', name: 'Nina de Vries', firstName: 'Nina', role: 'casemanager' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const nina = (await userByEmail('nina@oost.test'))!;
    expect(nina.teamId).toBe(org.oost.teamId);
    expect(nina.passwordHash).toBeNull();
    expect(nina.inviteTokenHash).toBe(sha256(token!));
    expect(nina.inviteExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 6.9 * 24 * 3600_000);
    // The list does not show the link again.
    const again = await app.inject({ method: 'GET', url: '/admin/accounts', headers: { cookie: admin.cookie, accept: 'text/html' } });
    expect(again.body).toContain('nina@oost.test');
    expect(again.body).toContain('Uitgenodigd');
    expect(again.body).not.toContain(token!);

    const [ev] = await db().select().from(events).where(eq(events.type, 'staff.invited'));
    expect(ev!.actorStaffId).toBe(oostAdmin.id);
    expect(JSON.stringify(ev)).not.toMatch(/nina|vries/i);
  });

  it('lets the invited person choose a password once, signs them in and then refuses the link', async () => {
    const admin = await login(app, 'admin@oost.test');
    const { token } = await createAccount(admin, { email: 'otto@oost.test', name: 'Otto Peters', firstName: 'Otto', role: 'casemanager' });
    const page = await app.inject({ method: 'GET', url: `/invite/${token}`, headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Welkom, Otto');
    expect(page.body).not.toContain('Peters');
    expect(page.body).not.toContain('otto@oost.test');

    const short = await acceptInvite(token!, 'kort');
    expect(short.res!.statusCode).toBe(400);
    expect(short.res!.body).toContain('minstens 12 tekens');
    const mismatch = await acceptInvite(token!, NEW_PASSWORD, `${NEW_PASSWORD}!`);
    expect(mismatch.res!.statusCode).toBe(400);
    expect(mismatch.res!.body).toContain('niet hetzelfde');
    expect((await userByEmail('otto@oost.test'))!.passwordHash).toBeNull();

    const ok = await acceptInvite(token!, NEW_PASSWORD);
    expect(ok.res!.statusCode).toBe(303);
    expect(ok.res!.headers.location).toBe('/inbox');
    const otto = (await userByEmail('otto@oost.test'))!;
    expect(otto.passwordHash).toMatch(/^\$argon2id\$/);
    expect(otto.inviteTokenHash).toBeNull();
    const sid = ok.jar.get('lj_sid')!;
    const sessions = await db().select().from(staffSessions).where(eq(staffSessions.staffUserId, otto.id));
    expect(sessions.map((s) => s.id)).toContain(sha256(sid));
    const me = await app.inject({ method: 'GET', url: '/account/absence', headers: { cookie: ok.jar.header(), accept: 'text/html' } });
    expect(me.statusCode).toBe(200);
    expect((await db().select().from(events).where(eq(events.type, 'staff.activated'))).length).toBeGreaterThan(0);

    // Used: both the page and a replayed post are refused with a friendly 404.
    const reused = await app.inject({ method: 'GET', url: `/invite/${token}`, headers: { accept: 'text/html' } });
    expect(reused.statusCode).toBe(404);
    expect(reused.body).toContain('werkt niet meer');
    const replay = await app.inject({
      method: 'POST',
      url: `/invite/${token}`,
      headers: { ...FORM, cookie: ok.jar.header() },
      payload: new URLSearchParams({ _csrf: csrfFrom(page.body), password: 'nog een ander wachtwoord', password2: 'nog een ander wachtwoord' }).toString(),
    });
    expect([403, 404]).toContain(replay.statusCode);
    expect((await userByEmail('otto@oost.test'))!.passwordHash).toBe(otto.passwordHash);
    expect((await login(app, 'otto@oost.test', NEW_PASSWORD)).status).toBe(303);
  });

  it('refuses expired and unknown links, and sends admins and privacy officers to their own start page', async () => {
    const admin = await login(app, 'admin@oost.test');
    const { token } = await createAccount(admin, { email: 'eva@oost.test', name: 'Eva Jansen', firstName: 'Eva', role: 'privacy_officer' });
    await db().update(staffUsers).set({ inviteExpiresAt: new Date(Date.now() - 1000) }).where(eq(staffUsers.email, 'eva@oost.test'));
    expect((await app.inject({ method: 'GET', url: `/invite/${token}`, headers: { accept: 'text/html' } })).statusCode).toBe(404);
    for (const bad of ['x', 'a'.repeat(43), "1'or'1'='1", 'a'.repeat(400)]) {
      const res = await app.inject({ method: 'GET', url: `/invite/${encodeURIComponent(bad)}`, headers: { accept: 'text/html' } });
      expect(res.statusCode, bad).toBe(404);
    }
    // A new link for the same person works, and the privacy officer lands on the audit page.
    const eva = (await userByEmail('eva@oost.test'))!;
    const re = await post(admin, `/admin/accounts/${eva.id}/invite`);
    expect(re.statusCode).toBe(200);
    const ok = await acceptInvite(linkFrom(re.body), NEW_PASSWORD);
    expect(ok.res!.headers.location).toBe('/audit');
  });

  it('keeps the token out of request logs', () => {
    expect(scrubUrl('/invite/AbCdEf_123-xyzAbCdEf_123-xyzAbCdEf_123-x')).toBe('/invite/:token');
    expect(scrubUrl('/invite/abc?x=1')).toBe('/invite/:token');
    expect(scrubUrl('/k/abc/chat')).toBe('/k/:token/chat');
  });
});

describe('bad input stores nothing', () => {
  it('gives clear Dutch errors for a duplicate address, oversized or missing fields and a bad role', async () => {
    const admin = await login(app, 'admin@oost.test');
    const count = async () => (await db().select().from(staffUsers)).length;
    const before = await count();
    const ok = { email: 'x@oost.test', name: 'X Y', firstName: 'X', role: 'casemanager' };
    const cases: [string, Record<string, string>, number, string][] = [
      ['duplicate e-mail (other case)', { ...ok, email: 'Michelle@Oost.test' }, 409, 'Er is al een account met dit e-mailadres'],
      ['duplicate e-mail of another team', { ...ok, email: 'bram@west.test' }, 409, 'Er is al een account'],
      ['not an e-mail', { ...ok, email: 'geen-adres' }, 400, 'geen geldig e-mailadres'],
      ['oversized name', { ...ok, name: 'n'.repeat(500) }, 400, 'te lang'],
      ['oversized first name', { ...ok, firstName: 'n'.repeat(61) }, 400, 'te lang'],
      ['oversized e-mail', { ...ok, email: `${'a'.repeat(300)}@oost.test` }, 400, 'te lang'],
      ['empty name', { ...ok, name: '   ' }, 400, 'Vul de volledige naam in'],
      ['unknown role', { ...ok, role: 'superuser' }, 400, 'Kies een rol'],
      ['nothing at all', {}, 400, 'Vul een e-mailadres in'],
    ];
    for (const [what, fields, status, message] of cases) {
      const res = await post(admin, '/admin/accounts', fields);
      expect(res.statusCode, what).toBe(status);
      expect(res.body, what).toContain(message);
      expect(res.body, what).not.toContain('/invite/');
      expect(await count(), what).toBe(before);
    }
    const huge = await post(admin, '/admin/accounts', { ...ok, name: 'n'.repeat(70 * 1024) });
    expect(huge.statusCode).toBe(413);
    const json = await app.inject({
      method: 'POST',
      url: '/admin/accounts',
      headers: { cookie: admin.cookie, 'content-type': 'application/json', 'x-csrf-token': admin.csrf },
      payload: JSON.stringify([1, 2]),
    });
    expect(json.statusCode).toBe(400);
    expect(await count()).toBe(before);
  });
});

describe('who may manage accounts', () => {
  const accountRoutes = () => app.routeTable.filter((r) => r.url.startsWith('/admin/accounts'));

  it('registers all account routes as staff routes', () => {
    expect(accountRoutes().map((r) => `${r.method} ${r.url}`).sort()).toEqual(
      [
        'GET /admin/accounts',
        'POST /admin/accounts',
        'POST /admin/accounts/:id/deactivate',
        'POST /admin/accounts/:id/invite',
        'POST /admin/accounts/:id/reactivate',
        'POST /admin/accounts/:id/totp-reset',
      ].sort(),
    );
    expect(accountRoutes().every((r) => !r.public)).toBe(true);
    const invite = app.routeTable.filter((r) => r.url === '/invite/:token');
    expect(invite.length).toBe(2);
    expect(invite.every((r) => r.public)).toBe(true);
  });

  it('gives every other role a 403 on every route, and changes nothing', async () => {
    for (const email of ['michelle@oost.test', 'karin@oost.test', 'fg@oost.test']) {
      const s = await login(app, email);
      for (const route of accountRoutes()) {
        const url = route.url.replace(':id', org.yusuf.id);
        const res =
          route.method === 'GET'
            ? await app.inject({ method: 'GET', url, headers: { cookie: s.cookie, accept: 'text/html' } })
            : await post(s, url, { email: 'sneaky@oost.test', name: 'S', firstName: 'S', role: 'admin' });
        expect(res.statusCode, `${email}: ${route.method} ${url}`).toBe(403);
      }
    }
    expect(await userByEmail('sneaky@oost.test')).toBeUndefined();
    expect((await userByEmail('yusuf@oost.test'))!.active).toBe(true);
  });

  it("does not let West's admin see or touch an Oost account", async () => {
    const west = await login(app, 'admin@west.test');
    const list = await app.inject({ method: 'GET', url: '/admin/accounts', headers: { cookie: west.cookie, accept: 'text/html' } });
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('bram@west.test');
    expect(list.body).not.toContain('yusuf@oost.test');
    expect(list.body).not.toContain(org.yusuf.id);
    const yusufSession = await login(app, 'yusuf@oost.test');
    const before = (await userByEmail('yusuf@oost.test'))!;
    for (const action of ['deactivate', 'reactivate', 'invite', 'totp-reset']) {
      const res = await post(west, `/admin/accounts/${org.yusuf.id}/${action}`);
      expect(res.statusCode, action).toBe(404);
      expect(res.body).not.toContain('/invite/');
    }
    for (const id of ['not-a-uuid', '00000000-0000-0000-0000-000000000000']) {
      expect((await post(west, `/admin/accounts/${id}/deactivate`)).statusCode).toBe(404);
    }
    expect(await userByEmail('yusuf@oost.test')).toEqual(before);
    const still = await app.inject({ method: 'GET', url: '/account/absence', headers: { cookie: yusufSession.cookie, accept: 'text/html' } });
    expect(still.statusCode).toBe(200);
  });

  it('refuses a forged CSRF token on every post, and changes nothing', async () => {
    const admin = await login(app, 'admin@oost.test');
    const before = (await userByEmail('yusuf@oost.test'))!;
    for (const route of accountRoutes().filter((r) => r.method === 'POST')) {
      const url = route.url.replace(':id', org.yusuf.id);
      for (const token of ['forged', '']) {
        const res = await post({ cookie: admin.cookie, csrf: token }, url, { email: 'forged@oost.test', name: 'F', firstName: 'F', role: 'admin' });
        expect(res.statusCode, `${url} ${token}`).toBe(403);
      }
    }
    expect(await userByEmail('forged@oost.test')).toBeUndefined();
    expect(await userByEmail('yusuf@oost.test')).toEqual(before);
    const other = await login(app, 'otto@oost.test', NEW_PASSWORD);
    const page = await app.inject({ method: 'GET', url: '/login', headers: { accept: 'text/html' } });
    // A token of another browser does not fit this one's cookie either.
    expect((await post({ cookie: admin.cookie, csrf: csrfFrom(page.body) }, `/admin/accounts/${org.yusuf.id}/deactivate`)).statusCode).toBe(403);
    expect(other.status).toBe(303);
  });
});

describe('deactivation, reactivation and a new invitation', () => {
  it('ends the sessions of a deactivated account at once and refuses its login', async () => {
    const admin = await login(app, 'admin@oost.test');
    const s = await login(app, 'yusuf@oost.test');
    const ok = await app.inject({ method: 'GET', url: '/account/absence', headers: { cookie: s.cookie, accept: 'text/html' } });
    expect(ok.statusCode).toBe(200);
    const res = await post(admin, `/admin/accounts/${org.yusuf.id}/deactivate`);
    expect(res.statusCode).toBe(303);
    expect((await userByEmail('yusuf@oost.test'))!.active).toBe(false);
    expect(await db().select().from(staffSessions).where(eq(staffSessions.staffUserId, org.yusuf.id))).toEqual([]);
    const after = await app.inject({ method: 'GET', url: '/account/absence', headers: { cookie: s.cookie, accept: 'application/json' } });
    expect(after.statusCode).toBe(401);
    expect((await login(app, 'yusuf@oost.test')).status).toBe(401);
    const list = await app.inject({ method: 'GET', url: '/admin/accounts', headers: { cookie: admin.cookie, accept: 'text/html' } });
    expect(list.body).toContain('Uitgezet');
    const [ev] = await db()
      .select()
      .from(events)
      .where(and(eq(events.type, 'staff.deactivated'), eq(events.actorStaffId, oostAdmin.id)));
    expect(ev!.data).toEqual({ staffUserId: org.yusuf.id, role: 'casemanager' });

    expect((await post(admin, `/admin/accounts/${org.yusuf.id}/reactivate`)).statusCode).toBe(303);
    expect((await login(app, 'yusuf@oost.test')).status).toBe(303);
  });

  it('does not let an admin deactivate themselves', async () => {
    const admin = await login(app, 'admin@oost.test');
    const res = await post(admin, `/admin/accounts/${oostAdmin.id}/deactivate`);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('eigen account niet uitzetten');
    expect((await userByEmail('admin@oost.test'))!.active).toBe(true);
    const still = await app.inject({ method: 'GET', url: '/admin/accounts', headers: { cookie: admin.cookie, accept: 'text/html' } });
    expect(still.statusCode).toBe(200);
  });

  it('a new invitation resets the password and ends sessions; the new link sets a new one', async () => {
    const admin = await login(app, 'admin@oost.test');
    const s = await login(app, 'otto@oost.test', NEW_PASSWORD);
    const otto = (await userByEmail('otto@oost.test'))!;
    const res = await post(admin, `/admin/accounts/${otto.id}/invite`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Nieuwe uitnodiging');
    const token = linkFrom(res.body);
    expect((await login(app, 'otto@oost.test', NEW_PASSWORD)).status).toBe(401);
    const gone = await app.inject({ method: 'GET', url: '/account/absence', headers: { cookie: s.cookie, accept: 'application/json' } });
    expect(gone.statusCode).toBe(401);
    const ok = await acceptInvite(token, 'weer een ander lang wachtwoord');
    expect(ok.res!.statusCode).toBe(303);
    expect((await login(app, 'otto@oost.test', 'weer een ander lang wachtwoord')).status).toBe(303);
  });
});

describe('audit overview', () => {
  it('shows the privacy officer counts and staff actions of the own municipalities, never message text', async () => {
    const { token } = await createYoungsterWithCard(db(), org.oost.municipalities.Roermond!, org.michelle.id, { firstName: 'Zebediah', lastName: 'Quist' });
    const chat = await openChat(app, token);
    expect((await postChat(app, token, chat.cookie, { text: 'herkenbaar-geheim-bericht-42' })).statusCode).toBe(201);

    const fg = await login(app, 'fg@oost.test');
    const res = await app.inject({ method: 'GET', url: '/audit', headers: { cookie: fg.cookie, accept: 'text/html' } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Roermond');
    expect(res.body).toContain('message.received');
    // In words, in the user's language (the code stays only as a data attribute).
    expect(res.body).toContain('Bericht ontvangen');
    expect(res.body).not.toContain('<code>message.received</code>');
    expect(res.body).toContain('staff.deactivated');
    expect(res.body).toContain('Ada Test');
    for (const secret of ['herkenbaar-geheim-bericht-42', 'Zebediah', 'Quist', token, 'Weert']) expect(res.body).not.toContain(secret);

    const west = await login(app, 'fg@west.test');
    const other = await app.inject({ method: 'GET', url: '/audit', headers: { cookie: west.cookie, accept: 'text/html' } });
    expect(other.statusCode).toBe(200);
    expect(other.body).not.toContain('Roermond');
    expect(other.body).not.toContain('Ada Test');

    const admin = await login(app, 'admin@oost.test');
    expect((await app.inject({ method: 'GET', url: '/audit', headers: { cookie: admin.cookie, accept: 'text/html' } })).statusCode).toBe(200);
  });

  it('refuses casemanagers and coordinators', async () => {
    for (const email of ['michelle@oost.test', 'karin@oost.test']) {
      const s = await login(app, email);
      const res = await app.inject({ method: 'GET', url: '/audit', headers: { cookie: s.cookie, accept: 'text/html' } });
      expect(res.statusCode, email).toBe(403);
    }
    expect((await app.inject({ method: 'GET', url: '/audit', headers: { accept: 'application/json' } })).statusCode).toBe(401);
  });
});

describe('resetting a lost second factor', () => {
  const totpOn = { totpSecretSealed: 'sealed-secret-for-test', totpEnabledAt: new Date(), totpLastStep: 12345 };
  const totpOf = async (id: string) => {
    const u = (await db().select().from(staffUsers).where(eq(staffUsers.id, id)))[0]!;
    return { totpSecretSealed: u.totpSecretSealed, totpEnabledAt: u.totpEnabledAt, totpLastStep: u.totpLastStep };
  };

  it('clears the factor, ends the sessions, records an anonymous event; the button shows only where TOTP is on', async () => {
    const admin = await login(app, 'admin@oost.test');
    const karin = await login(app, 'karin@oost.test');
    await db().update(staffUsers).set(totpOn).where(eq(staffUsers.id, org.karin.id));
    const list = await app.inject({ method: 'GET', url: '/admin/accounts', headers: { cookie: admin.cookie, accept: 'text/html' } });
    expect(list.body).toContain(`/admin/accounts/${org.karin.id}/totp-reset`);
    expect(list.body).not.toContain(`/admin/accounts/${org.michelle.id}/totp-reset`);
    expect(list.body).toContain('Tweede stap resetten');

    const res = await post(admin, `/admin/accounts/${org.karin.id}/totp-reset`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('is gereset');
    expect(await totpOf(org.karin.id)).toEqual({ totpSecretSealed: null, totpEnabledAt: null, totpLastStep: null });
    expect(await db().select().from(staffSessions).where(eq(staffSessions.staffUserId, org.karin.id))).toEqual([]);
    const gone = await app.inject({ method: 'GET', url: '/account/absence', headers: { cookie: karin.cookie, accept: 'application/json' } });
    expect(gone.statusCode).toBe(401);
    const evs = await db().select().from(events).where(and(eq(events.type, 'staff.totp_reset'), eq(events.actorStaffId, oostAdmin.id)));
    const ev = evs.find((e) => e.data.staffUserId === org.karin.id);
    expect(ev!.data).toEqual({ staffUserId: org.karin.id, role: 'coordinator' });
    expect(ev!.municipalityId).toBeNull();
    expect(ev!.subject).toBeNull();
    // The password still works; the next login asks for no code.
    expect((await login(app, 'karin@oost.test')).status).toBe(303);
  });

  it('is not for yourself, not for another team and not without a valid CSRF token: nothing changes', async () => {
    // Signed in first: with a factor on, the password alone no longer signs in.
    const admin = await login(app, 'admin@oost.test');
    const west = await login(app, 'admin@west.test');
    const casemanager = await login(app, 'michelle@oost.test');
    await db().update(staffUsers).set(totpOn).where(eq(staffUsers.id, oostAdmin.id));
    await db().update(staffUsers).set(totpOn).where(eq(staffUsers.id, org.karin.id));
    const adminBefore = await totpOf(oostAdmin.id);
    const karinBefore = await totpOf(org.karin.id);
    const self = await post(admin, `/admin/accounts/${oostAdmin.id}/totp-reset`);
    expect(self.statusCode).toBe(400);
    expect(self.body).toContain('eigen tweede stap');
    expect(await totpOf(oostAdmin.id)).toEqual(adminBefore);

    for (const id of [org.karin.id, 'not-a-uuid', '00000000-0000-0000-0000-000000000000']) {
      expect((await post(west, `/admin/accounts/${id}/totp-reset`)).statusCode, id).toBe(404);
    }
    expect(await totpOf(org.karin.id)).toEqual(karinBefore);

    for (const token of ['forged', '']) {
      expect((await post({ cookie: admin.cookie, csrf: token }, `/admin/accounts/${org.karin.id}/totp-reset`)).statusCode).toBe(403);
    }
    expect(await totpOf(org.karin.id)).toEqual(karinBefore);
    expect((await post(casemanager, `/admin/accounts/${org.karin.id}/totp-reset`)).statusCode).toBe(403);
    expect(await totpOf(org.karin.id)).toEqual(karinBefore);
    const off = { totpSecretSealed: null, totpEnabledAt: null, totpLastStep: null };
    await db().update(staffUsers).set(off).where(eq(staffUsers.id, oostAdmin.id));
    await db().update(staffUsers).set(off).where(eq(staffUsers.id, org.karin.id));
  });
});
