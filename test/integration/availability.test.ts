import { and, asc, eq, gt } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { busyRangeOf } from '../../core/slots.js';
import { buildWebApp } from '../../bin/services.js';
import { findSlots } from '../../db/queries/slot-search.js';
import { auditLog, availabilityBlocks, availabilityExceptions, municipalities, municipalityVisitTypes, staffUsers, visits, visitStaff } from '../../db/schema/index.js';
import { createStaff, createYoungsterWithCard, twoTeams } from '../helpers/fixtures.js';
import { csrfFrom, login } from '../helpers/http.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

let iso: Isolated;
let app: FastifyInstance;
let org: Awaited<ReturnType<typeof twoTeams>>;
const db = () => iso.ctx.database.db;
const HOUR = 3_600_000;

beforeAll(async () => {
  iso = await isolated();
  app = await buildWebApp(iso.ctx);
  org = await twoTeams(db());
  await createStaff(db(), org.oost.teamId, { email: 'admin@oost.test', firstName: 'Ada', role: 'admin' });
  await createStaff(db(), org.west.teamId, { email: 'admin@west.test', firstName: 'Wim', role: 'admin' });
});
afterAll(async () => {
  await app?.close();
  await iso?.destroy();
});

/** Opens the page like a browser and posts the plain form from it. */
async function post(cookie: string, page: string, url: string, fields: Record<string, string>) {
  const form = await app.inject({ method: 'GET', url: page, headers: { cookie, accept: 'text/html' } });
  expect(form.statusCode).toBe(200);
  return app.inject({
    method: 'POST',
    url,
    headers: { cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrfFrom(form.body), ...fields }).toString(),
  });
}
const blocksOf = async (id: string) =>
  (await db().select().from(availabilityBlocks).where(eq(availabilityBlocks.staffId, id)).orderBy(asc(availabilityBlocks.weekday), asc(availabilityBlocks.startsAt))).map((b) => `${b.weekday} ${b.startsAt}-${b.endsAt}`);

