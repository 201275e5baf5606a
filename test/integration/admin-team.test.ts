import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOpen, nextOpening, officeMinutesBetween } from '../../core/office-hours.js';
import { events, staffUsers, teams } from '../../db/schema/index.js';
import { buildWebApp } from '../../bin/services.js';
import { createStaffWithRole, twoTeams } from '../helpers/fixtures.js';
import { csrfFrom, login, staffPost } from '../helpers/http.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

let iso: Isolated;
let app: FastifyInstance;
let org: Awaited<ReturnType<typeof twoTeams>>;

const db = () => iso.ctx.database.db;
const FORM = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' };

beforeAll(async () => {
  iso = await isolated();
  app = await buildWebApp(iso.ctx);
  org = await twoTeams(db());
  await createStaffWithRole(db(), org.oost.teamId, 'admin@oost.test', 'Ada', 'admin');
  await createStaffWithRole(db(), org.west.teamId, 'admin@west.test', 'Wim', 'admin');
  await createStaffWithRole(db(), org.oost.teamId, 'fg@oost.test', 'Fenna', 'privacy_officer');
});
afterAll(async () => {
  await app?.close();
  await iso?.destroy();
});

async function teamRow(teamId: string) {
  const [t] = await db().select().from(teams).where(eq(teams.id, teamId));
  return t!;
}

function formPost(s: { cookie: string; csrf: string }, fields: Record<string, string>) {
  return app.inject({
    method: 'POST',
    url: '/admin/team',
    headers: { ...FORM, cookie: s.cookie },
    payload: new URLSearchParams({ _csrf: s.csrf, ...fields }).toString(),
  });
}

/** Logs in and takes the CSRF token from the team page itself (as the browser would). */
async function adminSession(email: string) {
  const s = await login(app, email);
  expect(s.status).toBe(303);
  const page = await app.inject({ method: 'GET', url: '/admin/team', headers: { cookie: s.cookie, accept: 'text/html' } });
  expect(page.statusCode).toBe(200);
  return { ...s, csrf: csrfFrom(page.body), page };
}

const NEW_HOURS = {
  '1': [
    ['09:00', '12:30'],
    ['13:00', '17:00'],
  ],
  '2': [['08:30', '16:30']],
  '3': [['09:00', '12:00']],
  '4': [['09:00', '17:00']],
  '5': [['09:00', '15:00']],
  '6': [],
  '7': [],
};

