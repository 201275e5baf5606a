import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../core/hash.js';
import { newSecret } from '../../core/tokens.js';
import { availabilityBlocks, availabilityExceptions, municipalityVisitTypes } from '../../db/schema/index.js';
import { visitStaff, visits } from '../../db/schema/index.js';
import { bookVisit } from '../../db/queries/visits.js';
import { breachNotifications, breaches, cardBatches, cards, channelContacts, consents, contactAttempts, deletionLog, erasureRequests, listImports, municipalities, conversationNotes, conversations, messages, partners, staffNotices, staffSessions, staffUsers, teamMunicipalities, teams, youngsters } from '../../db/schema/index.js';
import { buildWebApp } from '../../bin/services.js';
import { createYoungsterWithCard, twoTeams } from '../helpers/fixtures.js';
import { csrfFrom, login, openChat, postChat } from '../helpers/http.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

let iso: Isolated;
let app: FastifyInstance;
let org: Awaited<ReturnType<typeof twoTeams>>;
let oostConversationId: string;
let oostMessageId: string;
let oostYoungsterId: string;
let westColleague: string;
/** A second team in Oost's region: a handover target that would be accepted if the municipality were the caller's. */
let oostNoordTeamId: string;
/** A monthly list import, a card PDF batch and a card of Oost's. */
let oostImportId: string;
let oostBatchId: string;
let oostCardId: string;
/** A partner of Roermond and a consent of Oost's youngster (the consent ledger). */
let oostPartnerId: string;
/** An inbox notice of Michelle's (an opt-out told without content). */
let oostNoticeId: string;
let oostConsentId: string;
/** An availability exception of Michelle's (only she may remove it). */
let oostExceptionId: string;
/** A data breach in Oost's register. */
let oostBreachId: string;
/** A booked visit of Oost's youngster (Michelle goes). */
let oostVisitId: string;

/** Routes registered by libraries, not by us: static files only. */
const LIBRARY_ROUTES = new Set(['GET /assets/*']);

beforeAll(async () => {
  iso = await isolated();
  app = await buildWebApp(iso.ctx);
  org = await twoTeams(iso.ctx.database.db);
  const { token, youngster } = await createYoungsterWithCard(iso.ctx.database.db, org.oost.municipalities.Roermond!, org.michelle.id);
  oostYoungsterId = youngster.id;
  const [imported] = await iso.ctx.database.db.insert(listImports).values({ teamId: org.oost.teamId, listMonth: '2026-11-01' }).returning();
  oostImportId = imported!.id;
  const [card] = await iso.ctx.database.db.select().from(cards).where(eq(cards.youngsterId, youngster.id));
  oostCardId = card!.id;
  await iso.ctx.database.db.update(cards).set({ listImportId: oostImportId }).where(eq(cards.id, oostCardId));
  const [batch] = await iso.ctx.database.db
    .insert(cardBatches)
    .values({ municipalityId: org.oost.municipalities.Roermond!, listImportId: oostImportId, status: 'ready', fileName: 'not-there.pdf', total: 1, done: 1 })
    .returning();
  oostBatchId = batch!.id;
  const [breach] = await iso.ctx.database.db.insert(breaches).values({ teamId: org.oost.teamId, title: 'Oost lek', discoveredAt: new Date() }).returning();
  oostBreachId = breach!.id;
  westColleague = org.bram.id;
  const [oostTeam] = await iso.ctx.database.db.select().from(teams).where(eq(teams.id, org.oost.teamId));
  const [noord] = await iso.ctx.database.db.insert(teams).values({ regionId: oostTeam!.regionId, name: 'Team Oost-Noord' }).returning();
  oostNoordTeamId = noord!.id;
  const chat = await openChat(app, token);
  const res = await postChat(app, token, chat.cookie, { text: 'vertrouwelijk bericht' });
  oostMessageId = res.json().message.id;
  const [m] = await iso.ctx.database.db.select().from(messages).where(eq(messages.id, oostMessageId));
  oostConversationId = m!.conversationId;
  const [partner] = await iso.ctx.database.db.insert(partners).values({ municipalityId: org.oost.municipalities.Roermond!, name: 'Leerwerkloket' }).returning();
  oostPartnerId = partner!.id;
  const [notice] = await iso.ctx.database.db.insert(staffNotices).values({ staffId: org.michelle.id, kind: 'opt_out', municipalityId: org.oost.municipalities.Roermond! }).returning();
  oostNoticeId = notice!.id;
  const [consent] = await iso.ctx.database.db
    .insert(consents)
    .values({ youngsterId: oostYoungsterId, kind: 'cooperation', givenAt: new Date(), givenVia: 'in_person', explanationVersion: 'test', recordedBy: org.michelle.id })
    .returning();
  oostConsentId = consent!.id;
  const [exception] = await iso.ctx.database.db.insert(availabilityExceptions).values({ staffId: org.michelle.id, kind: 'off', startsAt: new Date(Date.now() + 86_400_000), endsAt: new Date(Date.now() + 2 * 86_400_000) }).returning();
  oostExceptionId = exception!.id;
  const visitAt = new Date(Date.now() + 3 * 86_400_000);
  oostVisitId = (
    await iso.ctx.database.db.transaction((tx) =>
      bookVisit(tx, { youngsterId: oostYoungsterId, municipalityId: org.oost.municipalities.Roermond!, type: 'home', slot: { startsAt: visitAt, endsAt: new Date(visitAt.getTime() + 3600_000), staffIds: [org.michelle.id] }, place: null, bookedVia: 'chat', createdBy: null }),
    )
  ).visitId;
});
afterAll(async () => {
  await app?.close();
  await iso?.destroy();
});

