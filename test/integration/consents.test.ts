import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp } from '../../bin/services.js';
import { consents, conversations, events, partners, youngsters } from '../../db/schema/index.js';
import { CONSENT_EXPLANATION_VERSION, consentExplanation } from '../../templates/staff/consent-explanation.js';
import { amsterdamToday } from '../../web/domain/youngster-panel.js';
import { createConversationFixture, createStaff, twoTeams } from '../helpers/fixtures.js';
import { login, staffPost } from '../helpers/http.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

let iso: Isolated;
let app: FastifyInstance;
let org: Awaited<ReturnType<typeof twoTeams>>;
type Person = { conversationId: string; youngsterId: string; monitoringKey: string };
/** Oost (Roermond): an adult, a 16-year-old, and one who turned 18 two days ago. */
let adult: Person;
let minor: Person;
let justEighteen: Person;
/** Oost (Maasgouw): a municipality without partners. */
let maasgouw: Person;
/** West (Weert): someone Oost must never reach. */
let west: Person;
/** Oost (Roermond): someone who wrote without a card - no youngster row. */
let cardlessConversationId: string;

const db = () => iso.ctx.database.db;
const today = amsterdamToday();
/** A "YYYY-MM-DD" day shifted by whole days / years (plain calendar arithmetic). */
function shift(day: string, days: number, years = 0): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y + years, m - 1, d + days)).toISOString().slice(0, 10);
}
const PARTNER_A = 'Leerwerkloket <b>Roermond</b>';
const PARTNER_B = 'Schuldhulp Midden-Limburg';

async function person(municipalityId: string, firstName: string, birthDate: string | null): Promise<Person> {
  const f = await createConversationFixture(db(), { municipalityId, firstName, lastName: 'Geheimnaam' });
  await db().update(youngsters).set({ birthDate }).where(eq(youngsters.id, f.youngster.id));
  return { conversationId: f.conversation.id, youngsterId: f.youngster.id, monitoringKey: f.youngster.monitoringKey };
}
const consentsOf = (youngsterId: string) => db().select().from(consents).where(eq(consents.youngsterId, youngsterId));
const allConsents = async () => (await db().select().from(consents)).map((c) => JSON.stringify(c)).sort();
const allPartners = async () => (await db().select().from(partners)).map((p) => JSON.stringify(p)).sort();
const eventCount = async () => (await db().select({ id: events.id }).from(events)).length;
async function partnerId(name: string) {
  const [p] = await db().select().from(partners).where(eq(partners.name, name));
  return p!.id;
}
const partnersUrl = (municipalityId: string) => `/admin/team/municipalities/${municipalityId}/partners`;
const page = (cookie: string, url: string) => app.inject({ method: 'GET', url, headers: { cookie, accept: 'text/html' } });
function formPost(s: { cookie: string; csrf: string }, url: string, fields: Record<string, string>) {
  return app.inject({
    method: 'POST',
    url,
    headers: { cookie: s.cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: s.csrf, ...fields }).toString(),
  });
}

beforeAll(async () => {
  iso = await isolated();
  app = await buildWebApp(iso.ctx);
  org = await twoTeams(db());
  await createStaff(db(), org.oost.teamId, { email: 'admin@oost.test', firstName: 'Ada', role: 'admin' });
  await createStaff(db(), org.oost.teamId, { email: 'fg@oost.test', firstName: 'Fleur', role: 'privacy_officer' });
  await createStaff(db(), org.west.teamId, { email: 'admin@west.test', firstName: 'Wim', role: 'admin' });
  const roermond = org.oost.municipalities.Roermond!;
  adult = await person(roermond, 'Sigfrid', '2001-06-15');
  minor = await person(roermond, 'Mila', shift(today, 0, -16));
  justEighteen = await person(roermond, 'Jesse', shift(today, -2, -18));
  maasgouw = await person(org.oost.municipalities.Maasgouw!, 'Noor', null);
  west = await person(org.west.municipalities.Weert!, 'Wessel', '2000-01-01');
  const [cardless] = await db().insert(conversations).values({ municipalityId: roermond }).returning({ id: conversations.id });
  cardlessConversationId = cardless!.id;
});
afterAll(async () => {
  await app?.close();
  await iso?.destroy();
});

