import { and, eq, isNull } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp } from '../../bin/services.js';
import { erasureJobId } from '../../core/queues.js';
import {
  cards,
  channelContacts,
  consents,
  contactAttempts,
  conversationNotes,
  conversations,
  deletionLog,
  erasureRequests,
  messages,
  municipalities,
  youngsters,
} from '../../db/schema/index.js';
import { createStaff, createYoungsterWithCard, twoTeams } from '../helpers/fixtures.js';
import { login, openChat, postChat } from '../helpers/http.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

let iso: Isolated;
let app: FastifyInstance;
let org: Awaited<ReturnType<typeof twoTeams>>;
let youngsterId: string;
let token: string;
const db = () => iso.ctx.database.db;

type Session = Awaited<ReturnType<typeof login>>;
let oostOfficer: Session;
let westOfficer: Session;
let oostAdmin: Session;
let westAdmin: Session;

beforeAll(async () => {
  iso = await isolated();
  app = await buildWebApp(iso.ctx);
  org = await twoTeams(db());
  const made = await createYoungsterWithCard(db(), org.oost.municipalities.Roermond!, org.michelle.id, { firstName: 'Sigfrid', lastName: 'Houben' });
  youngsterId = made.youngster.id;
  token = made.token;
  await db().update(youngsters).set({ birthDate: '2005-03-14', street: 'Kerkstraat', houseNumber: '7', postcode: '6041AB', city: 'Roermond' }).where(eq(youngsters.id, youngsterId));
  await db().update(cards).set({ shortCode: '7K3M9QXD' }).where(eq(cards.id, made.card.id));
  const chat = await openChat(app, token);
  await postChat(app, token, chat.cookie, { text: 'ik zoek werk in de buurt' });
  const [conv] = await db().select().from(conversations).where(eq(conversations.youngsterId, youngsterId));
  await db().insert(conversationNotes).values({ conversationId: conv!.id, authorId: org.michelle.id, body: 'belt liever na vieren' });
  await db().insert(contactAttempts).values({ youngsterId, staffId: org.michelle.id, kind: 'home_visit_spoke', occurredOn: '2026-11-20', minutes: 15, note: 'deur open' });
  await db().insert(consents).values({ youngsterId, kind: 'cooperation', givenAt: new Date('2026-11-21T10:00:00Z'), givenVia: 'in_person', explanationVersion: 'v1' });
  await createStaff(db(), org.oost.teamId, { email: 'fg@oost.test', firstName: 'Fenna', role: 'privacy_officer' });
  await createStaff(db(), org.west.teamId, { email: 'fg@west.test', firstName: 'Wim', role: 'privacy_officer' });
  await createStaff(db(), org.oost.teamId, { email: 'admin@oost.test', firstName: 'Anne', role: 'admin' });
  await createStaff(db(), org.west.teamId, { email: 'admin@west.test', firstName: 'Willem', role: 'admin' });
  oostOfficer = await login(app, 'fg@oost.test');
  westOfficer = await login(app, 'fg@west.test');
  oostAdmin = await login(app, 'admin@oost.test');
  westAdmin = await login(app, 'admin@west.test');
});
afterAll(async () => {
  await app?.close();
  await iso?.destroy();
});

const get = (s: Session, url: string, accept = 'text/html') => app.inject({ method: 'GET', url, headers: { cookie: s.cookie, accept } });
const form = (s: Session, url: string, fields: Record<string, string>) =>
  app.inject({
    method: 'POST',
    url,
    headers: { cookie: s.cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ ...fields, _csrf: s.csrf }).toString(),
  });

