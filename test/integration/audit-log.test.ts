import { AUDIT_ACTIONS } from '../../templates/staff/audit-actions.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asc, eq, gt } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp } from '../../bin/services.js';
import { appendAudit } from '../../db/queries/audit-log.js';
import { auditLog, cardBatches, cards, messages, teams } from '../../db/schema/index.js';
import { availabilityBlocks, staffUsers, visits } from '../../db/schema/index.js';
import { createConversationFixture, createStaff, createYoungsterWithCard, twoTeams } from '../helpers/fixtures.js';
import { csrfFrom, login } from '../helpers/http.js';
import { isolated, type Isolated } from '../helpers/isolated.js';
import { multipartForm } from '../helpers/multipart.js';

let iso: Isolated;
let app: FastifyInstance;
let org: Awaited<ReturnType<typeof twoTeams>>;
let conversationId: string;
let failedMessageId: string;
let cardId: string;
let batchId: string;
let spareId: string;
let noordTeamId: string;
let adminId: string;
let poId: string;
type Session = Awaited<ReturnType<typeof login>>;
const s: Record<'michelle' | 'karin' | 'admin' | 'po' | 'westPo', Session> = {} as never;

/** What must never reach the audit log: the youngster's name, the messages, what staff typed. */
const SECRETS = ['Sigfrid', 'Houben', 'vertrouwelijk', 'geheime', 'Mohammed', 'Heijden', 'michelle@oost.test', 'lek-omschrijving'];

/**
 * Routes that carry no config.audit on purpose: they show or change no personal
 * data of youngsters (or only repeat what an audited page showed). A new staff
 * route that is neither audited nor listed here fails the first test.
 */
const NOT_AUDITED: Record<string, string> = {
  'GET /assets/*': 'static files',
  'GET /admin/whatsapp': "pairing the team's WhatsApp number: no youngster data",
  'GET /account/absence': 'own absence',
  'GET /account/availability': 'own visiting hours: no youngster data (changes are audited)',
  'GET /admin/team/municipalities/:id/visit-types': "a municipality's visit types: no personal data (a change is audited)",
  'POST /account/absence': 'own absence',
  'POST /account/absence/clear': 'own absence',
  'GET /account/language': 'own language',
  'POST /account/language': 'own language',
  'GET /account/totp': 'own second factor (enabling it is an event)',
  'POST /account/totp': 'own second factor (enabling it is an event)',
  'POST /account/totp/disable': 'own second factor',
  'GET /admin/accounts': "the team's staff accounts (their changes are audited)",
  'GET /admin/team': 'office hours and escalation settings',
  'POST /admin/team': 'office hours and escalation settings (an event records it)',
  'GET /admin/team/municipalities/:id/handover': 'preview of a handover: counts only (the handover itself is audited)',
  'GET /inbox/events': 'live updates of rows the inbox and an (audited) open conversation already show; reconnects every few minutes',
  'GET /lists': 'list months and counts, no names',
  'GET /lists/batches/:id': 'progress of a PDF batch (counts), polled every second',
  'GET /admin/cards': 'card colours, logos and coaches: no youngster data (changes are audited)',
  'GET /breaches/new': 'an empty form',
  'GET /admin/team/municipalities/:id/partners': "a municipality's partner organisations: no personal data",
  'POST /inbox/notices/:id/read': 'marks an own notice read; the notice has no content',
  'GET /admin/team/retention': 'retention settings and the dry run: counts only (a change is audited)',
  'GET /admin/team/municipalities/:id/exit': 'what an exit would do: counts only (the export and the erasure are audited)',
  'GET /privacy/requests': 'the empty search form of an access request (the search and the export are audited)',
  'GET /inbox/c/:id/visits/new': 'free moments of the team for a booking: no youngster data (the booking is audited)',
  'GET /account/calendar-feed': 'own calendar link: whether it is on (making or stopping it is audited)',
};
/** bull-board's pages and API: job data carries ids only (Redis never holds personal data). */
const NOT_AUDITED_PREFIX = ['/admin/queues'];

