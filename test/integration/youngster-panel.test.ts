import { eq } from 'drizzle-orm';
import { Eta } from 'eta';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatLocalInput } from '../../core/local-time.js';
import {
  DECLINE_REASONS,
  OUTCOME_CATEGORIES,
  contactAttempts,
  conversations,
  events,
  messages,
  youngsters,
} from '../../db/schema/index.js';
import { buildWebApp } from '../../bin/services.js';
import { loadYoungsterPanel } from '../../web/domain/youngster-panel.js';
import { staffTexts } from '../../templates/staff/index.js';
import { VIEWS_DIR } from '../../web/plugins/views.js';
import { createStaff, createYoungsterWithCard, twoTeams } from '../helpers/fixtures.js';
import { login, openChat, postChat, staffPost } from '../helpers/http.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

let iso: Isolated;
let app: FastifyInstance;
let org: Awaited<ReturnType<typeof twoTeams>>;
/** Oost (Roermond): a youngster with a card who wrote twice on the web chat. */
let oost: { conversationId: string; youngsterId: string; monitoringKey: string };
/** West (Weert): someone the Oost team must never see. */
let westConversationId: string;
/** Oost (Roermond): someone who wrote without a card - no youngster row. */
let cardlessConversationId: string;

const db = () => iso.ctx.database.db;
const DAY = 24 * 3600_000;
const dateIn = (days: number) => formatLocalInput(new Date(Date.now() + days * DAY)).date;
const NAME = 'Sigfrid<script>alert(1)</script>';

async function conversationOf(token: string, text: string) {
  const chat = await openChat(app, token);
  const res = await postChat(app, token, chat.cookie, { text });
  expect(res.statusCode).toBe(201);
  const [m] = await db().select().from(messages).where(eq(messages.id, res.json().message.id as string));
  return { conversationId: m!.conversationId, chat };
}

const attemptsOf = (youngsterId: string) => db().select().from(contactAttempts).where(eq(contactAttempts.youngsterId, youngsterId));
const eventCount = async () => (await db().select({ id: events.id }).from(events)).length;
async function youngsterRow(id: string) {
  const [y] = await db().select().from(youngsters).where(eq(youngsters.id, id));
  return y!;
}

beforeAll(async () => {
  iso = await isolated();
  app = await buildWebApp(iso.ctx);
  org = await twoTeams(db());
  await createStaff(db(), org.oost.teamId, { email: 'fg@oost.test', firstName: 'Fleur', role: 'privacy_officer' });
  await createStaff(db(), org.oost.teamId, { email: 'admin@oost.test', firstName: 'Ada', role: 'admin' });

  const { youngster, token } = await createYoungsterWithCard(db(), org.oost.municipalities.Roermond!, org.michelle.id, {
    firstName: NAME,
    lastName: 'Houben',
  });
  await db()
    .update(youngsters)
    .set({
      namePrefix: 'van',
      street: 'Markt',
      houseNumber: '1a',
      postcode: '6041 EM',
      city: 'Roermond',
      birthDate: '2001-06-15',
      listInflowDate: '2026-03-01',
      newInflow: true,
      kvkRegistered: true,
    })
    .where(eq(youngsters.id, youngster.id));
  // The card is scanned, then the youngster writes twice on the same channel.
  expect((await app.inject({ method: 'GET', url: `/k/${token}`, headers: { accept: 'text/html' } })).statusCode).toBe(200);
  const first = await conversationOf(token, 'hoi, ik ben het');
  await postChat(app, token, first.chat.cookie, { text: 'nog een bericht' });
  oost = { conversationId: first.conversationId, youngsterId: youngster.id, monitoringKey: youngster.monitoringKey };

  const west = await createYoungsterWithCard(db(), org.west.municipalities.Weert!, org.bram.id, { firstName: 'Wessel' });
  westConversationId = (await conversationOf(west.token, 'hallo uit Weert')).conversationId;

  const [cardless] = await db()
    .insert(conversations)
    .values({ municipalityId: org.oost.municipalities.Roermond! })
    .returning({ id: conversations.id });
  cardlessConversationId = cardless!.id;
});
afterAll(async () => {
  await app?.close();
  await iso?.destroy();
});

