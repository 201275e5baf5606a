import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import ical from 'node-ical';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp } from '../../bin/services.js';
import { localParts } from '../../core/local-time.js';
import { bookVisit } from '../../db/queries/visits.js';
import { availabilityBlocks, contactAttempts, municipalities, staffUsers, visits, youngsters } from '../../db/schema/index.js';
import { createConversationFixture, twoTeams } from '../helpers/fixtures.js';
import { csrfFrom, login, staffPost } from '../helpers/http.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

let iso: Isolated;
let app: FastifyInstance;
let org: Awaited<ReturnType<typeof twoTeams>>;
let conversationId: string;
let youngsterId: string;
let roermond: string;
type Session = Awaited<ReturnType<typeof login>>;
let michelle: Session;
const db = () => iso.ctx.database.db;
const get = (who: Session, url: string) => app.inject({ method: 'GET', url, headers: { cookie: who.cookie, accept: 'text/html' } });

beforeAll(async () => {
  iso = await isolated();
  app = await buildWebApp(iso.ctx);
  org = await twoTeams(db());
  roermond = org.oost.municipalities.Roermond!;
  const fx = await createConversationFixture(db(), { municipalityId: roermond, firstName: 'Sigfrid', lastName: 'Houben', assignedTo: org.michelle.id });
  conversationId = fx.conversation.id;
  youngsterId = fx.youngster.id;
  // Michelle can be booked every day, all day, from now on.
  await db().insert(availabilityBlocks).values([1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ staffId: org.michelle.id, weekday, startsAt: '00:00', endsAt: '24:00' })));
  await db().update(staffUsers).set({ minNoticeHours: 0 }).where(eq(staffUsers.id, org.michelle.id));
  michelle = await login(app, 'michelle@oost.test');
});
afterAll(async () => {
  await app?.close();
  await iso?.destroy();
});