describe('the partner list (admins, per municipality of their team)', () => {
  it('adds partners by form, refuses duplicates (any case) and empty names, and shows them escaped', async () => {
    const s = await login(app, 'admin@oost.test');
    const url = partnersUrl(org.oost.municipalities.Roermond!);
    const empty = await page(s.cookie, url);
    expect(empty.statusCode).toBe(200);
    expect(empty.body).toContain('Partners van Roermond');
    expect(empty.body).toContain('Nog geen partners');

    for (const name of [PARTNER_A, PARTNER_B, 'GGD Limburg-Noord']) {
      const res = await formPost(s, url, { name: `  ${name}  ` });
      expect(res.statusCode, name).toBe(303);
      expect(res.headers.location).toBe(`${url}?done=added`);
    }
    const dup = await staffPost(app, s, url, { name: 'schuldhulp   midden-limburg' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().message).toContain('staat al op de lijst');
    const blank = await formPost(s, url, { name: '   ' });
    expect(blank.statusCode).toBe(400);
    expect(blank.body).toContain('Vul de naam van de partner in');
    expect((await staffPost(app, s, url, { name: 'x'.repeat(121) })).json().message).toContain('te lang');

    const list = await page(s.cookie, `${url}?done=added`);
    expect(list.body).toContain('De partner is toegevoegd');
    expect(list.body).toContain('Leerwerkloket &lt;b&gt;Roermond&lt;/b&gt;');
    expect(list.body).not.toContain('<b>Roermond');
    const stored = await db().select().from(partners).where(eq(partners.municipalityId, org.oost.municipalities.Roermond!));
    expect(stored.map((p) => p.name).sort()).toEqual(['GGD Limburg-Noord', PARTNER_A, PARTNER_B].sort());
    // The team page links to the list.
    expect((await page(s.cookie, '/admin/team')).body).toContain(`href="${url}"`);
  });

  it('turns a partner off and on again (by adding it again); nothing is deleted', async () => {
    const s = await login(app, 'admin@oost.test');
    const url = partnersUrl(org.oost.municipalities.Roermond!);
    const ggd = await partnerId('GGD Limburg-Noord');
    const off = await formPost(s, `${url}/${ggd}/deactivate`, {});
    expect(off.statusCode).toBe(303);
    expect((await db().select().from(partners).where(eq(partners.id, ggd)))[0]!.active).toBe(false);
    expect((await page(s.cookie, `${url}?done=deactivated`)).body).toContain('uitgezet');
    const again = await staffPost(app, s, url, { name: 'GGD Limburg-Noord' });
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual({ partnerId: ggd, result: 'reactivated' });
    expect((await db().select().from(partners).where(eq(partners.id, ggd)))[0]!.active).toBe(true);
    // Off for good for the rest of this file: the consent form must not offer it.
    await staffPost(app, s, `${url}/${ggd}/deactivate`, {});
  });

  it("gives a 404 for a municipality outside the admin's team, 403 for other roles, and changes nothing", async () => {
    const westAdmin = await login(app, 'admin@west.test');
    const weert = partnersUrl(org.west.municipalities.Weert!);
    expect((await staffPost(app, westAdmin, weert, { name: 'Jongerenwerk Weert' })).statusCode).toBe(201);
    const before = await allPartners();
    const oostPartner = await partnerId(PARTNER_B);
    const roermond = partnersUrl(org.oost.municipalities.Roermond!);
    for (const [s, url] of [
      [westAdmin, roermond],
      [await login(app, 'admin@oost.test'), weert],
    ] as const) {
      expect((await page(s.cookie, url)).statusCode).toBe(404);
      expect((await staffPost(app, s, url, { name: 'Ingebroken' })).statusCode).toBe(404);
      // Bad input for a foreign municipality is still a 404.
      expect((await staffPost(app, s, url, { name: '' })).statusCode).toBe(404);
    }
    expect((await staffPost(app, westAdmin, `${roermond}/${oostPartner}/deactivate`, {})).statusCode).toBe(404);
    // A partner of another municipality through the own one's address: not found either.
    const oostAdmin = await login(app, 'admin@oost.test');
    const weertPartner = await partnerId('Jongerenwerk Weert');
    expect((await staffPost(app, oostAdmin, `${roermond}/${weertPartner}/deactivate`, {})).statusCode).toBe(404);
    for (const email of ['michelle@oost.test', 'karin@oost.test', 'fg@oost.test']) {
      const s = await login(app, email);
      expect((await page(s.cookie, roermond)).statusCode, email).toBe(403);
      expect((await staffPost(app, s, roermond, { name: 'Ingebroken' })).statusCode, email).toBe(403);
    }
    expect(await allPartners()).toEqual(before);
    const westPage = await page(westAdmin.cookie, weert);
    expect(westPage.body).not.toContain('Schuldhulp');
  });
});

describe('recording consent', () => {
  it('records consent to work together with who, when, how and the explanation version, and an anonymous event', async () => {
    const s = await login(app, 'michelle@oost.test');
    const res = await staffPost(app, s, `/inbox/c/${adult.conversationId}/consents`, { kind: 'cooperation', givenVia: 'in_person', givenOn: shift(today, -1) });
    expect(res.statusCode).toBe(201);
    const c = res.json().panel.consent;
    expect(c).toMatchObject({ cooperation: true, partnerCount: 0, state: 'active', badge: 'Toestemming: samenwerken ✓' });
    expect(c.active).toHaveLength(1);
    expect(c.active[0]).toMatchObject({ kind: 'cooperation', title: 'Samenwerken', givenOn: shift(today, -1), givenViaLabel: 'persoonlijk', recordedByName: 'Michelle Test' });

    const [row] = await consentsOf(adult.youngsterId);
    expect(row).toMatchObject({
      kind: 'cooperation',
      partnerId: null,
      category: null,
      givenVia: 'in_person',
      explanationVersion: CONSENT_EXPLANATION_VERSION,
      recordedBy: org.michelle.id,
      guardianConsentAt: null,
      guardianRelation: null,
      withdrawnAt: null,
    });
    const [event] = await db().select().from(events).where(eq(events.type, 'consent.given'));
    expect(event).toMatchObject({ subject: adult.monitoringKey, municipalityId: org.oost.municipalities.Roermond, conversationId: adult.conversationId, actorStaffId: org.michelle.id });
    expect(event!.data).toEqual({ kind: 'cooperation', category: null, via: 'in_person' });
  });

  it('refuses the same consent twice while it is in force', async () => {
    const s = await login(app, 'karin@oost.test');
    const res = await staffPost(app, s, `/inbox/c/${adult.conversationId}/consents`, { kind: 'cooperation', givenVia: 'phone' });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toContain('al vastgelegd');
    expect(await consentsOf(adult.youngsterId)).toHaveLength(1);
  });

  it('records consent per partner and category (JSON and plain form), refusing partners that are not on the list', async () => {
    const s = await login(app, 'michelle@oost.test');
    const a = await partnerId(PARTNER_A);
    const b = await partnerId(PARTNER_B);
    const url = `/inbox/c/${adult.conversationId}/consents`;
    expect((await staffPost(app, s, url, { kind: 'partner', partnerId: a, category: 'that', givenVia: 'chat' })).statusCode).toBe(201);
    const form = await formPost(s, url, { kind: 'partner', partnerId: a, category: 'what', givenVia: 'letter', givenOn: '', guardianConsentOn: '', guardianRelation: '' });
    expect(form.statusCode).toBe(303);
    expect(form.headers.location).toBe(`/inbox/c/${adult.conversationId}#consent`);
    const res = await staffPost(app, s, url, { kind: 'partner', partnerId: b, category: 'that', givenVia: 'phone' });
    expect(res.json().panel.consent).toMatchObject({ cooperation: true, partnerCount: 2, badge: 'Toestemming: samenwerken ✓ · 2 partners' });

    const eventsBefore = await eventCount();
    const before = (await consentsOf(adult.youngsterId)).length;
    const weertPartner = await partnerId('Jongerenwerk Weert');
    const ggd = await partnerId('GGD Limburg-Noord');
    for (const [what, id] of [['of another municipality', weertPartner], ['turned off', ggd], ['unknown', '6f9619ff-8b86-4d01-b42d-00cf4fc964ff']] as const) {
      const r = await staffPost(app, s, url, { kind: 'partner', partnerId: id, category: 'that', givenVia: 'phone' });
      expect(r.statusCode, what).toBe(400);
      expect(r.json().message, what).toContain('niet (meer) op de lijst');
    }
    expect((await consentsOf(adult.youngsterId)).length).toBe(before);
    expect(await eventCount()).toBe(eventsBefore);
    const stored = await consentsOf(adult.youngsterId);
    expect(stored.filter((c) => c.kind === 'partner').map((c) => `${c.partnerId}:${c.category}:${c.givenVia}`).sort()).toEqual(
      [`${a}:that:chat`, `${a}:what:letter`, `${b}:that:phone`].sort(),
    );
  });

  it('refuses bad input with a clear Dutch 400 and stores nothing', async () => {
    const s = await login(app, 'michelle@oost.test');
    const a = await partnerId(PARTNER_A);
    const ok = { kind: 'partner', partnerId: a, category: 'that', givenVia: 'phone' };
    const cases: [string, Record<string, unknown>, string][] = [
      ['an unknown kind', { ...ok, kind: 'alles' }, 'Kies waarvoor'],
      ['no channel', { ...ok, givenVia: undefined }, 'Kies hoe de jongere toestemming gaf'],
      ['an unknown channel', { ...ok, givenVia: 'email' }, 'Kies hoe de jongere toestemming gaf'],
      ['no partner', { ...ok, partnerId: '' }, 'Kies met welke partner'],
      ['a partner id that is no id', { ...ok, partnerId: 'GGD' }, 'niet (meer) op de lijst'],
      ['no category', { ...ok, category: undefined }, 'dát er contact is'],
      ['an unknown category', { ...ok, category: 'alles' }, 'dát er contact is'],
      ['a future date', { ...ok, givenOn: shift(today, 1) }, 'in de toekomst'],
      ['a date before 2020', { ...ok, givenOn: '2019-12-31' }, 'voor 2020'],
      ['no such day', { ...ok, givenOn: '2025-02-30' }, 'geldige datum'],
      ['a number as date', { ...ok, givenOn: 20250101 }, 'invalid_input'],
    ];
    const before = await allConsents();
    const eventsBefore = await eventCount();
    for (const [what, body, message] of cases) {
      const res = await staffPost(app, s, `/inbox/c/${maasgouw.conversationId}/consents`, body);
      expect(res.statusCode, what).toBe(400);
      expect(what === 'a number as date' ? res.json().error : res.json().message, what).toContain(message);
    }
    expect(await allConsents()).toEqual(before);
    expect(await eventCount()).toBe(eventsBefore);
  });

  it('refuses a partner consent before the consent to work together', async () => {
    const s = await login(app, 'michelle@oost.test');
    const res = await staffPost(app, s, `/inbox/c/${justEighteen.conversationId}/consents`, {
      kind: 'partner',
      partnerId: await partnerId(PARTNER_B),
      category: 'that',
      givenVia: 'phone',
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toContain('eerst de toestemming om samen te werken');
    expect(await consentsOf(justEighteen.youngsterId)).toEqual([]);
  });
});

describe('under 18', () => {
  it('refuses without the consent of a parent or guardian, and accepts with it', async () => {
    const s = await login(app, 'michelle@oost.test');
    const url = `/inbox/c/${minor.conversationId}/consents`;
    const eventsBefore = await eventCount();
    for (const body of [
      { kind: 'cooperation', givenVia: 'in_person' },
      { kind: 'cooperation', givenVia: 'in_person', guardianRelation: 'parent' },
      { kind: 'cooperation', givenVia: 'in_person', guardianConsentOn: today },
    ]) {
      const res = await staffPost(app, s, url, body);
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toContain('jonger dan 18');
    }
    const oddRelation = await staffPost(app, s, url, { kind: 'cooperation', givenVia: 'in_person', guardianConsentOn: today, guardianRelation: 'oom' });
    expect(oddRelation.json().message).toContain('ouder of een voogd');
    const future = await staffPost(app, s, url, { kind: 'cooperation', givenVia: 'in_person', guardianConsentOn: shift(today, 1), guardianRelation: 'parent' });
    expect(future.json().message).toContain('toestemming van de ouder of voogd ligt in de toekomst');
    expect(await consentsOf(minor.youngsterId)).toEqual([]);
    expect(await eventCount()).toBe(eventsBefore);

    const ok = await staffPost(app, s, url, { kind: 'cooperation', givenVia: 'in_person', guardianConsentOn: shift(today, -3), guardianRelation: 'parent' });
    expect(ok.statusCode).toBe(201);
    const [row] = await consentsOf(minor.youngsterId);
    expect(row).toMatchObject({ guardianRelation: 'parent', recordedBy: org.michelle.id });
    expect(row!.guardianConsentAt).toBeInstanceOf(Date);
    expect(ok.json().panel.consent.active[0].guardian).toMatchObject({ relation: 'parent', relationLabel: 'Ouder', on: shift(today, -3) });
    // Every later consent of a minor needs it too.
    const b = await partnerId(PARTNER_B);
    expect((await staffPost(app, s, url, { kind: 'partner', partnerId: b, category: 'that', givenVia: 'phone' })).statusCode).toBe(400);
    expect((await staffPost(app, s, url, { kind: 'partner', partnerId: b, category: 'that', givenVia: 'phone', guardianConsentOn: today, guardianRelation: 'guardian' })).statusCode).toBe(201);
  });

  it('takes the age on the day consent was given, not today', async () => {
    const s = await login(app, 'michelle@oost.test');
    const url = `/inbox/c/${justEighteen.conversationId}/consents`;
    // Five days ago this youngster was 17.
    const then = await staffPost(app, s, url, { kind: 'cooperation', givenVia: 'phone', givenOn: shift(today, -5) });
    expect(then.statusCode).toBe(400);
    expect(then.json().message).toContain('jonger dan 18');
    // Today they are 18: their own consent is enough, and a guardian sent along is not stored.
    const now = await staffPost(app, s, url, { kind: 'cooperation', givenVia: 'phone', guardianConsentOn: today, guardianRelation: 'parent' });
    expect(now.statusCode).toBe(201);
    const [row] = await consentsOf(justEighteen.youngsterId);
    expect(row).toMatchObject({ guardianConsentAt: null, guardianRelation: null });
  });
});

describe('withdrawing', () => {
  it('sets withdrawn_* on a partner consent (never deletes), records an event, and refuses a second time', async () => {
    const s = await login(app, 'karin@oost.test');
    const a = await partnerId(PARTNER_A);
    const target = (await consentsOf(adult.youngsterId)).find((c) => c.partnerId === a && c.category === 'what')!;
    const url = `/inbox/c/${adult.conversationId}/consents/${target.id}/withdraw`;
    const noHow = await staffPost(app, s, url, {});
    expect(noHow.statusCode).toBe(400);
    expect(noHow.json().message).toContain('Kies hoe de jongere de toestemming introk');

    const res = await formPost(s, url, { via: 'phone' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/inbox/c/${adult.conversationId}#consent`);
    const [row] = await db().select().from(consents).where(eq(consents.id, target.id));
    expect(row).toMatchObject({ withdrawnVia: 'phone', withdrawnRecordedBy: org.karin.id, kind: 'partner', category: 'what', partnerId: a });
    expect(row!.withdrawnAt).toBeInstanceOf(Date);
    expect(await consentsOf(adult.youngsterId)).toHaveLength(4);

    const withdrawn = await db().select().from(events).where(eq(events.type, 'consent.withdrawn'));
    expect(withdrawn.map((e) => e.data)).toEqual([{ kind: 'partner', category: 'what', via: 'phone' }]);
    expect(withdrawn[0]).toMatchObject({ subject: adult.monitoringKey, actorStaffId: org.karin.id });

    const again = await staffPost(app, s, url, { via: 'chat' });
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toContain('al ingetrokken');
    // Partner A still counts with its "that" consent.
    const panel = (await staffPost(app, s, `/inbox/c/${adult.conversationId}/consents`, { kind: 'partner', partnerId: a, category: 'that', givenVia: 'phone' })).json();
    expect(panel.message).toContain('al vastgelegd');
  });

  it("gives a 404 for a consent that is not this youngster's, and for another team; nothing changes", async () => {
    const michelle = await login(app, 'michelle@oost.test');
    const bram = await login(app, 'bram@west.test');
    const minorConsent = (await consentsOf(minor.youngsterId))[0]!;
    const adultConsent = (await consentsOf(adult.youngsterId)).find((c) => c.withdrawnAt === null)!;
    const before = await allConsents();
    const eventsBefore = await eventCount();
    // Another youngster's consent through this conversation's address.
    expect((await staffPost(app, michelle, `/inbox/c/${adult.conversationId}/consents/${minorConsent.id}/withdraw`, { via: 'phone' })).statusCode).toBe(404);
    // Someone of another team: the conversation does not exist for them, whatever they send.
    for (const body of [{ kind: 'cooperation', givenVia: 'phone' }, { kind: 'x' }]) {
      const res = await staffPost(app, bram, `/inbox/c/${adult.conversationId}/consents`, body);
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain('Sigfrid');
    }
    expect((await staffPost(app, bram, `/inbox/c/${adult.conversationId}/consents/${adultConsent.id}/withdraw`, { via: 'phone' })).statusCode).toBe(404);
    expect((await staffPost(app, bram, `/inbox/c/${west.conversationId}/consents/${adultConsent.id}/withdraw`, { via: 'phone' })).statusCode).toBe(404);
    // And Oost cannot reach West's youngster.
    expect((await staffPost(app, michelle, `/inbox/c/${west.conversationId}/consents`, { kind: 'cooperation', givenVia: 'phone' })).statusCode).toBe(404);
    // Someone without a card: there is nobody to record about.
    expect((await staffPost(app, michelle, `/inbox/c/${cardlessConversationId}/consents`, { kind: 'cooperation', givenVia: 'phone' })).statusCode).toBe(404);
    // Admins and privacy officers of the own team do not record casework.
    for (const email of ['admin@oost.test', 'fg@oost.test']) {
      const s = await login(app, email);
      expect((await staffPost(app, s, `/inbox/c/${adult.conversationId}/consents`, { kind: 'cooperation', givenVia: 'phone' })).statusCode, email).toBe(403);
      expect((await staffPost(app, s, `/inbox/c/${adult.conversationId}/consents/${adultConsent.id}/withdraw`, { via: 'phone' })).statusCode, email).toBe(403);
    }
    expect(await allConsents()).toEqual(before);
    expect(await eventCount()).toBe(eventsBefore);
  });

  it('withdrawing the consent to work together withdraws the partner consents with it', async () => {
    const s = await login(app, 'michelle@oost.test');
    const all = await consentsOf(minor.youngsterId);
    const cooperation = all.find((c) => c.kind === 'cooperation')!;
    expect(all.filter((c) => c.withdrawnAt === null)).toHaveLength(2);
    const res = await staffPost(app, s, `/inbox/c/${minor.conversationId}/consents/${cooperation.id}/withdraw`, { via: 'chat' });
    expect(res.statusCode).toBe(200);
    expect(res.json().panel.consent).toMatchObject({ cooperation: false, partnerCount: 0, state: 'withdrawn', badge: 'Toestemming ingetrokken', active: [] });
    const after = await consentsOf(minor.youngsterId);
    expect(after).toHaveLength(2);
    expect(after.every((c) => c.withdrawnAt !== null && c.withdrawnVia === 'chat' && c.withdrawnRecordedBy === org.michelle.id)).toBe(true);
    const withdrawn = await db().select().from(events).where(eq(events.subject, minor.monitoringKey));
    expect(withdrawn.filter((e) => e.type === 'consent.withdrawn').map((e) => e.data.kind).sort()).toEqual(['cooperation', 'partner']);
  });
});

describe('what staff see', () => {
  it('shows the state in the conversation header and the ledger with dates, forms and the explanation in the panel', async () => {
    const s = await login(app, 'michelle@oost.test');
    const html = (await page(s.cookie, `/inbox/c/${adult.conversationId}`)).body;
    const start = html.indexOf('<header class="st-conv-head">');
    expect(start).toBeGreaterThan(0);
    const header = html.slice(start, html.indexOf('</header>', start));
    expect(header).toContain('Toestemming: samenwerken ✓ · 2 partners');
    expect(header).toContain('href="#consent"');
    expect(html).toContain('id="consent"');
    expect(html).toContain('Delen met Leerwerkloket &lt;b&gt;Roermond&lt;/b&gt;: dát er contact is');
    expect(html).toContain(`Gegeven op ${shift(today, -1).split('-').reverse().join('-')}, persoonlijk`);
    // The withdrawn one, with its date and who recorded the withdrawal.
    expect(html).toContain('Delen met Leerwerkloket &lt;b&gt;Roermond&lt;/b&gt;: ook wát er besproken wordt');
    expect(html).toContain(`Ingetrokken op ${today.split('-').reverse().join('-')}, telefonisch · vastgelegd door Karin Test`);
    // One withdraw form per active consent (cooperation + 2 partner consents), each with a required "how".
    const withdrawForms = [...html.matchAll(/action="\/inbox\/c\/[^"]+\/consents\/([^"]+)\/withdraw"/g)];
    expect(withdrawForms).toHaveLength(3);
    expect(html).toContain('Dan vervalt ook de toestemming om te delen met partners');
    // Cooperation is in force: the form records a partner consent, offering only active partners.
    expect(html).toContain('Toestemming om te delen met een partner vastleggen');
    expect(html).toContain(consentExplanation('nl').partner.slice(0, 40));
    expect(html).toContain(`Uitleg versie ${CONSENT_EXPLANATION_VERSION}`);
    expect(html).not.toContain('GGD Limburg-Noord');
    expect(html).not.toContain('Jongerenwerk Weert');
    // An adult: no guardian fields.
    expect(html).not.toContain('name="guardianConsentOn"');
    for (const id of [...html.matchAll(/<(?:input|select|textarea) id="(yp-c[^"]+|yp-wd-[^"]+)"/g)].map((m) => m[1])) expect(html).toContain(`for="${id}"`);
  });

  it('asks for the guardian on a minor, and says "no consent yet" before anything is recorded', async () => {
    const fresh = await person(org.oost.municipalities.Roermond!, 'Lotte', shift(today, 0, -17));
    const s = await login(app, 'michelle@oost.test');
    const html = (await page(s.cookie, `/inbox/c/${fresh.conversationId}`)).body;
    expect(html).toContain('id="conv-consent"');
    expect(html).toContain('Nog geen toestemming');
    expect(html).toContain('Toestemming om samen te werken vastleggen');
    expect(html).toContain(consentExplanation('nl').cooperation.slice(0, 40));
    expect(html).toContain('Deze jongere is jonger dan 18');
    expect(html).toMatch(/name="guardianConsentOn"[^>]*required/);
    expect(html).toMatch(/name="guardianRelation" required/);
  });

  it('explains why nothing can be recorded for someone without a card, and that a municipality has no partners', async () => {
    const s = await login(app, 'michelle@oost.test');
    const cardless = (await page(s.cookie, `/inbox/c/${cardlessConversationId}`)).body;
    expect(cardless).toContain('Toestemming vastleggen kan pas als dit gesprek bij iemand van de lijst hoort');
    expect(cardless).not.toContain('/consents"');
    // Age unknown: the guardian fields are offered, not required.
    const first = (await page(s.cookie, `/inbox/c/${maasgouw.conversationId}`)).body;
    expect(first).toContain('De geboortedatum is niet bekend');
    expect(first).toMatch(/name="guardianRelation">/);
    const half = await staffPost(app, s, `/inbox/c/${maasgouw.conversationId}/consents`, { kind: 'cooperation', givenVia: 'other', guardianRelation: 'guardian' });
    expect(half.statusCode).toBe(400);
    expect(half.json().message).toContain('allebei in');
    expect(await consentsOf(maasgouw.youngsterId)).toEqual([]);
    const karin = await login(app, 'karin@oost.test');
    expect((await staffPost(app, karin, `/inbox/c/${maasgouw.conversationId}/consents`, { kind: 'cooperation', givenVia: 'other' })).statusCode).toBe(201);
    const html = (await page(s.cookie, `/inbox/c/${maasgouw.conversationId}`)).body;
    expect(html).toContain('Deze gemeente heeft nog geen partners op de lijst');
    expect(html).not.toContain('Toestemming om te delen met een partner vastleggen');
  });

  it('shows the panel in English for an English-speaking staff member', async () => {
    const { staffUsers } = await import('../../db/schema/index.js');
    await db().update(staffUsers).set({ uiLanguage: 'en' }).where(eq(staffUsers.id, org.yusuf.id));
    const s = await login(app, 'yusuf@oost.test');
    const html = (await page(s.cookie, `/inbox/c/${adult.conversationId}`)).body;
    expect(html).toContain('Consent: working together ✓ · 2 partners');
    expect(html).toContain(consentExplanation('en').partner.slice(0, 40));
  });

  it('keeps names out of the anonymous events', async () => {
    const everything = JSON.stringify(await db().select().from(events).where(eq(events.type, 'consent.given')));
    expect(everything).toContain('cooperation');
    for (const secret of ['Leerwerkloket', 'Schuldhulp', 'Sigfrid', 'Mila', 'Geheimnaam', 'Michelle']) expect(everything).not.toContain(secret);
    const all = JSON.stringify(await db().select().from(events));
    expect(all).not.toContain('Leerwerkloket');
    expect(all).not.toContain('Geheimnaam');
  });

  it('erasing the youngster takes the consents with them and keeps the anonymous events', async () => {
    const subjectEvents = () => db().select().from(events).where(eq(events.subject, adult.monitoringKey));
    const before = await subjectEvents();
    expect(before.filter((e) => e.type.startsWith('consent.'))).not.toHaveLength(0);
    await db().delete(youngsters).where(eq(youngsters.id, adult.youngsterId));
    expect(await consentsOf(adult.youngsterId)).toEqual([]);
    expect(await subjectEvents()).toEqual(before);
  });
});