describe('admin team settings', () => {
  it("shows the admin their own team: name, municipalities, hours and the limit in hours", async () => {
    const s = await adminSession('admin@oost.test');
    const body = s.page.body;
    expect(body).toContain('Instellingen van Team Oost');
    expect(body).toContain('Roermond');
    expect(body).toContain('Maasgouw');
    expect(body).not.toContain('Weert');
    // The default: Monday-Friday 09:00-17:00, 480 minutes = 8 hours.
    expect(body).toMatch(/name="d1_1_from" value="09:00"/);
    expect(body).toMatch(/name="d1_1_to" value="17:00"/);
    expect(body).toMatch(/name="d6_1_from" value=""/);
    expect(body).toMatch(/name="escalationHours" value="8"/);
    // Every input has a label.
    for (const [, id] of body.matchAll(/<input type="(?:time|number)" id="([^"]+)"/g)) expect(body).toContain(`<label for="${id}">`);
    expect(body).not.toMatch(/<script>|style="/);
    expect(body).toContain('href="/admin/team"');
  });

  it('saves new hours and limit exactly (JSON), and the dialogue reads them', async () => {
    const s = await adminSession('admin@oost.test');
    const res = await staffPost(app, s, '/admin/team', { officeHours: NEW_HOURS, escalationHours: 4.5 });
    expect(res.statusCode).toBe(200);
    expect(res.json().settings.officeHours).toEqual(NEW_HOURS);
    expect(res.json().settings.escalationOfficeMinutes).toBe(270);
    const row = await teamRow(org.oost.teamId);
    expect(row.officeHours).toEqual(NEW_HOURS);
    expect(row.escalationOfficeMinutes).toBe(270);
    // What the bot and escalation compute from the stored row (Europe/Amsterdam; 2026-11-23 is a Monday, CET).
    expect(isOpen(row.officeHours, new Date('2026-11-23T11:45:00Z'))).toBe(false); // 12:45 local: lunch
    expect(isOpen(row.officeHours, new Date('2026-11-23T12:15:00Z'))).toBe(true); // 13:15 local
    expect(nextOpening(row.officeHours, new Date('2026-11-23T11:45:00Z'))).toEqual({ weekday: '1', time: '13:00', daysAhead: 0 });
    // Friday 16:00 local: next opening is Monday 09:00, the weekend is closed.
    expect(nextOpening(row.officeHours, new Date('2026-11-27T15:00:00Z'))).toEqual({ weekday: '1', time: '09:00', daysAhead: 3 });
    expect(officeMinutesBetween(row.officeHours, new Date('2026-11-23T07:00:00Z'), new Date('2026-11-23T17:00:00Z'))).toBe(210 + 240);
    // Recorded for the audit view: numbers only.
    const [event] = await iso.ctx.database.db.select().from(events).where(eq(events.type, 'team.settings_changed'));
    expect(event!.data).toEqual({ teamId: org.oost.teamId, escalationOfficeMinutes: 270, openDays: 5 });
    // The page shows them again.
    const page = await app.inject({ method: 'GET', url: '/admin/team', headers: { cookie: s.cookie, accept: 'text/html' } });
    expect(page.body).toMatch(/name="d1_2_from" value="13:00"/);
    expect(page.body).toMatch(/name="escalationHours" value="4.5"/);
  });

  it('saves the plain form, redirects 303 with a saved notice', async () => {
    const s = await adminSession('admin@oost.test');
    const res = await formPost(s, {
      d1_1_from: '13:00',
      d1_1_to: '17:00',
      d1_2_from: '08:00',
      d1_2_to: '12:00',
      d3_1_from: '10:00',
      d3_1_to: '14:00',
      d3_2_from: '',
      d3_2_to: '',
      escalationHours: '8',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/team?saved=1');
    const row = await teamRow(org.oost.teamId);
    expect(row.officeHours).toEqual({
      '1': [
        ['08:00', '12:00'],
        ['13:00', '17:00'],
      ],
      '2': [],
      '3': [['10:00', '14:00']],
      '4': [],
      '5': [],
      '6': [],
      '7': [],
    });
    expect(row.escalationOfficeMinutes).toBe(480);
    const page = await app.inject({ method: 'GET', url: '/admin/team?saved=1', headers: { cookie: s.cookie, accept: 'text/html' } });
    expect(page.body).toContain('De instellingen van het team zijn opgeslagen.');
  });

  it('refuses every invalid input with 400, a clear message, and stores nothing', async () => {
    const s = await adminSession('admin@oost.test');
    await staffPost(app, s, '/admin/team', { officeHours: NEW_HOURS, escalationHours: 8 });
    const before = await teamRow(org.oost.teamId);
    const mon = (ranges: unknown) => ({ officeHours: { ...NEW_HOURS, '1': ranges }, escalationHours: 8 });
    const cases: [string, unknown, RegExp][] = [
      ['bad time', mon([['9:00', '17:00']]), /maandag.*tijd/],
      ['24:00', mon([['09:00', '24:00']]), /maandag.*tijd/],
      ['not a time', mon([['09:00', 'vijf uur']]), /maandag.*tijd/],
      ['from = to', mon([['09:00', '09:00']]), /maandag.*begintijd/],
      ['from > to', mon([['17:00', '09:00']]), /maandag.*begintijd/],
      ['overlapping', mon([['09:00', '13:00'], ['12:30', '17:00']]), /maandag.*over elkaar/],
      ['3 ranges', mon([['08:00', '09:00'], ['10:00', '11:00'], ['12:00', '13:00']]), /maandag.*meer dan 2/],
      ['limit 0', { officeHours: NEW_HOURS, escalationHours: 0 }, /1 tot 40/],
      ['limit 41', { officeHours: NEW_HOURS, escalationHours: 41 }, /1 tot 40/],
      ['limit abc', { officeHours: NEW_HOURS, escalationHours: 'abc' }, /1 tot 40/],
      ['limit 1.25', { officeHours: NEW_HOURS, escalationHours: 1.25 }, /1 tot 40/],
      ['limit missing', { officeHours: NEW_HOURS }, /1 tot 40/],
      ['no hours at all', { officeHours: {}, escalationHours: 8 }, /minstens één dag/],
      ['unknown day', { officeHours: { ...NEW_HOURS, '8': [['09:00', '17:00']] }, escalationHours: 8 }, /./],
    ];
    for (const [what, body, message] of cases) {
      const res = await staffPost(app, s, '/admin/team', body);
      expect(res.statusCode, what).toBe(400);
      expect(res.json().message, what).toMatch(message);
      expect(await teamRow(org.oost.teamId), what).toEqual(before);
    }
    // The plain form: the page again with the message and what was typed; nothing stored.
    for (const [what, fields] of [
      ['half a range', { d2_1_from: '09:00', d2_1_to: '', escalationHours: '8' }],
      ['third range', { d2_1_from: '08:00', d2_1_to: '09:00', d2_2_from: '10:00', d2_2_to: '11:00', d2_3_from: '12:00', d2_3_to: '13:00', escalationHours: '8' }],
      ['from >= to', { d2_1_from: '17:00', d2_1_to: '09:00', escalationHours: '8' }],
      ['limit 41', { d2_1_from: '09:00', d2_1_to: '17:00', escalationHours: '41' }],
      ['limit abc', { d2_1_from: '09:00', d2_1_to: '17:00', escalationHours: 'abc' }],
    ] as const) {
      const res = await formPost(s, fields);
      expect(res.statusCode, what).toBe(400);
      expect(res.body, what).toContain('role="alert"');
      expect(res.body, what).toContain('Er is niets opgeslagen.');
      expect(await teamRow(org.oost.teamId), what).toEqual(before);
    }
    const typed = await formPost(s, { d2_1_from: '17:00', d2_1_to: '09:00', escalationHours: '8' });
    expect(typed.body).toMatch(/name="d2_1_from" value="17:00"/);
  });

  it('gives the message in the UI language', async () => {
    const s = await adminSession('admin@oost.test');
    const [admin] = await db().select().from(staffUsers).where(eq(staffUsers.email, 'admin@oost.test'));
    await db().update(staffUsers).set({ uiLanguage: 'en' }).where(eq(staffUsers.id, admin!.id));
    try {
      const res = await staffPost(app, s, '/admin/team', { officeHours: { ...NEW_HOURS, '2': [['17:00', '09:00']] }, escalationHours: 8 });
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toMatch(/^On Tuesday .*Nothing was saved\.$/);
      const page = await app.inject({ method: 'GET', url: '/admin/team', headers: { cookie: s.cookie, accept: 'text/html' } });
      expect(page.body).toContain('Settings of Team Oost');
    } finally {
      await db().update(staffUsers).set({ uiLanguage: 'nl' }).where(eq(staffUsers.id, admin!.id));
    }
  });

  it('is for admins only: casemanager, coordinator and privacy officer get 403 and change nothing', async () => {
    const before = await teamRow(org.oost.teamId);
    for (const email of ['michelle@oost.test', 'karin@oost.test', 'fg@oost.test']) {
      const s = await login(app, email);
      expect(s.status).toBe(303);
      const page = await app.inject({ method: 'GET', url: '/admin/team', headers: { cookie: s.cookie, accept: 'text/html' } });
      expect(page.statusCode, email).toBe(403);
      const res = await staffPost(app, s, '/admin/team', { officeHours: NEW_HOURS, escalationHours: 1 });
      expect(res.statusCode, email).toBe(403);
      expect(page.body).not.toContain('Instellingen van');
    }
    expect(await teamRow(org.oost.teamId)).toEqual(before);
  });

  it('refuses a forged or missing CSRF token with 403 and stores nothing', async () => {
    const s = await adminSession('admin@oost.test');
    const other = await adminSession('admin@west.test');
    const before = await teamRow(org.oost.teamId);
    for (const token of [undefined, 'forged-token', other.csrf]) {
      const res = await app.inject({
        method: 'POST',
        url: '/admin/team',
        headers: { cookie: s.cookie, 'content-type': 'application/json', ...(token ? { 'x-csrf-token': token } : {}) },
        payload: JSON.stringify({ officeHours: NEW_HOURS, escalationHours: 2 }),
      });
      expect(res.statusCode, `csrf ${token}`).toBe(403);
    }
    const form = await formPost({ cookie: s.cookie, csrf: 'forged-token' }, { d1_1_from: '10:00', d1_1_to: '11:00', escalationHours: '2' });
    expect(form.statusCode).toBe(403);
    expect(await teamRow(org.oost.teamId)).toEqual(before);
  });

  it("never shows or changes another team's settings", async () => {
    const oostBefore = await teamRow(org.oost.teamId);
    const west = await adminSession('admin@west.test');
    expect(west.page.body).toContain('Instellingen van Team West');
    expect(west.page.body).toContain('Weert');
    expect(west.page.body).not.toContain('Team Oost');
    expect(west.page.body).not.toContain('Roermond');
    // Whatever they post (even with a team id in it) changes West only.
    const res = await staffPost(app, west, '/admin/team', {
      officeHours: { '1': [['10:00', '11:00']] },
      escalationHours: 2,
      teamId: org.oost.teamId,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().settings.teamName).toBe('Team West');
    expect(JSON.stringify(res.json())).not.toContain('Roermond');
    expect(await teamRow(org.oost.teamId)).toEqual(oostBefore);
    const westRow = await teamRow(org.west.teamId);
    expect(westRow.officeHours).toEqual({ '1': [['10:00', '11:00']], '2': [], '3': [], '4': [], '5': [], '6': [], '7': [] });
    expect(westRow.escalationOfficeMinutes).toBe(120);
  });
});