describe('/account/availability', () => {
  it('saves the week and shows it again; each refusal stores nothing and says why', async () => {
    const s = await login(app, 'michelle@oost.test');
    const page = '/account/availability';
    const ok = await post(s.cookie, page, page, { b1_1_from: '09:00', b1_1_to: '12:00', b1_2_from: '13:00', b1_2_to: '16:30', b3_1_from: '10:00', b3_1_to: '14:00', b5_1_from: '', b5_1_to: '' });
    expect(ok.statusCode).toBe(303);
    expect(await blocksOf(org.michelle.id)).toEqual(['1 09:00-12:00', '1 13:00-16:30', '3 10:00-14:00']);
    const shown = await app.inject({ method: 'GET', url: page, headers: { cookie: s.cookie, accept: 'text/html' } });
    for (const v of ['value="09:00"', 'value="16:30"', 'value="14:00"']) expect(shown.body).toContain(v);

    const refusals: [Record<string, string>, string][] = [
      [{ b2_1_from: '9:00', b2_1_to: '12:00' }, 'Vul bij dinsdag de tijden in als uu:mm'],
      [{ b2_1_from: '12:00', b2_1_to: '11:00' }, 'Bij dinsdag ligt een eindtijd niet na de begintijd'],
      [{ b4_1_from: '09:00', b4_1_to: '12:00', b4_2_from: '11:30', b4_2_to: '13:00' }, 'Bij donderdag overlappen twee blokken'],
    ];
    for (const [fields, text] of refusals) {
      const res = await post(s.cookie, page, page, fields);
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(text);
      expect(await blocksOf(org.michelle.id)).toEqual(['1 09:00-12:00', '1 13:00-16:30', '3 10:00-14:00']);
    }
  });

  it('buffer and notice: saved within range, refused outside it', async () => {
    const s = await login(app, 'yusuf@oost.test');
    const page = '/account/availability';
    expect((await post(s.cookie, page, `${page}/settings`, { bufferMinutes: '30', minNoticeHours: '48' })).statusCode).toBe(303);
    for (const [fields, text] of [
      [{ bufferMinutes: '121', minNoticeHours: '24' }, 'van 0 tot en met 120 minuten'],
      [{ bufferMinutes: '15', minNoticeHours: '169' }, 'van 0 tot en met 168 uur'],
      [{ bufferMinutes: 'veel', minNoticeHours: '24' }, 'reistijd'],
    ] as const) {
      const res = await post(s.cookie, page, `${page}/settings`, fields);
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(text);
    }
    const [row] = await db().select({ b: staffUsers.visitBufferMinutes, n: staffUsers.minNoticeHours }).from(staffUsers).where(eq(staffUsers.id, org.yusuf.id));
    expect(row).toEqual({ b: 30, n: 48 });
  });

  it('exceptions: add (kind only, no reason), refuse nonsense, remove own only', async () => {
    const s = await login(app, 'michelle@oost.test');
    const page = '/account/availability';
    const before = await db().select().from(availabilityExceptions);
    const bad = await post(s.cookie, page, `${page}/exceptions`, { reason: 'off_sick', fromDate: '2099-01-02', fromTime: '09:00', toDate: '2099-01-01', toTime: '17:00' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Het einde ligt niet na het begin');
    const past = await post(s.cookie, page, `${page}/exceptions`, { reason: 'off_sick', fromDate: '2020-01-01', fromTime: '09:00', toDate: '2020-01-02', toTime: '17:00' });
    expect(past.statusCode).toBe(400);
    expect(await db().select().from(availabilityExceptions)).toEqual(before);

    const tomorrow = new Date(Date.now() + 24 * HOUR).toISOString().slice(0, 10);
    const after = new Date(Date.now() + 72 * HOUR).toISOString().slice(0, 10);
    expect((await post(s.cookie, page, `${page}/exceptions`, { reason: 'off_sick', fromDate: tomorrow, fromTime: '09:00', toDate: after, toTime: '17:00' })).statusCode).toBe(303);
    const [added] = await db().select().from(availabilityExceptions).where(eq(availabilityExceptions.staffId, org.michelle.id));
    expect(added!.kind).toBe('off');
    expect(JSON.stringify(added)).not.toMatch(/sick|ziek/i);

    // Yusuf cannot remove Michelle's exception: 404, and it stays.
    const y = await login(app, 'yusuf@oost.test');
    const other = await app.inject({ method: 'POST', url: `${page}/exceptions/${added!.id}/remove`, headers: { cookie: y.cookie, 'x-csrf-token': y.csrf, 'content-type': 'application/json' }, payload: '{}' });
    expect(other.statusCode).toBe(404);
    expect(await db().select().from(availabilityExceptions).where(eq(availabilityExceptions.id, added!.id))).toHaveLength(1);
    const mark = (await db().select({ id: auditLog.id }).from(auditLog).orderBy(asc(auditLog.id))).at(-1)?.id ?? 0;
    const own = await app.inject({ method: 'POST', url: `${page}/exceptions/${added!.id}/remove`, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json' }, payload: '{}' });
    expect(own.statusCode).toBe(303);
    expect(await db().select().from(availabilityExceptions).where(eq(availabilityExceptions.id, added!.id))).toHaveLength(0);
    const entries = await db().select().from(auditLog).where(gt(auditLog.id, mark));
    expect(entries.map((e) => [e.action, e.staffId])).toEqual([['availability.change', org.michelle.id]]);
  });
});

describe('/admin/team/municipalities/:id/visit-types', () => {
  const url = () => `/admin/team/municipalities/${org.oost.municipalities.Roermond}/visit-types`;
  const all = { home_enabled: 'on', home_duration: '75', home_twoStaff: 'on', office_enabled: 'on', office_duration: '45', walk_duration: '60', phone_enabled: 'on', phone_duration: '30', video_enabled: 'on', video_duration: '30' };

  it('shows the defaults, saves, reads back; a refused duration stores nothing', async () => {
    const a = await login(app, 'admin@oost.test');
    const first = await app.inject({ method: 'GET', url: url(), headers: { cookie: a.cookie, accept: 'text/html' } });
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('name="home_duration" min="15" max="240" step="5" value="60"');
    expect((await post(a.cookie, url(), url(), { ...all, walk_duration: '10' })).statusCode).toBe(400);
    expect(await db().select().from(municipalityVisitTypes)).toEqual([]);
    expect((await post(a.cookie, url(), url(), all)).statusCode).toBe(303);
    const rows = await db().select().from(municipalityVisitTypes).where(eq(municipalityVisitTypes.municipalityId, org.oost.municipalities.Roermond!));
    const byType = Object.fromEntries(rows.map((r) => [r.type, `${r.enabled}/${r.durationMinutes}/${r.twoStaff}`]));
    expect(byType).toEqual({ home: 'true/75/true', office: 'true/45/false', walk: 'false/60/false', phone: 'true/30/false', video: 'true/30/false' });
    const again = await app.inject({ method: 'GET', url: url(), headers: { cookie: a.cookie, accept: 'text/html' } });
    expect(again.body).toContain('value="75"');
  });

  it("the first name in the casemanagers' calendar feeds: off by default, on only while ticked", async () => {
    const a = await login(app, 'admin@oost.test');
    const shows = async () => (await db().select({ on: municipalities.calendarShowsFirstName }).from(municipalities).where(eq(municipalities.id, org.oost.municipalities.Roermond!)))[0]!.on;
    const page = async () => (await app.inject({ method: 'GET', url: url(), headers: { cookie: a.cookie, accept: 'text/html' } })).body;
    expect(await shows()).toBe(false);
    expect(await page()).toContain('<input type="checkbox" name="calendar_first_name">');
    // A refused form changes nothing, the box included; what was ticked stays ticked on the page.
    const refused = await post(a.cookie, url(), url(), { ...all, walk_duration: '10', calendar_first_name: 'on' });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('name="calendar_first_name" checked');
    expect(await shows()).toBe(false);
    expect((await post(a.cookie, url(), url(), { ...all, calendar_first_name: 'on' })).statusCode).toBe(303);
    expect(await shows()).toBe(true);
    expect(await page()).toContain('name="calendar_first_name" checked');
    // The form posts the whole page: an unticked box turns it off again.
    expect((await post(a.cookie, url(), url(), all)).statusCode).toBe(303);
    expect(await shows()).toBe(false);
  });

  it("another team's municipality is 404 for an admin; other roles are refused", async () => {
    const w = await login(app, 'admin@west.test');
    expect((await app.inject({ method: 'GET', url: url(), headers: { cookie: w.cookie, accept: 'text/html' } })).statusCode).toBe(404);
    const res = await app.inject({ method: 'POST', url: url(), headers: { cookie: w.cookie, 'x-csrf-token': w.csrf, 'content-type': 'application/json', accept: 'application/json' }, payload: JSON.stringify({ ...all, home_duration: '200' }) });
    expect(res.statusCode).toBe(404);
    const [home] = await db().select().from(municipalityVisitTypes).where(and(eq(municipalityVisitTypes.municipalityId, org.oost.municipalities.Roermond!), eq(municipalityVisitTypes.type, 'home')));
    expect(home!.durationMinutes).toBe(75);
    for (const email of ['michelle@oost.test', 'karin@oost.test']) {
      const s = await login(app, email);
      expect((await app.inject({ method: 'GET', url: url(), headers: { cookie: s.cookie, accept: 'text/html' } })).statusCode).toBe(403);
    }
  });
});

describe('findSlots against the database', () => {
  it('honours an existing booking: its time plus the buffer disappears from the slots', async () => {
    const maasgouw = org.oost.municipalities.Maasgouw!;
    const ids = [org.michelle.id, org.yusuf.id];
    await db().update(staffUsers).set({ visitBufferMinutes: 30, minNoticeHours: 0 }).where(eq(staffUsers.id, org.michelle.id));
    await db().delete(availabilityBlocks);
    await db().insert(availabilityBlocks).values([1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ staffId: org.michelle.id, weekday, startsAt: '08:00', endsAt: '18:00' })));
    // Yusuf is a colleague without blocks: only Michelle can be booked.
    const now = new Date(Math.ceil(Date.now() / HOUR) * HOUR + 24 * HOUR);
    const q = { municipalityId: maasgouw, type: 'home' as const, preferredStaffId: org.michelle.id, now, limit: 200, horizonDays: 3 };
    const before = await findSlots(db(), q);
    expect(before.length).toBeGreaterThan(10);
    expect(before.every((s) => s.staffIds.join() === org.michelle.id && ids.includes(s.staffIds[0]!))).toBe(true);

    const target = before[4]!;
    const { youngster } = await createYoungsterWithCard(db(), maasgouw, org.michelle.id);
    const [visit] = await db().insert(visits).values({ youngsterId: youngster.id, municipalityId: maasgouw, type: 'home', startsAt: target.startsAt, endsAt: target.endsAt, reference: 'V-TEST1' }).returning();
    const busy = busyRangeOf(target, 30, true);
    await db().insert(visitStaff).values({ visitId: visit!.id, staffId: org.michelle.id, busy: `[${busy.start.toISOString()},${busy.end.toISOString()})` });

    const after = await findSlots(db(), q);
    const overlaps = (s: { startsAt: Date; endsAt: Date }) => s.startsAt.getTime() < busy.end.getTime() && s.endsAt.getTime() + 30 * 60_000 > busy.start.getTime();
    expect(before.filter(overlaps).length).toBeGreaterThan(2);
    expect(after.filter(overlaps)).toEqual([]);
    expect(after).toEqual(before.filter((s) => !overlaps(s)));

    // The same booking no longer counts once it is cancelled (active = false).
    await db().update(visitStaff).set({ active: false }).where(eq(visitStaff.visitId, visit!.id));
    expect(await findSlots(db(), q)).toEqual(before);
  });

  it('a disabled type gives nothing; two-person home visits need two free colleagues', async () => {
    const roermond = org.oost.municipalities.Roermond!;
    const now = new Date(Math.ceil(Date.now() / HOUR) * HOUR + 24 * HOUR);
    expect(await findSlots(db(), { municipalityId: roermond, type: 'walk', preferredStaffId: null, now, limit: 5 })).toEqual([]);
    // Roermond's home visits need two (saved above); only Michelle has blocks.
    expect(await findSlots(db(), { municipalityId: roermond, type: 'home', preferredStaffId: null, now, limit: 5, horizonDays: 3 })).toEqual([]);
    await db().insert(availabilityBlocks).values([1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ staffId: org.yusuf.id, weekday, startsAt: '08:00', endsAt: '18:00' })));
    const pairs = await findSlots(db(), { municipalityId: roermond, type: 'home', preferredStaffId: null, now, limit: 5, horizonDays: 3 });
    expect(pairs).toHaveLength(5);
    for (const p of pairs) expect([...p.staffIds].sort()).toEqual([org.michelle.id, org.yusuf.id].sort());
  });
});