const db = () => iso.ctx.database.db;
const lastId = async () => (await db().select({ id: auditLog.id }).from(auditLog).orderBy(asc(auditLog.id))).at(-1)?.id ?? 0;
const newEntries = async (after: number) => db().select().from(auditLog).where(gt(auditLog.id, after)).orderBy(asc(auditLog.id));

function post(who: Session, url: string, body: unknown = {}) {
  return app.inject({
    method: 'POST',
    url,
    headers: { cookie: who.cookie, 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': who.csrf },
    payload: JSON.stringify(body),
  });
}
const get = (who: Session, url: string, accept = 'text/html') => app.inject({ method: 'GET', url, headers: { cookie: who.cookie, accept } });

beforeAll(async () => {
  iso = await isolated();
  app = await buildWebApp(iso.ctx);
  org = await twoTeams(db());
  const roermond = org.oost.municipalities.Roermond!;
  const fx = await createConversationFixture(db(), {
    municipalityId: roermond,
    firstName: 'Sigfrid',
    lastName: 'Houben',
    assignedTo: org.michelle.id,
    messages: [{ direction: 'in', body: 'vertrouwelijk bericht' }],
  });
  conversationId = fx.conversation.id;
  const [failed] = await db()
    .insert(messages)
    .values({ conversationId, contactId: fx.contact.id, channel: 'web', direction: 'out', kind: 'text', authorStaffId: org.michelle.id, body: 'geheime poging', status: 'failed' })
    .returning();
  failedMessageId = failed!.id;
  const { card } = await createYoungsterWithCard(db(), roermond, org.michelle.id);
  cardId = card.id;
  const pdfDir = iso.env.cards.pdfDir;
  mkdirSync(pdfDir, { recursive: true });
  writeFileSync(join(pdfDir, 'audit-test.pdf'), '%PDF-1.4 test');
  const [batch] = await db().insert(cardBatches).values({ municipalityId: roermond, status: 'ready', fileName: 'audit-test.pdf', total: 1, done: 1 }).returning();
  batchId = batch!.id;
  adminId = (await createStaff(db(), org.oost.teamId, { email: 'admin@oost.test', firstName: 'Adam', role: 'admin' })).id;
  poId = (await createStaff(db(), org.oost.teamId, { email: 'po@oost.test', firstName: 'Petra', role: 'privacy_officer' })).id;
  await createStaff(db(), org.west.teamId, { email: 'po@west.test', firstName: 'Wim', role: 'privacy_officer' });
  spareId = (await createStaff(db(), org.oost.teamId, { email: 'spare@oost.test', firstName: 'Reserve' })).id;
  const [oost] = await db().select().from(teams).where(eq(teams.id, org.oost.teamId));
  noordTeamId = (await db().insert(teams).values({ regionId: oost!.regionId, name: 'Team Oost-Noord' }).returning())[0]!.id;
  s.michelle = await login(app, 'michelle@oost.test');
  s.karin = await login(app, 'karin@oost.test');
  s.admin = await login(app, 'admin@oost.test');
  s.po = await login(app, 'po@oost.test');
  s.westPo = await login(app, 'po@west.test');
});
afterAll(async () => {
  await app?.close();
  await iso?.destroy();
});

describe('which routes are audited', () => {
  it('every staff route is audited or named, with a reason, as one without personal data', () => {
    const staffRoutes = app.routeTable.filter((r) => !r.public);
    expect(staffRoutes.length).toBeGreaterThan(40);
    const missing = staffRoutes
      .filter((r) => !r.audit && !NOT_AUDITED[`${r.method} ${r.url}`] && !NOT_AUDITED_PREFIX.some((p) => r.url.startsWith(p)))
      .map((r) => `${r.method} ${r.url}`);
    expect(missing).toEqual([]);
    // The allow-list names only routes that exist (no stale excuses).
    for (const key of Object.keys(NOT_AUDITED)) expect(app.routeTable.some((r) => `${r.method} ${r.url}` === key), key).toBe(true);
    // The ones the privacy rules name, with their actions.
    const action = (key: string) => app.routeTable.find((r) => `${r.method} ${r.url}` === key)?.audit?.action;
    expect(action('GET /inbox/c/:id')).toBe('conversation.view');
    expect(action('GET /audit')).toBe('audit.view');
    expect(action('GET /audit.csv')).toBe('audit.export');
    expect(action('GET /lists/batches/:id/download')).toBe('cards.download');
    expect(action('GET /breaches/:id')).toBe('breach.view');
    expect(action('POST /breaches/:id/close')).toBe('breach.change');
    expect(action('POST /inbox/c/:id/opt-out')).toBe('youngster.opt_out');
    expect(action('GET /calendar')).toBe('calendar.view');
    expect(action('POST /inbox/c/:id/visits')).toBe('visit.book');
    expect(action('POST /inbox/c/:id/visits/propose')).toBe('visit.propose');
    expect(action('POST /account/calendar-feed')).toBe('calendar_feed.change');
    expect(action('GET /reports/monitoring')).toBe('report.view');
    for (const f of ['json', 'csv', 'xlsx']) expect(action(`GET /reports/monitoring.${f}`), f).toBe('report.download');
    // The iCalendar feed: its secret URL is the key, no staff session (so no audit entry of a person).
    expect(app.routeTable.find((r) => `${r.method} ${r.url}` === 'GET /calendar/feed/:token.ics')).toMatchObject({ public: true, audit: null });
    // Every action a route records has a plain name on the /audit page.
    for (const r of app.routeTable) if (r.audit) expect(AUDIT_ACTIONS, `${r.method} ${r.url}`).toContain(r.audit.action);
  });
});

describe('one entry per use, ids only', () => {
  const covered = new Set<string>();

  /** Runs one call in scope and expects exactly one new entry: this action, this person, this object - and no content. */
  async function once(route: string, _who: Session, staffId: string, action: string, objectId: string | null, call: () => Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }>) {
    const before = await lastId();
    const res = await call();
    expect(res.statusCode, `${route}: ${res.body.slice(0, 300)}`).toBeLessThan(400);
    const rows = await newEntries(before);
    expect(rows, route).toHaveLength(1);
    expect(rows[0], route).toMatchObject({ action, staffId, teamId: org.oost.teamId, objectId });
    const text = JSON.stringify(rows[0]);
    for (const secret of SECRETS) expect(text, `${route} stores ${secret}`).not.toContain(secret);
    covered.add(route);
    return res;
  }

  it('the inbox, the conversation, the panel and every conversation action', async () => {
    const m = s.michelle;
    const me = org.michelle.id;
    const c = conversationId;
    const view = await once('GET /inbox/c/:id', m, me, 'conversation.view', c, () => get(m, `/inbox/c/${c}`));
    expect(view.body).toContain('vertrouwelijk bericht');
    expect((await newEntries(0)).find((r) => r.action === 'conversation.view')?.municipalityId).toBe(org.oost.municipalities.Roermond);
    await once('GET /inbox/c/:id/canned', m, me, 'conversation.canned', c, () => get(m, `/inbox/c/${c}/canned?canned=follow-up`, 'application/json'));
    await once('POST /inbox/c/:id/notes', m, me, 'note.add', c, () => post(m, `/inbox/c/${c}/notes`, { body: 'geheime notitie over Sigfrid' }));
    await once('POST /inbox/c/:id/attempts', m, me, 'attempt.record', c, () => post(m, `/inbox/c/${c}/attempts`, { kind: 'phone', minutes: 5, note: 'geheime belnotitie' }));
    await once('POST /inbox/c/:id/profile', m, me, 'profile.change', c, () => post(m, `/inbox/c/${c}/profile`, { supportQuestion: 'werk' }));
    await once('POST /inbox/c/:id/status', m, me, 'conversation.status', c, () => post(m, `/inbox/c/${c}/status`, { status: 'waiting' }));
    await once('POST /inbox/c/:id/urgent', m, me, 'conversation.urgent', c, () => post(m, `/inbox/c/${c}/urgent`, { urgent: true }));
    await once('POST /inbox/c/:id/assign', m, me, 'conversation.assign', c, () => post(m, `/inbox/c/${c}/assign`, { staffId: org.yusuf.id, note: 'geheime overdracht' }));
    await once('POST /inbox/c/:id/messages/:messageId/retry', m, me, 'message.retry', c, () => post(m, `/inbox/c/${c}/messages/${failedMessageId}/retry`));
    await once('POST /inbox/c/:id/replies', m, me, 'conversation.reply', c, () => post(m, `/inbox/c/${c}/replies`, { text: 'geheime reactie voor Sigfrid' }));

    // A visit: booked from the conversation (a moment the booking page offers), then its result; the calendar and the feed link.
    await db().insert(availabilityBlocks).values([1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ staffId: org.yusuf.id, weekday, startsAt: '00:00', endsAt: '24:00' })));
    await db().update(staffUsers).set({ minNoticeHours: 0 }).where(eq(staffUsers.id, org.yusuf.id));
    const moment = /name="startsAt" value="([^"]+)"/.exec((await get(m, `/inbox/c/${c}/visits/new?type=phone`)).body)?.[1];
    expect(moment).toBeTruthy();
    const booked = await once('POST /inbox/c/:id/visits', m, me, 'visit.book', c, () => post(m, `/inbox/c/${c}/visits`, { type: 'phone', startsAt: moment }));
    const visitId = (JSON.parse(booked.body) as { visitId: string }).visitId;
    await once('POST /inbox/c/:id/visits/:visitId/result', m, me, 'visit.result', c, () => post(m, `/inbox/c/${c}/visits/${visitId}/result`, { result: 'cancelled' }));
    expect((await db().select().from(visits).where(eq(visits.id, visitId)))[0]!.status).toBe('cancelled');
    await once('POST /inbox/c/:id/visits/propose', m, me, 'visit.propose', c, () => post(m, `/inbox/c/${c}/visits/propose`, { type: 'phone', startsAt: moment }));
    await once('GET /calendar', m, me, 'calendar.view', null, () => get(m, '/calendar?view=week&who=team'));
    await once('POST /account/calendar-feed', m, me, 'calendar_feed.change', null, () => post(m, '/account/calendar-feed'));
    await once('POST /account/calendar-feed/revoke', m, me, 'calendar_feed.change', null, () => post(m, '/account/calendar-feed/revoke'));

    // A search leaves `search: true`, never the term; the plain worklist leaves nothing.
    const before = await lastId();
    expect((await get(m, '/inbox?q=Houben')).statusCode).toBe(200);
    expect((await get(m, '/inbox?view=team')).statusCode).toBe(200);
    const rows = await newEntries(before);
    expect(rows.map((r) => [r.action, r.detail])).toEqual([['inbox.search', { search: true }]]);
    expect(JSON.stringify(rows)).not.toContain('Houben');
  });

  it('the monthly list, its cards and their downloads', async () => {
    const k = s.karin;
    const me = org.karin.id;
    const file = readFixture();
    const form = multipartForm({ _csrf: k.csrf, month: '2026-11' }, { name: 'file', filename: 'lijst.csv', content: file });
    const before = await lastId();
    const up = await app.inject({ method: 'POST', url: '/lists/upload', headers: { cookie: k.cookie, 'content-type': form.contentType, accept: 'text/html' }, payload: form.payload });
    expect(up.statusCode).toBe(303);
    const uploadId = up.headers.location!.split('/').at(-1)!;
    expect((await newEntries(before)).map((r) => [r.action, r.objectId])).toEqual([['list.upload', uploadId]]);
    const preview = await once('GET /lists/preview/:id', k, me, 'list.preview', uploadId, () => get(k, `/lists/preview/${uploadId}`));
    expect(preview.body).toContain('Roermond');
    const done = await once('POST /lists/preview/:id', k, me, 'list.import', uploadId, () =>
      app.inject({
        method: 'POST',
        url: `/lists/preview/${uploadId}`,
        headers: { cookie: k.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        payload: new URLSearchParams({ _csrf: csrfFrom(preview.body), month: '2026-11', action: 'import' }).toString(),
      }),
    );
    const importId = String(done.headers.location).split('/').at(-1)!;
    await once('GET /lists/imports/:id', k, me, 'list.result', importId, () => get(k, `/lists/imports/${importId}`));
    await once('GET /lists/imports/:id/rejected.csv', k, me, 'list.rejected_download', importId, () => get(k, `/lists/imports/${importId}/rejected.csv`, 'text/csv'));
    await once('POST /lists/imports/:id/cards', k, me, 'cards.generate', importId, () => post(k, `/lists/imports/${importId}/cards`, { layout: 'a6' }));
    await once('POST /lists/imports/:id/delivered', k, me, 'cards.delivered', importId, () => post(k, `/lists/imports/${importId}/delivered`));
    await once('GET /lists/batches/:id/download', k, me, 'cards.download', batchId, () => get(k, `/lists/batches/${batchId}/download`, 'application/pdf'));

    const m = s.michelle;
    await once('POST /cards/:id/delivered', m, org.michelle.id, 'card.delivered', cardId, () => post(m, `/cards/${cardId}/delivered`));
    await once('POST /cards/:id/regenerate', m, org.michelle.id, 'card.regenerate', cardId, () => post(m, `/cards/${cardId}/regenerate`));
    await once('POST /cards/:id/revoke', m, org.michelle.id, 'card.revoke', cardId, () => post(m, `/cards/${cardId}/revoke`));
    expect((await db().select().from(cards).where(eq(cards.id, cardId)))[0]!.status).not.toBe('active');
  });

  it("an admin's changes to accounts, card details and the team's municipalities", async () => {
    const a = s.admin;
    const cardsPage = await get(a, '/admin/cards');
    const csrf = csrfFrom(cardsPage.body);
    const multipart = (url: string, fields: Record<string, string>) => {
      const f = multipartForm({ _csrf: csrf, ...fields }, null);
      return app.inject({ method: 'POST', url, headers: { cookie: a.cookie, 'content-type': f.contentType, accept: 'text/html' }, payload: f.payload });
    };
    const maasgouw = org.oost.municipalities.Maasgouw!;
    await once('POST /admin/cards/municipalities/:id', a, adminId, 'card_design.change', maasgouw, () => multipart(`/admin/cards/municipalities/${maasgouw}`, { primary: '85, 20, 0, 10', accent: '0, 60, 100, 0' }));
    await once('POST /admin/cards/staff/:id', a, adminId, 'coach_card.change', org.michelle.id, () => multipart(`/admin/cards/staff/${org.michelle.id}`, { phone: '06 12345678' }));
    await once('POST /admin/accounts/:id/invite', a, adminId, 'staff.invite', spareId, () => post(a, `/admin/accounts/${spareId}/invite`));
    await once('POST /admin/accounts/:id/totp-reset', a, adminId, 'staff.totp_reset', spareId, () => post(a, `/admin/accounts/${spareId}/totp-reset`));
    await once('POST /admin/accounts/:id/deactivate', a, adminId, 'staff.deactivate', spareId, () => post(a, `/admin/accounts/${spareId}/deactivate`));
    await once('POST /admin/accounts/:id/reactivate', a, adminId, 'staff.reactivate', spareId, () => post(a, `/admin/accounts/${spareId}/reactivate`));
    await once('POST /admin/team/municipalities/:id/handover', a, adminId, 'municipality.handover', maasgouw, () => post(a, `/admin/team/municipalities/${maasgouw}/handover`, { to: noordTeamId }));
  });

  it("the breach register's pages and changes", async () => {
    const p = s.po;
    const before = await lastId();
    const made = await post(p, '/breaches', {
      title: 'PDF verkeerd verstuurd',
      description: 'lek-omschrijving',
      date: '2026-01-05',
      time: '09:30',
      categories: ['name_address'],
      peopleCount: '3',
      measures: 'PDF teruggevraagd',
      municipalities: [org.oost.municipalities.Roermond],
    });
    expect(made.statusCode).toBe(303);
    const id = String(made.headers.location).split('/').at(-1)!;
    const created = await newEntries(before);
    expect(created.map((r) => [r.action, r.objectId, r.detail])).toEqual([['breach.change', id, { step: 'create' }]]);
    const po = poId;
    expect(created[0]!.staffId).toBe(poId);
    await once('GET /breaches/:id', p, po, 'breach.view', id, () => get(p, `/breaches/${id}`));
    await once('POST /breaches/:id', p, po, 'breach.change', id, () => post(p, `/breaches/${id}`, { measures: 'lek-omschrijving bijgewerkt', peopleCount: '4' }));
    await once('POST /breaches/:id/notifications', p, po, 'breach.change', id, () => post(p, `/breaches/${id}/notifications`, { party: 'ap', date: '2026-01-05', time: '10:00', note: '' }));
    await once('POST /breaches/:id/close', p, po, 'breach.change', id, () => post(p, `/breaches/${id}/close`));
  });

  it('the monitoring report: one entry per view and per download, no parameters or figures in it', async () => {
    const k = s.karin;
    const me = org.karin.id;
    const q = '?from=2026-01-01&peildatum=2026-06-30&outside=1';
    await once('GET /reports/monitoring', k, me, 'report.view', null, () => get(k, `/reports/monitoring${q}`));
    await once('GET /reports/monitoring.json', k, me, 'report.download', null, () => get(k, `/reports/monitoring.json${q}`, 'application/json'));
    await once('GET /reports/monitoring.csv', k, me, 'report.download', null, () => get(k, `/reports/monitoring.csv${q}`, 'text/csv'));
    await once('GET /reports/monitoring.xlsx', k, me, 'report.download', null, () => get(k, `/reports/monitoring.xlsx${q}`, '*/*'));
    // A refused period (400) leaves nothing.
    const before = await lastId();
    expect((await get(k, '/reports/monitoring.json?peildatum=2026-02-30', 'application/json')).statusCode).toBe(400);
    expect(await newEntries(before)).toEqual([]);
  });

  it('covered every audited route with an :id (a new one needs a case above)', () => {
    const withId = app.routeTable.filter((r) => r.audit && r.url.includes(':id')).map((r) => `${r.method} ${r.url}`);
    // Routes added alongside by other work (consents and partners on the panel, retention/exit/exports,
    // opt-out and erasure, staff notices, availability and visit types) are tested by their own files.
    const ours = withId.filter((r) => !/consent|partner|retention|exit|export|erasure|opt-out|notices|privacy\/|availability|visit-types/.test(r));
    expect(ours.filter((r) => !covered.has(r))).toEqual([]);
  });
});