describe('loadYoungsterPanel', () => {
  it('returns the list data, card, first contact and profile of a youngster in scope', async () => {
    const panel = await loadYoungsterPanel(db(), oost.conversationId, [org.oost.municipalities.Roermond!], {
      now: new Date('2026-06-15T10:00:00Z'),
    });
    expect(panel).not.toBeNull();
    expect(panel!.municipalityName).toBe('Roermond');
    expect(panel!.youngster).toMatchObject({
      name: `${NAME} van Houben`,
      address: 'Markt 1a, 6041 EM Roermond',
      birthDate: '2001-06-15',
      age: 25,
      listInflowDate: '2026-03-01',
      newInflow: true,
      kvkRegistered: true,
      knownToMunicipality: false,
      supportQuestion: null,
      supportQuestionLabel: 'Nog niet bekend',
      outcome: null,
      processStep: 'list',
      processStepLabel: '1. Lijst filteren',
    });
    expect(panel!.cards).toHaveLength(1);
    expect(panel!.cards[0]).toMatchObject({ status: 'active', statusLabel: 'Actief', casemanagerName: 'Michelle Test' });
    // One scan, the link through the card, and only the FIRST message of the web channel.
    expect(panel!.events.map((e) => [e.type, e.channel])).toEqual([
      ['card.scanned', null],
      ['contact.linked', 'web'],
      ['message.received', 'web'],
    ]);
    expect(panel!.attempts).toEqual([]);
    expect(panel!.totalMinutes).toBe(0);
    expect(panel!.today).toBe('2026-06-15');
    expect(panel!.options.outcome.map((o) => o.value)).toEqual([...OUTCOME_CATEGORIES]);
    expect(panel!.options.outcome.find((o) => o.value === 'geen_reactie')!.label).toBe('Geen reactie (op brief/kaart/huisbezoek)');
  });

  it('computes the age on the Amsterdam date (a day before the birthday; just after midnight in Amsterdam)', async () => {
    const scope = [org.oost.municipalities.Roermond!];
    const before = await loadYoungsterPanel(db(), oost.conversationId, scope, { now: new Date('2026-06-14T12:00:00Z') });
    expect(before!.youngster!.age).toBe(24);
    // 22:30 UTC on 14 June is 00:30 on 15 June in Amsterdam (summer time).
    const midnight = await loadYoungsterPanel(db(), oost.conversationId, scope, { now: new Date('2026-06-14T22:30:00Z') });
    expect(midnight!.youngster!.age).toBe(25);
  });

  it('returns null for a conversation of another team, and says "not linked" for someone without a card', async () => {
    expect(await loadYoungsterPanel(db(), westConversationId, [org.oost.municipalities.Roermond!, org.oost.municipalities.Maasgouw!])).toBeNull();
    expect(await loadYoungsterPanel(db(), oost.conversationId, [org.west.municipalities.Weert!])).toBeNull();
    expect(await loadYoungsterPanel(db(), oost.conversationId, [])).toBeNull();
    const cardless = await loadYoungsterPanel(db(), cardlessConversationId, [org.oost.municipalities.Roermond!]);
    expect(cardless).toMatchObject({ youngster: null, cards: [], events: [], attempts: [], totalMinutes: 0 });
  });
});