describe('the access export (GDPR art. 15)', () => {
  it('finds the youngster by a POSTed name or birth date, never by a name in the URL', async () => {
    const page = await get(oostOfficer, '/privacy/requests');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('method="post" action="/privacy/requests"');
    const byName = await form(oostOfficer, '/privacy/requests', { name: 'houb' });
    expect(byName.statusCode).toBe(200);
    expect(byName.body).toContain(`/privacy/youngsters/${youngsterId}/export.html`);
    expect(byName.body).toContain('14-03-2005');
    const byDate = await form(oostOfficer, '/privacy/requests', { birthDate: '2005-03-14' });
    expect(byDate.body).toContain(`/privacy/youngsters/${youngsterId}/export.html`);
    const wrongDate = await form(oostOfficer, '/privacy/requests', { name: 'Houben', birthDate: '2004-01-01' });
    expect(wrongDate.body).not.toContain(youngsterId);
    const empty = await form(oostOfficer, '/privacy/requests', { name: '  ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Vul een (deel van de) naam of een geboortedatum in.');
    // Another team's officer finds nobody of Oost.
    const west = await form(westOfficer, '/privacy/requests', { name: 'Houben' });
    expect(west.statusCode).toBe(200);
    expect(west.body).not.toContain(youngsterId);
  });

  it('shows every category held, readable and printable, without the card token', async () => {
    const res = await get(oostOfficer, `/privacy/youngsters/${youngsterId}/export.html`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    for (const text of ['Sigfrid', 'Houben', 'Kerkstraat', '14-03-2005', 'ik zoek werk in de buurt', 'belt liever na vieren', 'deur open', 'home_visit_spoke', 'cooperation', '7K3M9QXD', 'Bericht ontvangen', 'Wat Lijntje niet bewaart']) {
      expect(res.body, text).toContain(text);
    }
    expect(res.body).not.toContain(token);
  });

  it('gives the same as a JSON attachment', async () => {
    const res = await get(oostOfficer, `/privacy/youngsters/${youngsterId}/export.json`, 'application/json');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="inzage-${youngsterId}.json"`);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json();
    expect(body.youngster).toMatchObject({ firstName: 'Sigfrid', lastName: 'Houben', birthDate: '2005-03-14' });
    expect(body.conversations[0].messages.map((m: { body: string }) => m.body)).toContain('ik zoek werk in de buurt');
    expect(body.conversations[0].notes[0].body).toBe('belt liever na vieren');
    expect(body.contactAttempts[0]).toMatchObject({ kind: 'home_visit_spoke', note: 'deur open' });
    expect(body.consents[0]).toMatchObject({ kind: 'cooperation', givenVia: 'in_person' });
    expect(body.contacts[0].channel).toBe('web');
    expect(body.cards[0]).toMatchObject({ shortCode: '7K3M9QXD', status: 'active' });
    expect(body.notHeld).toContain('BSN');
    expect(res.body).not.toContain(token);
  });

  it('includes the reason for declining and the zzp check, labelled (they are about the person)', async () => {
    await db().update(youngsters).set({ declineReason: 'privacy', kvkRegistered: true, selfEmployed: false }).where(eq(youngsters.id, youngsterId));
    try {
      const json = (await get(oostOfficer, `/privacy/youngsters/${youngsterId}/export.json`, 'application/json')).json();
      expect(json.youngster).toMatchObject({ declineReason: 'privacy', selfEmployed: false });
      const html = (await get(oostOfficer, `/privacy/youngsters/${youngsterId}/export.html`)).body;
      expect(html).toContain('<dt>Reden van afzien</dt><dd>privacy</dd>');
      expect(html).toContain('<dt>Zzp: echt zelfstandig ondernemer (nagekeken)</dt><dd>nee</dd>');
    } finally {
      await db().update(youngsters).set({ declineReason: null, kvkRegistered: false, selfEmployed: null }).where(eq(youngsters.id, youngsterId));
    }
  });

  it('is 404 for another team and 403 for casemanagers and coordinators', async () => {
    for (const suffix of ['export.html', 'export.json']) {
      const url = `/privacy/youngsters/${youngsterId}/${suffix}`;
      const west = await get(westOfficer, url);
      expect(west.statusCode, url).toBe(404);
      expect(west.body).not.toContain('Houben');
      for (const email of ['michelle@oost.test', 'karin@oost.test']) {
        const s = await login(app, email);
        const res = await get(s, url);
        expect(res.statusCode, `${email} ${url}`).toBe(403);
        expect(res.body).not.toContain('Houben');
      }
    }
  });
});

describe('the exit at a contract\'s end', () => {
  let maasgouw: string;
  let running: string;
  let closedCase: string;
  let cardlessContact: string;

  beforeAll(async () => {
    maasgouw = org.oost.municipalities.Maasgouw!;
    running = (await createYoungsterWithCard(db(), maasgouw, org.michelle.id, { firstName: 'Lopend', lastName: 'Dossier' })).youngster.id;
    closedCase = (await createYoungsterWithCard(db(), maasgouw, org.michelle.id, { firstName: 'Klaar', lastName: 'Uitgestroomd' })).youngster.id;
    await db().update(youngsters).set({ outcome: 'werk', outcomeOn: '2026-10-01' }).where(eq(youngsters.id, closedCase));
    const [c] = await db().insert(channelContacts).values({ channel: 'telegram', externalId: 'exit-cardless', municipalityId: maasgouw }).returning();
    cardlessContact = c!.id;
    await db().insert(conversations).values({ municipalityId: maasgouw, contactId: cardlessContact });
  });

  const exitUrl = () => `/admin/team/municipalities/${maasgouw}/exit`;
  const openRequests = () => db().select().from(erasureRequests).where(isNull(erasureRequests.erasedAt));

  it('shows what it would do, and refuses to erase before the export was downloaded', async () => {
    const page = await get(oostAdmin, exitUrl());
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('jongeren: 2, van wie 1 met een lopend dossier');
    expect(page.body).toContain('mensen zonder kaart: 1');
    const refused = await form(oostAdmin, `${exitUrl()}/erase`, { confirm: 'Maasgouw' });
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('Download eerst de lopende dossiers');
    expect(await openRequests()).toHaveLength(0);
  });

  it('downloads the running dossiers (logged with numbers only)', async () => {
    const res = await get(oostAdmin, `${exitUrl()}/export.json`, 'application/json');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="lijntje-dossiers-${maasgouw}.json"`);
    const file = res.json();
    expect(file.municipality).toBe('Maasgouw');
    expect(file.dossiers.map((d: { youngster: { id: string } }) => d.youngster.id)).toEqual([running]);
    const [log] = await db().select().from(deletionLog).where(eq(deletionLog.reason, 'exit_export'));
    expect(log).toMatchObject({ municipalityId: maasgouw, counts: { dossiers: 1 } });
  });

  it('refuses without the municipality\'s name typed, then erases everyone of it and nobody else', async () => {
    const wrong = await form(oostAdmin, `${exitUrl()}/erase`, { confirm: 'Roermond' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('Typ de naam van de gemeente precies over');
    expect(await openRequests()).toHaveLength(0);

    const west = await form(westAdmin, `${exitUrl()}/erase`, { confirm: 'Maasgouw' });
    expect(west.statusCode).toBe(404);
    expect(await openRequests()).toHaveLength(0);

    const done = await form(oostAdmin, `${exitUrl()}/erase`, { confirm: ' maasgouw ' });
    expect(done.statusCode).toBe(303);
    const requests = await openRequests();
    expect(requests.map((r) => r.youngsterId).filter(Boolean).sort()).toEqual([running, closedCase].sort());
    expect(requests.filter((r) => !r.youngsterId).map((r) => r.contactIds)).toEqual([[cardlessContact]]);
    expect(requests.every((r) => r.reason === 'exit' && r.municipalityId === maasgouw)).toBe(true);
    for (const r of requests) expect((await iso.ctx.queues.privacy.getJob(erasureJobId(r.id)))?.data).toEqual({ erasureId: r.id });
    const [m] = await db().select().from(municipalities).where(eq(municipalities.id, maasgouw));
    expect(m!.exitedAt).toBeInstanceOf(Date);
    const [log] = await db().select().from(deletionLog).where(and(eq(deletionLog.reason, 'exit'), eq(deletionLog.municipalityId, maasgouw)));
    expect(log!.counts).toEqual({ people: 3, youngsters: 2, cardless: 1 });
    // Roermond (the same team) is untouched.
    expect(requests.some((r) => r.youngsterId === youngsterId)).toBe(false);
    expect(await db().select().from(messages)).not.toHaveLength(0);

    const page = await get(oostAdmin, exitUrl());
    expect(page.body).toContain('Het contract van Maasgouw is beëindigd');
    const again = await form(oostAdmin, `${exitUrl()}/erase`, { confirm: 'Maasgouw' });
    expect(again.statusCode).toBe(409);
    expect(await openRequests()).toHaveLength(3);
  });

  it('is 404 for another team\'s admin and 403 for other roles', async () => {
    for (const url of [exitUrl(), `${exitUrl()}/export.json`]) {
      expect((await get(westAdmin, url)).statusCode, url).toBe(404);
      expect((await get(oostOfficer, url)).statusCode, url).toBe(403);
    }
  });
});
