import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp } from '../../bin/services.js';
import { formatLocalInput } from '../../core/local-time.js';
import { breachNotifications, breaches } from '../../db/schema/index.js';
import { createStaff, twoTeams } from '../helpers/fixtures.js';
import { login } from '../helpers/http.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

let iso: Isolated;
let app: FastifyInstance;
let org: Awaited<ReturnType<typeof twoTeams>>;
type Session = Awaited<ReturnType<typeof login>>;
let po: Session;
let admin: Session;
let westPo: Session;
let poId: string;

const db = () => iso.ctx.database.db;
const form = (who: Session, url: string, body: Record<string, string | string[]>) => {
  const params = new URLSearchParams({ _csrf: who.csrf });
  for (const [k, v] of Object.entries(body)) for (const x of [v].flat()) params.append(k, x);
  return app.inject({ method: 'POST', url, headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, payload: params.toString() });
};
const page = (who: Session, url: string) => app.inject({ method: 'GET', url, headers: { cookie: who.cookie, accept: 'text/html' } });
/** A moment some hours ago, as the form's date and time fields (Amsterdam time). */
const hoursAgo = (h: number) => formatLocalInput(new Date(Date.now() - h * 3600_000));

function valid(overrides: Record<string, string | string[]> = {}) {
  const at = hoursAgo(2);
  return {
    title: 'Kaarten-PDF naar verkeerd adres',
    description: 'De PDF ging naar een verkeerd e-mailadres.',
    date: at.date,
    time: at.time,
    categories: ['name_address', 'birth_date'],
    peopleCount: '12',
    measures: 'Ontvanger gevraagd de mail te wissen.',
    municipalities: [org.oost.municipalities.Roermond!],
    ...overrides,
  };
}

beforeAll(async () => {
  iso = await isolated();
  app = await buildWebApp(iso.ctx);
  org = await twoTeams(db());
  poId = (await createStaff(db(), org.oost.teamId, { email: 'po@oost.test', firstName: 'Petra', role: 'privacy_officer' })).id;
  await createStaff(db(), org.oost.teamId, { email: 'admin@oost.test', firstName: 'Adam', role: 'admin' });
  await createStaff(db(), org.west.teamId, { email: 'po@west.test', firstName: 'Wim', role: 'privacy_officer' });
  po = await login(app, 'po@oost.test');
  admin = await login(app, 'admin@oost.test');
  westPo = await login(app, 'po@west.test');
});
afterAll(async () => {
  await app?.close();
  await iso?.destroy();
});