describe('the panel partial', () => {
  const eta = new Eta({ views: VIEWS_DIR, autoEscape: true });
  /** Rendered the way the conversation page includes it. */
  // Every staff view gets `ui` (the staff texts) from web/plugins/views.ts; here Dutch, the default.
  const render = (data: object) => eta.renderString(`<%~ include('/staff/_youngster-panel', it) %>`, { ui: staffTexts('nl'), ...data });

  it('renders the data escaped, with a labelled form for every record', async () => {
    const panel = await loadYoungsterPanel(db(), oost.conversationId, [org.oost.municipalities.Roermond!]);
    const html = render({ panel, csrf: 'tok"en', conversationId: oost.conversationId });
    expect(html).not.toContain('<script>');
    expect(html).toContain('Sigfrid&lt;script&gt;');
    expect(html).toContain('value="tok&quot;en"');
    expect(html).toContain(`action="/inbox/c/${oost.conversationId}/attempts"`);
    expect(html).toContain(`action="/inbox/c/${oost.conversationId}/profile"`);
    for (const label of ['Kaart bezorgd', 'Huisbezoek - niet thuis', 'Afzien van deelname JIB', 'Geen doelgroep meer JIB', 'Werk en opleiding', '5. Nazorg']) {
      expect(html).toContain(label);
    }
    // Every input, select and textarea has a label pointing at it.
    const ids = [...html.matchAll(/<(?:input|select|textarea) id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThanOrEqual(7);
    for (const id of ids) expect(html).toContain(`for="${id}"`);
    expect(html).not.toMatch(/style=|<script/);
  });

  it('shows the same data without forms when read-only', async () => {
    const panel = await loadYoungsterPanel(db(), oost.conversationId, [org.oost.municipalities.Roermond!]);
    const html = render({ panel, csrf: 'x', conversationId: oost.conversationId, readOnly: true });
    expect(html).toContain('Markt 1a');
    expect(html).not.toContain('<form');
  });

  it('says so for someone without a card and offers nothing to record - only their "no contact"', async () => {
    const panel = await loadYoungsterPanel(db(), cardlessConversationId, [org.oost.municipalities.Roermond!]);
    const html = render({ panel, csrf: 'x', conversationId: cardlessConversationId });
    expect(html).toContain('Nog niet gekoppeld aan iemand van de lijst');
    const forms = html.match(/<form[^>]*action="([^"]+)"/g) ?? [];
    expect(forms).toEqual([`<form class="yp-form" method="post" action="/inbox/c/${cardlessConversationId}/opt-out"`]);
  });
});

describe('recording next to a conversation', () => {
  it('stores an attempt and an anonymous event with kind, minutes and day only, and returns the panel', async () => {
    const s = await login(app, 'michelle@oost.test');
    const note = 'GEHEIM-notitie: moeder zegt dat hij werkt bij de bakker';
    const res = await staffPost(app, s, `/inbox/c/${oost.conversationId}/attempts`, {
      kind: 'home_visit_not_home',
      occurredOn: dateIn(-1),
      minutes: 45,
      note,
    });
    expect(res.statusCode).toBe(201);
    const panel = res.json().panel;
    expect(panel.attempts).toHaveLength(1);
    expect(panel.attempts[0]).toMatchObject({
      kind: 'home_visit_not_home',
      kindLabel: 'Huisbezoek - niet thuis',
      occurredOn: dateIn(-1),
      minutes: 45,
      note,
      staffFirstName: 'Michelle',
    });
    expect(panel.totalMinutes).toBe(45);

    const stored = await attemptsOf(oost.youngsterId);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ staffId: org.michelle.id, kind: 'home_visit_not_home', minutes: 45, note });

    const [event] = await db().select().from(events).where(eq(events.type, 'contact_attempt.recorded'));
    expect(event).toMatchObject({
      subject: oost.monitoringKey,
      municipalityId: org.oost.municipalities.Roermond,
      conversationId: oost.conversationId,
    });
    expect(event!.data).toEqual({ kind: 'home_visit_not_home', minutes: 45, on: dateIn(-1) });
    const everything = JSON.stringify(await db().select().from(events));
    expect(everything).not.toContain('GEHEIM');
    expect(everything).not.toContain('bakker');
    expect(everything).not.toContain('Sigfrid');
    expect(everything).not.toContain('Houben');
  });

  it('takes a plain form post (strings, today by default) and returns to the panel', async () => {
    const s = await login(app, 'karin@oost.test');
    const res = await app.inject({
      method: 'POST',
      url: `/inbox/c/${oost.conversationId}/attempts`,
      headers: { cookie: s.cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: s.csrf, kind: 'phone', occurredOn: '', minutes: '10', note: '' }).toString(),
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/inbox/c/${oost.conversationId}#panel`);
    const phone = (await attemptsOf(oost.youngsterId)).find((a) => a.kind === 'phone');
    expect(phone).toMatchObject({ occurredOn: dateIn(0), minutes: 10, note: null, staffId: org.karin.id });
  });

  it('refuses bad attempts with a clear 400 and stores nothing', async () => {
    const s = await login(app, 'michelle@oost.test');
    const ok = { kind: 'phone', occurredOn: dateIn(0), minutes: 5, note: 'ok' };
    const cases: [string, Record<string, unknown>, string][] = [
      ['an unknown kind', { ...ok, kind: 'email' }, 'Kies wat voor contactpoging'],
      ['no kind', { ...ok, kind: undefined }, 'Kies wat voor contactpoging'],
      ['a future date', { ...ok, occurredOn: dateIn(1) }, 'in de toekomst'],
      ['a date before 2020', { ...ok, occurredOn: '2019-12-31' }, 'voor 2020'],
      ['no such day', { ...ok, occurredOn: '2025-02-30' }, 'geldige datum'],
      ['garbage as date', { ...ok, occurredOn: 'gisteren' }, 'geldige datum'],
      ['too many minutes', { ...ok, minutes: 601 }, 'heel getal'],
      ['negative minutes', { ...ok, minutes: -1 }, 'heel getal'],
      ['fractional minutes', { ...ok, minutes: 1.5 }, 'heel getal'],
      ['text as minutes', { ...ok, minutes: 'veel' }, 'heel getal'],
      ['a note that is too long', { ...ok, note: 'x'.repeat(1001) }, 'te lang'],
    ];
    const before = (await attemptsOf(oost.youngsterId)).length;
    const eventsBefore = await eventCount();
    for (const [what, body, message] of cases) {
      const res = await staffPost(app, s, `/inbox/c/${oost.conversationId}/attempts`, body);
      expect(res.statusCode, what).toBe(400);
      expect(res.json().message, what).toContain(message);
    }
    expect((await attemptsOf(oost.youngsterId)).length).toBe(before);
    expect(await eventCount()).toBe(eventsBefore);
    // The edges are allowed.
    const edge = await staffPost(app, s, `/inbox/c/${oost.conversationId}/attempts`, { kind: 'chat', occurredOn: '2020-01-01', minutes: 600, note: 'y'.repeat(1000) });
    expect(edge.statusCode).toBe(201);
  });

  it('accepts every outflow category with a date, and records only the category', async () => {
    const s = await login(app, 'michelle@oost.test');
    for (const category of OUTCOME_CATEGORIES) {
      const res = await staffPost(app, s, `/inbox/c/${oost.conversationId}/profile`, { outcome: category, outcomeOn: dateIn(-2) });
      expect(res.statusCode, category).toBe(200);
      expect(res.json().panel.youngster.outcome, category).toBe(category);
      const y = await youngsterRow(oost.youngsterId);
      expect(y.outcome).toBe(category);
      expect(y.outcomeOn).toBe(dateIn(-2));
    }
    const set = await db().select().from(events).where(eq(events.type, 'youngster.outcome_set'));
    // The outflow date goes with it: monitoring counts outflow in the period it happened, not when it was typed.
    expect(set.map((e) => e.data)).toEqual(OUTCOME_CATEGORIES.map((category) => ({ category, on: dateIn(-2) })));
    expect(set.every((e) => e.subject === oost.monitoringKey)).toBe(true);

    // Without a date the outflow is dated today.
    await staffPost(app, s, `/inbox/c/${oost.conversationId}/profile`, { outcome: 'werk' });
    expect(await youngsterRow(oost.youngsterId)).toMatchObject({ outcome: 'werk', outcomeOn: dateIn(0) });
  });

  it('refuses an unknown category or a future date with a 400 and stores nothing', async () => {
    const s = await login(app, 'michelle@oost.test');
    const before = await youngsterRow(oost.youngsterId);
    const eventsBefore = await eventCount();
    const cases: [string, Record<string, unknown>, string][] = [
      ['unknown outflow', { outcome: 'gevangenis' }, 'uitstroomrichting'],
      ['outflow as a label', { outcome: 'Werk' }, 'uitstroomrichting'],
      ['future outflow date', { outcome: 'opleiding', outcomeOn: dateIn(1) }, 'in de toekomst'],
      ['unknown support question', { supportQuestion: 'geld' }, 'ondersteuningsvraag'],
      ['unknown step', { processStep: 'step7' }, 'stap'],
      ['a valid step with an invalid outflow', { processStep: 'intake', outcome: 'x' }, 'uitstroomrichting'],
      ['nothing', {}, 'niets ingevuld'],
    ];
    for (const [what, body, message] of cases) {
      const res = await staffPost(app, s, `/inbox/c/${oost.conversationId}/profile`, body);
      expect(res.statusCode, what).toBe(400);
      expect(res.json().message, what).toContain(message);
    }
    expect(await youngsterRow(oost.youngsterId)).toEqual(before);
    expect(await eventCount()).toBe(eventsBefore);
  });

  it('sets the support question and the step independently, with an event only on change', async () => {
    const s = await login(app, 'michelle@oost.test');
    const outcomeBefore = (await youngsterRow(oost.youngsterId)).outcome;
    expect((await staffPost(app, s, `/inbox/c/${oost.conversationId}/profile`, { supportQuestion: 'werk_en_opleiding' })).statusCode).toBe(200);
    expect((await staffPost(app, s, `/inbox/c/${oost.conversationId}/profile`, { supportQuestion: 'werk_en_opleiding' })).statusCode).toBe(200);
    const res = await staffPost(app, s, `/inbox/c/${oost.conversationId}/profile`, { processStep: 'intake' });
    expect(res.json().panel.youngster).toMatchObject({
      supportQuestion: 'werk_en_opleiding',
      supportQuestionLabel: 'Werk en opleiding',
      processStep: 'intake',
      processStepLabel: '3. Intake',
      outcome: outcomeBefore,
    });
    const sq = await db().select().from(events).where(eq(events.type, 'youngster.support_question_set'));
    expect(sq.map((e) => e.data)).toEqual([{ category: 'werk_en_opleiding' }]);
    const step = await db().select().from(events).where(eq(events.type, 'youngster.step_changed'));
    expect(step.map((e) => e.data)).toEqual([{ step: 'intake', from: 'list' }]);
    // Clearing the support question means "not yet known" again.
    await staffPost(app, s, `/inbox/c/${oost.conversationId}/profile`, { supportQuestion: '' });
    expect((await youngsterRow(oost.youngsterId)).supportQuestion).toBeNull();
  });
});