const db = () => iso.ctx.database.db;

/** Every path parameter filled with an object of Oost: its conversation, message, a staff account, or a municipality. */
function fill(url: string) {
  const id = url.startsWith('/admin/accounts')
    ? org.michelle.id
    : url.startsWith('/admin/team/municipalities')
      ? org.oost.municipalities.Roermond!
      : url.startsWith('/lists/imports')
        ? oostImportId
        : url.startsWith('/lists/batches')
          ? oostBatchId
          : url.startsWith('/cards/')
            ? oostCardId
            : url.startsWith('/breaches/')
              ? oostBreachId
              : url.startsWith('/privacy/youngsters')
                ? oostYoungsterId
                : url.startsWith('/inbox/notices')
                  ? oostNoticeId
                  : url.startsWith('/account/availability/exceptions')
                    ? oostExceptionId
                    : oostConversationId;
  return url.replace(':messageId', oostMessageId).replace(':consentId', oostConsentId).replace(':partnerId', oostPartnerId).replace(':visitId', oostVisitId).replace(':id', id).replace('*', 'style.css');
}

describe('every staff route', () => {
  const staffRoutes = () => app.routeTable.filter((r) => !r.public && !LIBRARY_ROUTES.has(`${r.method} ${r.url}`));

  it('the route table is collected (so the checks below are not vacuous)', () => {
    expect(staffRoutes().map((r) => `${r.method} ${r.url}`)).toEqual(
      expect.arrayContaining([
        'GET /inbox',
        'GET /inbox/c/:id',
        'POST /inbox/c/:id/replies',
        'POST /inbox/c/:id/notes',
        'POST /inbox/c/:id/assign',
        'POST /inbox/c/:id/status',
        'POST /inbox/c/:id/urgent',
        'POST /inbox/c/:id/attempts',
        'POST /inbox/c/:id/profile',
        'POST /inbox/c/:id/opt-out',
        'POST /inbox/notices/:id/read',
        'GET /inbox/events',
        'GET /admin/accounts',
        'POST /admin/accounts/:id/deactivate',
        'GET /audit',
        'GET /audit.csv',
        'GET /breaches/:id',
        'POST /breaches/:id/notifications',
        'GET /admin/team',
        'POST /admin/team',
        'GET /admin/team/municipalities/:id/handover',
        'POST /admin/team/municipalities/:id/handover',
        'POST /admin/team/municipalities/:id/retention',
        'GET /admin/team/municipalities/:id/exit',
        'GET /admin/team/municipalities/:id/exit/export.json',
        'POST /admin/team/municipalities/:id/exit/erase',
        'GET /privacy/youngsters/:id/export.html',
        'GET /privacy/youngsters/:id/export.json',
        'POST /inbox/c/:id/consents',
        'POST /inbox/c/:id/consents/:consentId/withdraw',
        'GET /admin/team/municipalities/:id/partners',
        'POST /admin/team/municipalities/:id/partners',
        'POST /admin/team/municipalities/:id/partners/:partnerId/deactivate',
        'GET /admin/team/municipalities/:id/visit-types',
        'POST /admin/team/municipalities/:id/visit-types',
        'POST /account/availability/exceptions/:id/remove',
        'GET /calendar',
        'GET /inbox/c/:id/visits/new',
        'POST /inbox/c/:id/visits',
        'POST /inbox/c/:id/visits/propose',
        'POST /inbox/c/:id/visits/:visitId/result',
        'GET /account/calendar-feed',
        'GET /reports/monitoring',
        'GET /reports/monitoring.json',
        'GET /reports/monitoring.csv',
        'GET /reports/monitoring.xlsx',
      ]),
    );
  });

  it('refuses anonymous callers and forged or expired sessions', async () => {
    const forged = `lj_sid=${newSecret(32)}`;
    // A real session that has expired.
    const expiredToken = newSecret(32);
    await db().insert(staffSessions).values({
      id: sha256(expiredToken),
      staffUserId: org.michelle.id,
      expiresAt: new Date(Date.now() - 1000),
    });
    for (const route of staffRoutes()) {
      for (const cookie of [undefined, forged, `lj_sid=${expiredToken}`]) {
        const res = await app.inject({
          method: route.method as 'GET',
          url: fill(route.url),
          headers: { accept: 'application/json', ...(cookie ? { cookie } : {}) },
        });
        expect([401, 403], `${route.method} ${route.url} with ${cookie ?? 'no cookie'}`).toContain(res.statusCode);
        expect(res.body).not.toContain('vertrouwelijk');
      }
    }
  });

  it("denies every role of another team any object of Oost's (conversations, messages, accounts), and changes nothing", async () => {
    // Which roles may use a route at all; everyone else is refused by role (403) or, where the
    // route checks scope first, by scope (404). A role that may use it must get 404: out of scope.
    const allowed = (url: string): readonly string[] =>
      url.startsWith('/admin/accounts') || url.startsWith('/admin/team') || url.startsWith('/admin/cards')
        ? ['admin']
        : url.startsWith('/inbox')
          ? ['casemanager', 'coordinator']
          : url.startsWith('/lists')
            ? ['coordinator', 'admin']
            : url.startsWith('/cards/')
              ? ['casemanager', 'coordinator', 'admin']
              : url.startsWith('/breaches/')
                ? ['privacy_officer'] // admins may read (404 for Oost's) but never post (403)
                : url.startsWith('/privacy/')
                  ? ['privacy_officer']
                  : url.startsWith('/account/availability/')
                    ? ['casemanager', 'coordinator', 'admin', 'privacy_officer'] // own exceptions only: another's is a 404
                    : [];
    // A body that would be accepted in scope, so a refusal is about scope, not about bad input.
    const bodies: Record<string, unknown> = {
      replies: { text: 'ingebroken' },
      notes: { body: 'ingebroken' },
      assign: { staffId: westColleague, note: 'ingebroken' },
      status: { status: 'closed' },
      urgent: { urgent: true },
      attempts: { kind: 'phone', minutes: 5, note: 'ingebroken' },
      profile: { outcome: 'werk', supportQuestion: 'werk' },
      handover: { to: oostNoordTeamId },
      consents: { kind: 'cooperation', givenVia: 'phone' },
      withdraw: { via: 'phone' },
      partners: { name: 'Ingebroken partner' },
      retention: { noReactionMonths: 1, closedMonths: 1, messageMonths: 1 },
      erase: { confirm: 'Roermond' },
      'opt-out': { how: 'door' },
      visits: { type: 'office', startsAt: new Date(Date.now() + 5 * 86_400_000).toISOString() },
      propose: { type: 'office', startsAt: new Date(Date.now() + 5 * 86_400_000).toISOString() },
      result: { result: 'cancelled', minutes: 0 },
      'visit-types': { home_enabled: 'on', home_duration: '60', home_twoStaff: 'on', office_duration: '45', walk_duration: '60', phone_duration: '30', video_duration: '30' },
    };
    const snapshot = async () => ({
      optedOut: (await db().select({ at: channelContacts.optedOutAt }).from(channelContacts)).map((c) => c.at?.toISOString() ?? '').sort(),
      notices: (await db().select({ id: staffNotices.id, readAt: staffNotices.readAt }).from(staffNotices)).map((n) => `${n.id}:${n.readAt?.toISOString() ?? ''}`),
      messages: (await db().select().from(messages)).length,
      notes: (await db().select().from(conversationNotes)).length,
      attempts: (await db().select().from(contactAttempts)).length,
      conversation: (await db().select().from(conversations).where(eq(conversations.id, oostConversationId)))[0],
      youngster: (await db().select().from(youngsters).where(eq(youngsters.id, oostYoungsterId)))[0],
      michelle: (await db().select().from(staffUsers).where(eq(staffUsers.id, org.michelle.id)))[0],
      sessions: (await db().select().from(staffSessions).where(eq(staffSessions.staffUserId, org.michelle.id))).length,
      served: (await db().select().from(teamMunicipalities)).map((r) => `${r.teamId}:${r.municipalityId}`).sort(),
      cards: (await db().select({ id: cards.id, casemanagerId: cards.casemanagerId, status: cards.status, deliveredAt: cards.deliveredAt }).from(cards))
        .map((c) => `${c.id}:${c.casemanagerId}:${c.status}:${c.deliveredAt?.toISOString() ?? ''}`)
        .sort(),
      batches: (await db().select({ id: cardBatches.id, downloadedAt: cardBatches.downloadedAt }).from(cardBatches)).map((b) => `${b.id}:${b.downloadedAt?.toISOString() ?? ''}`),
      batchCount: (await db().select().from(cardBatches)).length,
      breaches: (await db().select().from(breaches)).map((b) => JSON.stringify(b)).sort(),
      told: (await db().select().from(breachNotifications)).length,
      consentRows: (await db().select().from(consents)).map((c) => JSON.stringify(c)).sort(),
      partnerRows: (await db().select().from(partners)).map((p) => JSON.stringify(p)).sort(),
      erasures: (await db().select().from(erasureRequests)).length,
      deletions: (await db().select().from(deletionLog)).length,
      retention: (await db().select({ id: municipalities.id, r: municipalities.retentionNoReactionMonths, c: municipalities.retentionClosedMonths, m: municipalities.retentionMessageMonths, x: municipalities.exitedAt }).from(municipalities)).map((m) => JSON.stringify(m)).sort(),
      visits: [
        ...(await db().select().from(visits)).map((v) => JSON.stringify(v)),
        ...(await db().select().from(visitStaff)).map((v) => JSON.stringify(v)),
      ].sort(),
      availability: [
        ...(await db().select().from(availabilityExceptions)).map((e) => JSON.stringify(e)),
        ...(await db().select().from(availabilityBlocks)).map((b) => JSON.stringify(b)),
        ...(await db().select().from(municipalityVisitTypes)).map((v) => JSON.stringify(v)),
      ].sort(),
      branding: (await db().select({ id: municipalities.id, colours: municipalities.cardColours, logo: municipalities.cardLogo, cm: municipalities.defaultCasemanagerId }).from(municipalities)).map((m) => JSON.stringify(m)).sort(),
    });
    const { createStaff } = await import('../helpers/fixtures.js');
    const idRoutes = staffRoutes().filter((r) => r.url.includes(':id'));
    expect(idRoutes.length).toBeGreaterThanOrEqual(12);
    for (const role of ['casemanager', 'coordinator', 'admin', 'privacy_officer', 'regional'] as const) {
      const email = `${role}@west.test`;
      const existing = await db().select().from(staffUsers).where(eq(staffUsers.email, email));
      if (!existing[0]) await createStaff(db(), org.west.teamId, { email, firstName: role, role });
      const west = await login(app, email);
      expect(west.status).toBe(303);
      for (const route of idRoutes) {
        const before = await snapshot();
        const res = await app.inject({
          method: route.method as 'GET',
          url: fill(route.url),
          headers: { cookie: west.cookie, accept: 'application/json', 'content-type': 'application/json', 'x-csrf-token': west.csrf },
          payload: route.method === 'GET' ? undefined : JSON.stringify(bodies[route.url.split('/').at(-1)!] ?? {}),
        });
        const what = `${role}: ${route.method} ${route.url}`;
        if (allowed(route.url).includes(role)) expect(res.statusCode, what).toBe(404);
        else expect([403, 404], what).toContain(res.statusCode);
        expect(res.body, what).not.toContain('vertrouwelijk');
        expect(res.body, what).not.toContain('michelle@oost.test');
        expect(await snapshot(), what).toEqual(before);
      }
      // Lists and search within their own scope never show Oost's conversation.
      // (A search page repeats its own query, so each search looks for the other identifying text.)
      for (const [url, secret] of [
        ['/inbox?view=team', 'vertrouwelijk'],
        ['/inbox?view=unassigned', 'Houben'],
        ['/inbox?q=vertrouwelijk', 'Houben'],
        ['/inbox?q=Houben', 'vertrouwelijk'],
      ] as const) {
        const list = await app.inject({ method: 'GET', url, headers: { cookie: west.cookie, accept: 'text/html' } });
        expect(list.statusCode, `${role}: ${url}`).toBe(['casemanager', 'coordinator'].includes(role) ? 200 : 403);
        expect(list.body, `${role}: ${url}`).not.toContain(secret);
        expect(list.body).not.toContain(oostConversationId);
      }
      for (const url of ['/admin/accounts', '/audit', '/audit.csv', '/breaches', '/admin/team', '/lists', '/admin/team/retention', '/privacy/requests', '/reports/monitoring', '/reports/monitoring.json', '/reports/monitoring.csv']) {
        const page = await app.inject({ method: 'GET', url, headers: { cookie: west.cookie, accept: 'text/html' } });
        expect(page.body, `${role}: ${url}`).not.toContain('michelle@oost.test');
        expect(page.body, `${role}: ${url}`).not.toContain('Roermond');
        expect(page.body).not.toContain('vertrouwelijk');
      }
    }
  });

  it("refuses a regional account of Oost's own region every personal route: its figures are anonymous, its scope is empty", async () => {
    const { createStaff } = await import('../helpers/fixtures.js');
    await createStaff(db(), org.oost.teamId, { email: 'regional@oost.test', firstName: 'Regina', role: 'regional' });
    const r = await login(app, 'regional@oost.test');
    expect(r.status).toBe(303);
    const home = await app.inject({ method: 'GET', url: '/reports/monitoring', headers: { cookie: r.cookie, accept: 'text/html' } });
    expect(home.statusCode).toBe(200);
    const csrf = csrfFrom(home.body);
    // What any signed-in staff member may use: the own account, signing out, and (for this role) the report.
    const own = (url: string) => url.startsWith('/account/') || url === '/logout' || url.startsWith('/reports/');
    const answered: Record<string, number> = {};
    for (const route of staffRoutes().filter((x) => !own(x.url))) {
      const res = await app.inject({
        method: route.method as 'GET',
        url: fill(route.url),
        headers: { cookie: r.cookie, accept: 'application/json', 'content-type': 'application/json', 'x-csrf-token': csrf },
        payload: route.method === 'GET' ? undefined : '{}',
      });
      answered[`${route.method} ${route.url}`] = res.statusCode;
      for (const secret of ['vertrouwelijk', 'Houben', 'Sigfrid', 'michelle@oost.test', oostConversationId, oostYoungsterId]) {
        expect(res.body, `${route.method} ${route.url} shows ${secret}`).not.toContain(secret);
      }
    }
    expect(Object.entries(answered).filter(([, status]) => status !== 403 && status !== 404)).toEqual([]);
    expect(Object.keys(answered).length).toBeGreaterThan(40);
    // Its own report covers Oost's municipalities - as anonymous figures, never the youngster or the conversation.
    for (const url of ['/reports/monitoring', '/reports/monitoring.json', '/reports/monitoring.csv']) {
      const res = await app.inject({ method: 'GET', url, headers: { cookie: r.cookie, accept: url.endsWith('.csv') ? 'text/csv' : url.endsWith('.json') ? 'application/json' : 'text/html' } });
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toContain('Roermond');
      for (const secret of ['vertrouwelijk', 'Houben', 'Sigfrid', oostConversationId, oostYoungsterId]) expect(res.body, `${url} shows ${secret}`).not.toContain(secret);
    }
  });

  it('lets the own team see it (the denial above is about scope, not a broken route)', async () => {
    for (const email of ['michelle@oost.test', 'yusuf@oost.test', 'karin@oost.test']) {
      const s = await login(app, email);
      const res = await app.inject({ method: 'GET', url: `/inbox/c/${oostConversationId}`, headers: { cookie: s.cookie, accept: 'text/html' } });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('vertrouwelijk');
    }
  });
});