describe('the breach register', () => {
  let breachId = '';

  it('records a breach and shows its 24-hour deadline with the time left', async () => {
    const res = await form(po, '/breaches', valid());
    expect(res.statusCode).toBe(303);
    breachId = String(res.headers.location).split('/').at(-1)!;
    const [row] = await db().select().from(breaches).where(eq(breaches.id, breachId));
    expect(row).toMatchObject({ teamId: org.oost.teamId, title: 'Kaarten-PDF naar verkeerd adres', peopleCount: 12, dataCategories: ['name_address', 'birth_date'], createdBy: poId });
    expect(row!.municipalityIds).toEqual([org.oost.municipalities.Roermond]);

    const list = await page(po, '/breaches');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Kaarten-PDF naar verkeerd adres');
    // Discovered two hours ago: 21 h and some minutes left (never "te laat").
    expect(list.body).toMatch(/data-deadline="ok">nog 2[12] u \d+ min</);
    const detail = await page(po, `/breaches/${breachId}`);
    expect(detail.body).toContain('De gemeente moet het weten vóór');
    expect(detail.body).toContain('Naam en adres, Geboortedatum');
    expect(detail.body).toContain('Roermond');
  });

  it('says "te laat" once 24 hours passed without telling the municipality, and lists open ones first', async () => {
    const old = hoursAgo(30);
    const late = await form(po, '/breaches', valid({ title: 'Oud lek', date: old.date, time: old.time }));
    expect(late.statusCode).toBe(303);
    const closedOne = await form(po, '/breaches', valid({ title: 'Gesloten lek' }));
    const closedId = String(closedOne.headers.location).split('/').at(-1)!;
    expect((await form(po, `/breaches/${closedId}/close`, {})).statusCode).toBe(303);
    const list = await page(po, '/breaches');
    expect(list.body).toMatch(/Oud lek<\/a><\/td>[\s\S]*?data-deadline="late">te laat</);
    const order = ['Kaarten-PDF naar verkeerd adres', 'Oud lek', 'Gesloten lek'].map((t) => list.body.indexOf(t));
    expect(order.every((i) => i > 0)).toBe(true);
    expect(order[2]).toBeGreaterThan(Math.max(order[0]!, order[1]!));
  });

  it('records who was told, when and by whom; telling the municipality in time shows so', async () => {
    const at = hoursAgo(1);
    const told = await form(po, `/breaches/${breachId}/notifications`, { party: `municipality:${org.oost.municipalities.Roermond}`, date: at.date, time: at.time, note: 'gebeld met de FG' });
    expect(told.statusCode).toBe(303);
    const ap = await form(po, `/breaches/${breachId}/notifications`, { party: 'ap', date: at.date, time: at.time, note: '' });
    expect(ap.statusCode).toBe(303);
    const rows = await db().select().from(breachNotifications).where(eq(breachNotifications.breachId, breachId));
    expect(rows.map((r) => [r.party, r.toldBy]).sort()).toEqual([[`municipality:${org.oost.municipalities.Roermond}`, poId], ['ap', poId]].sort());
    const detail = await page(po, `/breaches/${breachId}`);
    expect(detail.body).toContain('Gemeente Roermond (verwerkingsverantwoordelijke)');
    expect(detail.body).toContain('Autoriteit Persoonsgegevens');
    expect(detail.body).toContain('Petra');
    expect(detail.body).toMatch(/data-deadline="ok">ja, op tijd/);
    const list = await page(po, '/breaches');
    expect(list.body).toMatch(/ja, op tijd/);

    const update = await form(po, `/breaches/${breachId}`, { measures: 'Mail gewist, bevestigd.', peopleCount: '14' });
    expect(update.statusCode).toBe(303);
    expect((await db().select().from(breaches).where(eq(breaches.id, breachId)))[0]).toMatchObject({ measures: 'Mail gewist, bevestigd.', peopleCount: 14 });
  });

  it('refuses bad input with a clear Dutch reason and stores nothing', async () => {
    const count = async () => (await db().select().from(breaches)).length;
    const told = async () => (await db().select().from(breachNotifications)).length;
    const before = [await count(), await told()];
    const tomorrow = formatLocalInput(new Date(Date.now() + 26 * 3600_000));
    const cases: [Record<string, string | string[]>, string][] = [
      [{ title: '   ' }, 'Vul een korte titel in.'],
      [{ date: '2026-02-31' }, 'Vul bij &quot;ontdekt op&quot; een geldige datum en tijd in.'],
      [{ date: tomorrow.date, time: tomorrow.time }, 'Het moment van ontdekken ligt in de toekomst.'],
      [{ categories: [] }, 'Kies minstens één soort gegevens.'],
      [{ categories: ['bsn'] }, 'Kies de soorten gegevens uit de lijst.'],
      [{ peopleCount: 'veel' }, 'Vul bij het aantal mensen een heel getal in'],
      [{ peopleCount: '-3' }, 'Vul bij het aantal mensen een heel getal in'],
      [{ municipalities: [org.west.municipalities.Weert!] }, 'Kies alleen gemeenten die je eigen team bedient.'],
      [{ municipalities: [] }, 'Kies minstens één gemeente.'],
      [{ measures: 'x'.repeat(5000) }, 'hoogstens 4000 tekens'],
    ];
    for (const [change, message] of cases) {
      const res = await form(po, '/breaches', valid(change));
      expect(res.statusCode, JSON.stringify(change).slice(0, 80)).toBe(400);
      expect(res.body).toContain(message);
      // The form keeps what was typed.
      expect(res.body).toContain('name="title"');
    }
    const at = hoursAgo(0);
    const open = (await db().select().from(breaches).where(eq(breaches.title, 'Oud lek')))[0]!;
    const badTold: [Record<string, string>, string][] = [
      [{ party: 'buurman', date: at.date, time: at.time }, 'Kies wie er is ingelicht.'],
      [{ party: `municipality:${org.west.municipalities.Weert}`, date: at.date, time: at.time }, 'Kies wie er is ingelicht.'],
      [{ party: 'ap', date: 'gisteren', time: at.time }, 'Vul een geldige datum en tijd in voor wanneer het is gemeld.'],
      [{ party: 'ap', ...hoursAgo(40) }, 'Iemand inlichten kan pas na de ontdekking.'],
    ];
    for (const [body, message] of badTold) {
      const res = await form(po, `/breaches/${open.id}/notifications`, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.body).toContain(message);
    }
    const closed = (await db().select().from(breaches).where(eq(breaches.title, 'Gesloten lek')))[0]!;
    const onClosed = await form(po, `/breaches/${closed.id}`, { measures: 'te laat bedacht' });
    expect(onClosed.statusCode).toBe(409);
    expect(onClosed.body).toContain('Dit datalek is gesloten.');
    expect([await count(), await told()]).toEqual(before);
    expect((await db().select().from(breaches).where(eq(breaches.id, closed.id)))[0]!.measures).not.toBe('te laat bedacht');
  });

  it("is the own team's only: another team's breach is a 404, also for changes", async () => {
    const before = JSON.stringify(await db().select().from(breaches).where(eq(breaches.id, breachId)));
    expect((await page(westPo, `/breaches/${breachId}`)).statusCode).toBe(404);
    expect((await form(westPo, `/breaches/${breachId}`, { measures: 'ingebroken' })).statusCode).toBe(404);
    expect((await form(westPo, `/breaches/${breachId}/notifications`, { party: 'ap', ...hoursAgo(0) })).statusCode).toBe(404);
    expect((await form(westPo, `/breaches/${breachId}/close`, {})).statusCode).toBe(404);
    expect(JSON.stringify(await db().select().from(breaches).where(eq(breaches.id, breachId)))).toBe(before);
    const westList = await page(westPo, '/breaches');
    expect(westList.statusCode).toBe(200);
    expect(westList.body).not.toContain('Kaarten-PDF naar verkeerd adres');
    expect(westList.body).toContain('Nog geen datalekken vastgelegd.');
  });

  it('is for privacy officers; admins may read; everyone else gets 403', async () => {
    for (const email of ['michelle@oost.test', 'karin@oost.test']) {
      const who = await login(app, email);
      expect((await page(who, '/breaches')).statusCode, email).toBe(403);
      expect((await page(who, `/breaches/${breachId}`)).statusCode, email).toBe(403);
      expect((await form(who, '/breaches', valid({ title: 'van een casemanager' }))).statusCode, email).toBe(403);
    }
    expect((await page(admin, '/breaches')).statusCode).toBe(200);
    const read = await page(admin, `/breaches/${breachId}`);
    expect(read.statusCode).toBe(200);
    expect(read.body).not.toContain(`action="/breaches/${breachId}/close"`);
    expect((await form(admin, `/breaches/${breachId}/close`, {})).statusCode).toBe(403);
    expect((await form(admin, '/breaches', valid({ title: 'van een beheerder' }))).statusCode).toBe(403);
    expect((await db().select().from(breaches).where(eq(breaches.title, 'van een casemanager')))).toHaveLength(0);
    // The nav shows the register to privacy officers and admins.
    expect((await page(po, '/audit')).body).toContain('href="/breaches"');
  });
});