describe('why they declined, and the zzp check', () => {
  const eta = new Eta({ views: VIEWS_DIR, autoEscape: true });
  const render = (data: object) => eta.renderString(`<%~ include('/staff/_youngster-panel', it) %>`, { ui: staffTexts('nl'), ...data });
  const eventsOf = (type: 'youngster.decline_reason_set' | 'youngster.self_employed_checked') =>
    db().select().from(events).where(eq(events.type, type));

  it('offers both on the panel (the zzp question for someone on the list as zzp), read-only in the summary too', async () => {
    const panel = await loadYoungsterPanel(db(), oost.conversationId, [org.oost.municipalities.Roermond!]);
    expect(panel!.youngster).toMatchObject({
      declineReason: null,
      declineReasonLabel: 'Niet vastgelegd',
      selfEmployed: null,
      selfEmployedLabel: 'Niet nagekeken',
    });
    expect(panel!.options.declineReason.map((o) => o.value)).toEqual([...DECLINE_REASONS]);
    const html = render({ panel, csrf: 'x', conversationId: oost.conversationId });
    expect(html).toContain('name="declineReason"');
    expect(html).toContain('<option value="" selected>Niet vastgelegd</option>');
    for (const label of ['Heeft geen hulp nodig', 'Krijgt al hulp ergens anders', 'Wil geen contact met gemeente of instanties', 'Zorgen over privacy', 'Wil het niet zeggen']) {
      expect(html).toContain(label);
    }
    expect(html).toContain('name="selfEmployed"');
    expect(html).toContain('<option value="" selected>Niet nagekeken</option>');
    expect(html).toContain('<dt>Zzp volgens de lijst: echt zelfstandig ondernemer?</dt><dd>Niet nagekeken</dd>');
    expect(html).toContain('<dt>Reden van afzien</dt><dd>Niet vastgelegd</dd>');
    const readOnly = render({ panel, csrf: 'x', conversationId: oost.conversationId, readOnly: true });
    expect(readOnly).toContain('<dt>Reden van afzien</dt><dd>Niet vastgelegd</dd>');
    expect(readOnly).not.toContain('name="declineReason"');
  });

  it('saves the reason for declining, with an anonymous event of the reason when it changes', async () => {
    const s = await login(app, 'michelle@oost.test');
    const res = await staffPost(app, s, `/inbox/c/${oost.conversationId}/profile`, { declineReason: 'geen_contact_instanties' });
    expect(res.statusCode).toBe(200);
    expect(res.json().panel.youngster).toMatchObject({
      declineReason: 'geen_contact_instanties',
      declineReasonLabel: 'Wil geen contact met gemeente of instanties',
    });
    expect((await youngsterRow(oost.youngsterId)).declineReason).toBe('geen_contact_instanties');
    // The same again is no change: no second event.
    await staffPost(app, s, `/inbox/c/${oost.conversationId}/profile`, { declineReason: 'geen_contact_instanties' });
    // A plain form post, as the panel sends it.
    const form = await app.inject({
      method: 'POST',
      url: `/inbox/c/${oost.conversationId}/profile`,
      headers: { cookie: s.cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: s.csrf, declineReason: 'wil_niet_zeggen' }).toString(),
    });
    expect(form.statusCode).toBe(303);
    expect((await youngsterRow(oost.youngsterId)).declineReason).toBe('wil_niet_zeggen');

    const set = await eventsOf('youngster.decline_reason_set');
    expect(set.map((e) => e.data)).toEqual([{ reason: 'geen_contact_instanties' }, { reason: 'wil_niet_zeggen' }]);
    for (const e of set) {
      expect(e).toMatchObject({
        subject: oost.monitoringKey,
        municipalityId: org.oost.municipalities.Roermond,
        conversationId: oost.conversationId,
        actorStaffId: org.michelle.id,
      });
    }
    // Empty clears it ("niet vastgelegd") without an event.
    await staffPost(app, s, `/inbox/c/${oost.conversationId}/profile`, { declineReason: '' });
    expect((await youngsterRow(oost.youngsterId)).declineReason).toBeNull();
    expect(await eventsOf('youngster.decline_reason_set')).toHaveLength(2);
    const html = render({ panel: await loadYoungsterPanel(db(), oost.conversationId, [org.oost.municipalities.Roermond!]), csrf: 'x', conversationId: oost.conversationId });
    expect(html).toContain('<dt>Reden van afzien</dt><dd>Niet vastgelegd</dd>');
  });

  it('saves the zzp check (ja / nee / true / false), with an anonymous event when it changes', async () => {
    const s = await login(app, 'michelle@oost.test');
    const ja = await staffPost(app, s, `/inbox/c/${oost.conversationId}/profile`, { selfEmployed: 'ja' });
    expect(ja.statusCode).toBe(200);
    expect(ja.json().panel.youngster).toMatchObject({ selfEmployed: true, selfEmployedLabel: 'Ja' });
    expect((await youngsterRow(oost.youngsterId)).selfEmployed).toBe(true);
    // JSON true is the same answer: no change, no event.
    expect((await staffPost(app, s, `/inbox/c/${oost.conversationId}/profile`, { selfEmployed: true })).statusCode).toBe(200);
    const form = await app.inject({
      method: 'POST',
      url: `/inbox/c/${oost.conversationId}/profile`,
      headers: { cookie: s.cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: s.csrf, selfEmployed: 'nee' }).toString(),
    });
    expect(form.statusCode).toBe(303);
    expect((await youngsterRow(oost.youngsterId)).selfEmployed).toBe(false);

    const checked = await eventsOf('youngster.self_employed_checked');
    expect(checked.map((e) => e.data)).toEqual([{ selfEmployed: true }, { selfEmployed: false }]);
    for (const e of checked) expect(e).toMatchObject({ subject: oost.monitoringKey, municipalityId: org.oost.municipalities.Roermond });

    const panel = await loadYoungsterPanel(db(), oost.conversationId, [org.oost.municipalities.Roermond!]);
    const html = render({ panel, csrf: 'x', conversationId: oost.conversationId });
    expect(html).toContain('<option value="nee" selected>Nee</option>');
    expect(html).toContain('<dt>Zzp volgens de lijst: echt zelfstandig ondernemer?</dt><dd>Nee</dd>');

    // Empty is "not checked" again, without an event.
    await staffPost(app, s, `/inbox/c/${oost.conversationId}/profile`, { selfEmployed: '' });
    expect((await youngsterRow(oost.youngsterId)).selfEmployed).toBeNull();
    expect(await eventsOf('youngster.self_employed_checked')).toHaveLength(2);
  });

  it('refuses an unknown reason or zzp answer with a 400 and stores nothing', async () => {
    const s = await login(app, 'michelle@oost.test');
    const before = await youngsterRow(oost.youngsterId);
    const eventsBefore = await eventCount();
    const cases: [string, Record<string, unknown>, string, string][] = [
      ['unknown reason', { declineReason: 'geen_zin' }, 'decline_reason_invalid', 'reden van afzien'],
      ['a reason as its label', { declineReason: 'Heeft geen hulp nodig' }, 'decline_reason_invalid', 'reden van afzien'],
      ['a reason that is not text', { declineReason: 3 }, 'decline_reason_invalid', 'reden van afzien'],
      ['zzp "misschien"', { selfEmployed: 'misschien' }, 'self_employed_invalid', 'niet nagekeken, ja of nee'],
      ['zzp "Ja"', { selfEmployed: 'Ja' }, 'self_employed_invalid', 'niet nagekeken, ja of nee'],
      ['zzp as a number', { selfEmployed: 1 }, 'self_employed_invalid', 'niet nagekeken, ja of nee'],
      ['a valid reason with a bad zzp answer', { declineReason: 'al_hulp', selfEmployed: 'x' }, 'self_employed_invalid', 'niet nagekeken, ja of nee'],
    ];
    for (const [what, body, code, message] of cases) {
      const res = await staffPost(app, s, `/inbox/c/${oost.conversationId}/profile`, body);
      expect(res.statusCode, what).toBe(400);
      expect(res.json().error, what).toBe(code);
      expect(res.json().message, what).toContain(message);
    }
    expect(await youngsterRow(oost.youngsterId)).toEqual(before);
    expect(await eventCount()).toBe(eventsBefore);
  });

  it('asks no zzp question about someone not on the list as zzp, and refuses one sent anyway', async () => {
    const { youngster, token } = await createYoungsterWithCard(db(), org.oost.municipalities.Roermond!, org.michelle.id, { firstName: 'Noor' });
    expect(youngster.kvkRegistered).toBe(false);
    const { conversationId } = await conversationOf(token, 'hoi');
    const panel = await loadYoungsterPanel(db(), conversationId, [org.oost.municipalities.Roermond!]);
    const html = render({ panel, csrf: 'x', conversationId });
    expect(html).not.toContain('name="selfEmployed"');
    expect(html).not.toContain('Zzp volgens de lijst');
    // The reason for declining is offered for everyone.
    expect(html).toContain('name="declineReason"');

    const s = await login(app, 'michelle@oost.test');
    const before = await youngsterRow(youngster.id);
    const eventsBefore = await eventCount();
    const res = await staffPost(app, s, `/inbox/c/${conversationId}/profile`, { selfEmployed: 'ja' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('self_employed_not_kvk');
    expect(await youngsterRow(youngster.id)).toEqual(before);
    expect(await eventCount()).toBe(eventsBefore);
    expect((await staffPost(app, s, `/inbox/c/${conversationId}/profile`, { declineReason: 'geen_behoefte' })).statusCode).toBe(200);
    expect((await youngsterRow(youngster.id)).declineReason).toBe('geen_behoefte');
  });
});