describe('login and session safety', () => {
  it('sends anonymous browsers to the login page and keeps where they were going', async () => {
    const res = await app.inject({ method: 'GET', url: `/inbox/c/${oostConversationId}`, headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(`/inbox/c/${oostConversationId}`)}`);
  });

  it('sets an HttpOnly, SameSite session cookie and stores only its hash', async () => {
    const page = await app.inject({ method: 'GET', url: '/login', headers: { accept: 'text/html' } });
    const s = await login(app, 'michelle@oost.test');
    expect(page.statusCode).toBe(200);
    const sid = s.jar.get('lj_sid')!;
    const rows = await db().select().from(staffSessions).where(eq(staffSessions.staffUserId, org.michelle.id));
    expect(rows.map((r) => r.id)).toContain(sha256(sid));
    expect(rows.map((r) => r.id)).not.toContain(sid);
  });

  it('refuses a state change without a valid CSRF token, and stores nothing', async () => {
    const s = await login(app, 'michelle@oost.test');
    const other = await login(app, 'yusuf@oost.test');
    const before = (await db().select().from(messages)).length;
    for (const token of [undefined, 'forged-token', other.csrf]) {
      const res = await app.inject({
        method: 'POST',
        url: `/inbox/c/${oostConversationId}/replies`,
        headers: { cookie: s.cookie, 'content-type': 'application/json', ...(token ? { 'x-csrf-token': token } : {}) },
        payload: JSON.stringify({ text: 'hoi' }),
      });
      expect(res.statusCode, `csrf ${token}`).toBe(403);
    }
    expect((await db().select().from(messages)).length).toBe(before);
  });

  it('rejects a wrong password the same way as an unknown address, then makes the account wait after 5 tries', async () => {
    const unknown = await login(app, 'nobody@oost.test', 'whatever');
    expect(unknown.status).toBe(401);
    for (let i = 0; i < 5; i++) expect((await login(app, 'yusuf@oost.test', `wrong-${i}`)).status).toBe(401);
    const locked = await login(app, 'yusuf@oost.test');
    expect(locked.status).toBe(401);
    expect(locked.jar.get('lj_sid')).toBeUndefined();
    await db().update(staffUsers).set({ lockedUntil: null, failedLogins: 0 }).where(eq(staffUsers.id, org.yusuf.id));
    expect((await login(app, 'yusuf@oost.test')).status).toBe(303);
  });

  it('ends the session on logout and for deactivated accounts', async () => {
    const s = await login(app, 'karin@oost.test');
    const out = await app.inject({
      method: 'POST',
      url: '/logout',
      headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(s.csrf)}`,
    });
    expect(out.statusCode).toBe(303);
    const after = await app.inject({ method: 'GET', url: '/inbox', headers: { cookie: s.cookie, accept: 'application/json' } });
    expect(after.statusCode).toBe(401);

    const m = await login(app, 'michelle@oost.test');
    await db().update(staffUsers).set({ active: false }).where(eq(staffUsers.id, org.michelle.id));
    const denied = await app.inject({ method: 'GET', url: '/inbox', headers: { cookie: m.cookie, accept: 'application/json' } });
    expect(denied.statusCode).toBe(401);
    await db().update(staffUsers).set({ active: true }).where(eq(staffUsers.id, org.michelle.id));
  });

  it('never redirects off-site after login', async () => {
    for (const next of ['//evil.example', 'https://evil.example', '/\\evil.example']) {
      const page = await app.inject({ method: 'GET', url: `/login?next=${encodeURIComponent(next)}`, headers: { accept: 'text/html' } });
      expect(page.body).toContain('name="next" value="/inbox"');
    }
  });

  it('rejects a malformed conversation id with a 4xx, not a database error', async () => {
    const s = await login(app, 'michelle@oost.test');
    for (const id of ['not-a-uuid', "1' or '1'='1", '00000000-0000-0000-0000-000000000000']) {
      const res = await app.inject({ method: 'GET', url: `/inbox/c/${encodeURIComponent(id)}`, headers: { cookie: s.cookie, accept: 'application/json' } });
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
    }
  });

  it('refuses oversized staff posts clearly', async () => {
    const s = await login(app, 'michelle@oost.test');
    const res = await app.inject({
      method: 'POST',
      url: `/inbox/c/${oostConversationId}/replies`,
      headers: { cookie: s.cookie, 'content-type': 'application/json', 'x-csrf-token': s.csrf },
      payload: JSON.stringify({ text: 'x'.repeat(200 * 1024) }),
    });
    expect(res.statusCode).toBe(413);
    const long = await app.inject({
      method: 'POST',
      url: `/inbox/c/${oostConversationId}/replies`,
      headers: { cookie: s.cookie, 'content-type': 'application/json', 'x-csrf-token': s.csrf },
      payload: JSON.stringify({ text: 'x'.repeat(5000) }),
    });
    expect(long.statusCode).toBe(413);
    expect(long.json().error).toBe('message_too_long');
  });
});