describe('sign-in and sign-out', () => {
  it('leave an entry with the account id, never the address typed', async () => {
    const before = await lastId();
    const ok = await login(app, 'yusuf@oost.test');
    expect(ok.status).toBe(303);
    expect((await login(app, 'yusuf@oost.test', 'wrong password')).status).toBe(401);
    expect((await login(app, 'nobody@oost.test', 'wrong password')).status).toBe(401);
    const out = await app.inject({ method: 'POST', url: '/logout', headers: { cookie: ok.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${encodeURIComponent(ok.csrf)}` });
    expect(out.statusCode).toBe(303);
    const rows = await newEntries(before);
    expect(rows.map((r) => [r.action, r.staffId, r.teamId])).toEqual([
      ['staff.sign_in', org.yusuf.id, org.oost.teamId],
      ['staff.sign_in_failed', org.yusuf.id, org.oost.teamId],
      ['staff.sign_in_failed', null, null],
      ['staff.sign_out', org.yusuf.id, org.oost.teamId],
    ]);
    expect(JSON.stringify(rows)).not.toMatch(/@oost\.test|wrong password/);
  });
});

describe('a failing audit write', () => {
  it('turns a view into a 500 without the data, and lets a committed change answer', async () => {
    // A real failure at the database (no mock): a trigger that refuses every new entry, for this test only.
    await iso.ctx.database.sql.unsafe(`create function audit_refuse() returns trigger language plpgsql as $$ begin raise exception 'audit refused for the test'; end $$;
      create trigger audit_refuse before insert on audit_log for each row execute function audit_refuse();`);
    try {
      const view = await get(s.michelle, `/inbox/c/${conversationId}`);
      expect(view.statusCode).toBe(500);
      expect(view.body).not.toContain('vertrouwelijk');
      const note = await post(s.michelle, `/inbox/c/${conversationId}/notes`, { body: 'geheime notitie twee' });
      expect(note.statusCode).toBe(201);
    } finally {
      await iso.ctx.database.sql.unsafe('drop trigger audit_refuse on audit_log; drop function audit_refuse();');
    }
    expect((await get(s.michelle, `/inbox/c/${conversationId}`)).statusCode).toBe(200);
  });
});

describe('nobody changes the log', () => {
  it('no route, for no role, removes or alters an entry', async () => {
    const snapshot = async () => new Map((await db().select().from(auditLog)).map((r) => [r.id, JSON.stringify(r)]));
    // Every staff route except the endless live stream, with ids of Oost's own objects, for every role of Oost.
    const routes = app.routeTable.filter((r) => !r.public && r.url !== '/inbox/events' && r.url !== '/logout');
    const fill = (url: string) => url.replace(':messageId', failedMessageId).replace(/:id\b/, conversationId).replace(/:[A-Za-z]+/g, 'x').replace('*', 'style.css');
    for (const who of [s.michelle, s.karin, s.admin, s.po]) {
      for (const route of routes) {
        const before = await snapshot();
        await app.inject({
          method: route.method as 'GET',
          url: fill(route.url),
          headers: { cookie: who.cookie, accept: 'application/json', 'content-type': 'application/json', 'x-csrf-token': who.csrf },
          payload: route.method === 'GET' ? undefined : '{}',
        });
        const after = await snapshot();
        for (const [id, row] of before) expect(after.get(id), `${route.method} ${route.url}`).toBe(row);
      }
    }
  });

  it('refuses UPDATE, DELETE and TRUNCATE in SQL, and purges only past retention', async () => {
    const sql = iso.ctx.database.sql;
    expect((await sql`select count(*)::int as n from audit_log`)[0]!.n).toBeGreaterThan(0);
    await expect(sql`update audit_log set action = 'changed'`).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log`).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_log`).rejects.toThrow(/append-only/);
    await expect(sql`select purge_audit_log(now() - interval '1 day')`).rejects.toThrow(/180 days/);
    await sql`insert into audit_log (at, action) values (now() - interval '400 days', 'test.ancient'), (now() - interval '100 days', 'test.recent')`;
    const total = (await sql`select count(*)::int as n from audit_log`)[0]!.n as number;
    const purged = await sql`select purge_audit_log(now() - interval '200 days') as n`;
    expect(Number(purged[0]!.n)).toBe(1);
    const left = await sql`select action from audit_log where action like 'test.%'`;
    expect(left.map((r) => r.action)).toEqual(['test.recent']);
    expect((await sql`select count(*)::int as n from audit_log`)[0]!.n).toBe(total - 1);
    // The purge's permission ends with it: a plain DELETE is refused again.
    await expect(sql`delete from audit_log where action = 'test.recent'`).rejects.toThrow(/append-only/);
  });
});

describe('the /audit page and its CSV', () => {
  it("show the own team's entries, filtered, and never another team's", async () => {
    await appendAudit(db(), { staffId: org.bram.id, teamId: org.west.teamId, action: 'conversation.view', objectType: 'conversation', objectId: 'west-only-object' });
    await appendAudit(db(), { staffId: org.michelle.id, teamId: org.oost.teamId, action: 'conversation.view', objectType: 'conversation', objectId: 'oost-only-object' });
    const p = s.po;
    const all = await get(p, '/audit');
    expect(all.statusCode).toBe(200);
    expect(all.body).toContain('oost-only-object');
    expect(all.body).toContain('Gesprek bekeken');
    expect(all.body).not.toContain('west-only-object');
    expect(all.body).not.toContain(org.bram.id);
    // West's privacy officer sees West's entry only.
    const west = await get(s.westPo, '/audit');
    expect(west.body).toContain('west-only-object');
    expect(west.body).not.toContain('oost-only-object');

    const byObject = await get(p, '/audit?object=oost-only-object');
    expect(byObject.body.match(/<tr data-action=/g)).toHaveLength(1);
    const byAction = await get(p, '/audit?action=staff.sign_in');
    const actions = [...byAction.body.matchAll(/<tr data-action="([^"]+)"/g)].map((m) => m[1]);
    expect(actions.length).toBeGreaterThan(0);
    expect(new Set(actions)).toEqual(new Set(['staff.sign_in']));
    const future = await get(p, '/audit?from=2099-01-01');
    expect(future.body).not.toContain('<tr data-action=');
    expect(future.body).toContain('Geen handelingen gevonden');

    const csv = await get(p, `/audit.csv?staff=${org.michelle.id}`, 'text/csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\n');
    expect(lines[0]).toBe('tijd,medewerker,medewerker_id,handeling,handeling_code,object,object_id,gemeente_id');
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines.slice(1)) expect(line).toContain(org.michelle.id);
    expect(csv.body).toContain('oost-only-object');
    const fullCsv = await get(p, '/audit.csv', 'text/csv');
    expect(fullCsv.body).not.toContain('west-only-object');
    expect(fullCsv.body).not.toContain(org.bram.id);
    for (const secret of SECRETS) expect(fullCsv.body, secret).not.toContain(secret);
    // Looking and downloading are themselves in the log.
    const own = await db().select().from(auditLog).where(eq(auditLog.staffId, poId));
    expect(own.map((r) => r.action)).toEqual(expect.arrayContaining(['audit.view', 'audit.export']));
  });

  it('is for privacy officers and admins only', async () => {
    for (const who of [s.michelle, s.karin]) {
      expect((await get(who, '/audit')).statusCode).toBe(403);
      expect((await get(who, '/audit.csv', 'text/csv')).statusCode).toBe(403);
    }
    expect((await get(s.admin, '/audit')).statusCode).toBe(200);
  });
});

function readFixture(): Buffer {
  return Buffer.from(
    'achternaam;tussenvoegsel;voornaam;geboortedatum;straat;huisnummer;postcode;woonplaats;gemeente;datum_instroom;nieuwe_instroom;kvk_inschrijving;bekend_bij_gemeente\n' +
      'Heijden;van der;Mohammed;01-10-2003;Kerkstraat;112;6041 AA;Roermond;Roermond;01-10-2026;ja;nee;nee\n' +
      'Kaya;;Emre;29-01-2003;Emmasingel;16;6041 AB;Roermond;Roermond;01-10-2026;ja;nee;nee\n' +
      'Smit;;;29-01-2003;Emmasingel;18;6041 AB;Roermond;Roermond;01-10-2026;ja;nee;nee\n',
  );
}