describe('who may record', () => {
  it('answers 404 for a conversation of another team and stores nothing', async () => {
    const s = await login(app, 'michelle@oost.test');
    const bram = await login(app, 'bram@west.test');
    const eventsBefore = await eventCount();
    const westYoungster = (await db().select().from(conversations).where(eq(conversations.id, westConversationId)))[0]!.youngsterId!;
    const westBefore = await youngsterRow(westYoungster);
    for (const [path, body] of [
      ['attempts', { kind: 'phone', minutes: 5 }],
      ['profile', { outcome: 'werk' }],
    ] as const) {
      const res = await staffPost(app, s, `/inbox/c/${westConversationId}/${path}`, body);
      expect(res.statusCode, path).toBe(404);
      // Bad input for a foreign conversation is still a 404: scope is checked first.
      expect((await staffPost(app, s, `/inbox/c/${westConversationId}/${path}`, { kind: 'x', outcome: 'x' })).statusCode).toBe(404);
      const other = await staffPost(app, bram, `/inbox/c/${oost.conversationId}/${path}`, body);
      expect(other.statusCode, path).toBe(404);
      expect(other.body).not.toContain('Sigfrid');
    }
    expect(await attemptsOf(westYoungster)).toEqual([]);
    expect(await youngsterRow(westYoungster)).toEqual(westBefore);
    expect(await eventCount()).toBe(eventsBefore);
  });

  it('answers 404 for someone without a card: there is nobody to record about', async () => {
    const s = await login(app, 'michelle@oost.test');
    const res = await staffPost(app, s, `/inbox/c/${cardlessConversationId}/attempts`, { kind: 'phone' });
    expect(res.statusCode).toBe(404);
    expect((await staffPost(app, s, `/inbox/c/${cardlessConversationId}/profile`, { processStep: 'intake' })).statusCode).toBe(404);
  });

  it('refuses a forged or missing CSRF token with 403 and stores nothing', async () => {
    const s = await login(app, 'michelle@oost.test');
    const other = await login(app, 'yusuf@oost.test');
    const before = (await attemptsOf(oost.youngsterId)).length;
    for (const token of [undefined, 'forged-token', other.csrf]) {
      const res = await app.inject({
        method: 'POST',
        url: `/inbox/c/${oost.conversationId}/attempts`,
        headers: { cookie: s.cookie, 'content-type': 'application/json', ...(token ? { 'x-csrf-token': token } : {}) },
        payload: JSON.stringify({ kind: 'phone', minutes: 5 }),
      });
      expect(res.statusCode, `csrf ${token}`).toBe(403);
    }
    const form = await app.inject({
      method: 'POST',
      url: `/inbox/c/${oost.conversationId}/profile`,
      headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'outcome=werk&_csrf=forged',
    });
    expect(form.statusCode).toBe(403);
    expect((await attemptsOf(oost.youngsterId)).length).toBe(before);
  });

  it('refuses a privacy officer and an admin of the own team with 403, and anonymous callers with 401', async () => {
    const before = (await attemptsOf(oost.youngsterId)).length;
    const youngsterBefore = await youngsterRow(oost.youngsterId);
    for (const email of ['fg@oost.test', 'admin@oost.test']) {
      const s = await login(app, email);
      expect(s.status, email).toBe(303);
      expect((await staffPost(app, s, `/inbox/c/${oost.conversationId}/attempts`, { kind: 'phone', minutes: 5 })).statusCode, email).toBe(403);
      expect((await staffPost(app, s, `/inbox/c/${oost.conversationId}/profile`, { outcome: 'werk' })).statusCode, email).toBe(403);
    }
    const anonymous = await app.inject({
      method: 'POST',
      url: `/inbox/c/${oost.conversationId}/attempts`,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      payload: JSON.stringify({ kind: 'phone' }),
    });
    expect(anonymous.statusCode).toBe(401);
    expect((await attemptsOf(oost.youngsterId)).length).toBe(before);
    expect(await youngsterRow(oost.youngsterId)).toEqual(youngsterBefore);
  });
});

describe('erasure', () => {
  it('deleting the youngster removes the attempts but keeps the anonymous events', async () => {
    const subjectEvents = () => db().select().from(events).where(eq(events.subject, oost.monitoringKey));
    const eventsBefore = await subjectEvents();
    expect(eventsBefore.some((e) => e.type === 'contact_attempt.recorded')).toBe(true);
    expect((await attemptsOf(oost.youngsterId)).length).toBeGreaterThan(0);

    await db().delete(youngsters).where(eq(youngsters.id, oost.youngsterId));

    expect(await attemptsOf(oost.youngsterId)).toEqual([]);
    expect(await subjectEvents()).toEqual(eventsBefore);
    // The conversation went with the person, so the panel is gone too.
    expect(await loadYoungsterPanel(db(), oost.conversationId, [org.oost.municipalities.Roermond!])).toBeNull();
  });
});