describe('booking from a conversation and recording the result', () => {
  it('offers free moments, books one, refuses a second booking and a made-up moment, shows it on the panel and calendar', async () => {
    const page = await get(michelle, `/inbox/c/${conversationId}/visits/new?type=office`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('Houben');
    const moments = [...page.body.matchAll(/name="startsAt" value="([^"]+)"/g)].map((m) => m[1]!);
    expect(moments.length).toBeGreaterThan(2);
    // Each moment says who would go (only Michelle can be visited here).
    expect(page.body.match(/· met Michelle</g)?.length).toBe(moments.length);

    const res = await staffPost(app, michelle, `/inbox/c/${conversationId}/visits`, { type: 'office', startsAt: moments[1] });
    expect(res.statusCode, res.body).toBe(201);
    const { visitId, reference } = res.json();
    expect(reference).toMatch(/^V-/);
    const [v] = await db().select().from(visits).where(eq(visits.id, visitId));
    expect(v).toMatchObject({ youngsterId, type: 'office', bookedVia: 'staff', createdBy: org.michelle.id, status: 'booked' });
    expect(v!.startsAt.toISOString()).toBe(moments[1]);

    // A second booking for the same youngster is refused; so is a moment findSlots never offered.
    const again = await staffPost(app, michelle, `/inbox/c/${conversationId}/visits`, { type: 'office', startsAt: moments[2] });
    expect(again.json()).toMatchObject({ error: 'visit_already_booked' });
    const other = await createConversationFixture(db(), { municipalityId: roermond, firstName: 'Ander' });
    const made = new Date(new Date(moments[0]!).getTime() + 7 * 60_000).toISOString();
    const odd = await staffPost(app, michelle, `/inbox/c/${other.conversation.id}/visits`, { type: 'office', startsAt: made });
    expect(odd.statusCode).toBe(409);
    expect(odd.json()).toMatchObject({ error: 'slot_taken' });
    // The taken moment is no longer offered.
    const later = await get(michelle, `/inbox/c/${other.conversation.id}/visits/new?type=office`);
    expect(later.body).not.toContain(`value="${moments[1]}"`);

    const conv = await get(michelle, `/inbox/c/${conversationId}`);
    expect(conv.body).toContain(reference);
    expect(conv.body).toContain(`/visits/${visitId}/result`);

    const p = localParts(v!.startsAt);
    const date = `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
    const week = await get(michelle, `/calendar?view=week&date=${date}`);
    expect(week.statusCode).toBe(200);
    expect(week.body).toContain(reference);
    expect(week.body).toContain(`/inbox/c/${conversationId}`);
    expect(week.body).toContain('Sigfrid');
    expect(week.body).not.toContain('Houben');
    // Yusuf's own calendar does not have it; the team view does.
    const yusuf = await login(app, 'yusuf@oost.test');
    expect((await get(yusuf, `/calendar?view=day&date=${date}&who=me`)).body).not.toContain(reference);
    expect((await get(yusuf, `/calendar?view=day&date=${date}&who=team`)).body).toContain(reference);
    // Another team never sees it.
    const bram = await login(app, 'bram@west.test');
    expect((await get(bram, `/calendar?view=week&date=${date}&who=team`)).body).not.toContain(reference);

    // Before it starts only cancelling is possible.
    const early = await staffPost(app, michelle, `/inbox/c/${conversationId}/visits/${visitId}/result`, { result: 'held', minutes: 30 });
    expect(early.json()).toMatchObject({ error: 'visit_not_started' });
    const cancel = await staffPost(app, michelle, `/inbox/c/${conversationId}/visits/${visitId}/result`, { result: 'cancelled' });
    expect(cancel.statusCode).toBe(200);
    expect((await db().select().from(visits).where(eq(visits.id, visitId)))[0]!.status).toBe('cancelled');
  });

  it('records a held visit as a contact attempt with its minutes; a visit of another youngster is a 404', async () => {
    const past = { startsAt: new Date(Date.now() - 3 * 3600_000), endsAt: new Date(Date.now() - 2 * 3600_000), staffIds: [org.yusuf.id] };
    const { visitId } = await db().transaction((tx) =>
      bookVisit(tx, { youngsterId, municipalityId: roermond, type: 'walk', slot: past, place: 'het park', bookedVia: 'chat', createdBy: null }),
    );
    const other = await createConversationFixture(db(), { municipalityId: roermond, firstName: 'Derde' });
    const wrong = await staffPost(app, michelle, `/inbox/c/${other.conversation.id}/visits/${visitId}/result`, { result: 'held', minutes: 40 });
    expect(wrong.statusCode).toBe(404);
    const ok = await staffPost(app, michelle, `/inbox/c/${conversationId}/visits/${visitId}/result`, { result: 'held', minutes: 40 });
    expect(ok.statusCode, ok.body).toBe(200);
    const attempts = await db().select().from(contactAttempts).where(and(eq(contactAttempts.youngsterId, youngsterId), eq(contactAttempts.kind, 'walk')));
    expect(attempts.map((a) => [a.minutes, a.staffId])).toEqual([[40, org.michelle.id]]);
    const twice = await staffPost(app, michelle, `/inbox/c/${conversationId}/visits/${visitId}/result`, { result: 'held', minutes: 40 });
    expect(twice.json()).toMatchObject({ error: 'visit_not_booked' });
  });
});

describe('the private iCalendar feed', () => {
  async function makeFeed(who: Session) {
    const page = await get(who, '/account/calendar-feed');
    expect(page.statusCode).toBe(200);
    const res = await app.inject({
      method: 'POST',
      url: '/account/calendar-feed',
      headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      payload: new URLSearchParams({ _csrf: csrfFrom(page.body) }).toString(),
    });
    expect(res.statusCode).toBe(200);
    const url = /value="(https?:\/\/[^"]+\/calendar\/feed\/[^"]+\.ics)"/.exec(res.body)?.[1];
    expect(url).toBeTruthy();
    return new URL(url!).pathname;
  }

  it('parses, shows type and reference only (first name where allowed), never another staff member, and stops when revoked', async () => {
    const y2 = await createConversationFixture(db(), { municipalityId: roermond, firstName: 'Femke', lastName: 'Vermeulen' });
    // Whole minutes: iCalendar times have seconds, no milliseconds.
    const base = Math.floor(Date.now() / 60_000) * 60_000;
    const soon = (h: number, staffId: string) => ({ startsAt: new Date(base + h * 3600_000), endsAt: new Date(base + (h + 1) * 3600_000), staffIds: [staffId] });
    const mine = await db().transaction((tx) => bookVisit(tx, { youngsterId: y2.youngster.id, municipalityId: roermond, type: 'home', slot: soon(50, org.michelle.id), place: 'Bibliotheek Stationsplein', bookedVia: 'chat', createdBy: null }));
    const y3 = await createConversationFixture(db(), { municipalityId: roermond, firstName: 'Karel' });
    const theirs = await db().transaction((tx) => bookVisit(tx, { youngsterId: y3.youngster.id, municipalityId: roermond, type: 'office', slot: soon(52, org.yusuf.id), place: null, bookedVia: 'chat', createdBy: null }));
    await db().update(youngsters).set({ street: 'Geheimstraat', houseNumber: '12', postcode: '6041AB', city: 'Roermond' }).where(eq(youngsters.id, y2.youngster.id));

    const path = await makeFeed(michelle);
    const anon = await app.inject({ method: 'GET', url: path });
    expect(anon.statusCode).toBe(200);
    expect(anon.headers['content-type']).toMatch(/text\/calendar/);
    const parsed = ical.sync.parseICS(anon.body);
    const events = Object.values(parsed).filter((e) => e?.type === 'VEVENT') as ical.VEvent[];
    const summaries = events.map((e) => String(e.summary));
    expect(summaries).toContain(`Huisbezoek ${mine.reference}`);
    const ev = events.find((e) => String(e.summary).includes(mine.reference))!;
    expect(new Date(ev.start).getTime()).toBe(base + 50 * 3600_000);
    expect(new Date(ev.end!).getTime()).toBe(base + 51 * 3600_000);
    expect(anon.body).not.toContain(theirs.reference);
    for (const secret of ['Vermeulen', 'Houben', 'Geheimstraat', '6041AB', 'Bibliotheek', 'Femke']) expect(anon.body, secret).not.toContain(secret);

    // Where the municipality allows it, the first name (and still nothing else).
    await db().update(municipalities).set({ calendarShowsFirstName: true }).where(eq(municipalities.id, roermond));
    const named = await app.inject({ method: 'GET', url: path });
    expect(named.body).toContain('Femke');
    expect(named.body).not.toContain('Vermeulen');
    expect(named.body).not.toContain('Geheimstraat');
    await db().update(municipalities).set({ calendarShowsFirstName: false }).where(eq(municipalities.id, roermond));

    // A new link revokes the old; revoking stops the new one. Unknown tokens: 404.
    const newer = await makeFeed(michelle);
    expect((await app.inject({ method: 'GET', url: path })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: newer })).statusCode).toBe(200);
    const page = await get(michelle, '/account/calendar-feed');
    const revoke = await app.inject({
      method: 'POST',
      url: '/account/calendar-feed/revoke',
      headers: { cookie: michelle.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      payload: new URLSearchParams({ _csrf: csrfFrom(page.body) }).toString(),
    });
    expect(revoke.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: newer })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/calendar/feed/nonsense.ics' })).statusCode).toBe(404);
    expect((await db().select({ h: staffUsers.calendarFeedTokenHash }).from(staffUsers).where(eq(staffUsers.id, org.michelle.id)))[0]!.h).toBeNull();
  });
});
