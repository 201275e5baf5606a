import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffUsers } from '../../db/schema/index.js';
import { buildWebApp } from '../../bin/services.js';
import { createConversationFixture, twoTeams } from '../helpers/fixtures.js';
import { login } from '../helpers/http.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

let iso: Isolated;
let app: FastifyInstance;
let org: Awaited<ReturnType<typeof twoTeams>>;
let conversationId: string;

const db = () => iso.ctx.database.db;
const FORM = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' };
/** Words of the Dutch navigation and inbox views that must not be left on an English page. */
const DUTCH_NAV = ['Mijn gesprekken', 'Niet toegewezen', 'Heel het team', 'Wacht op jongere', 'Afgesloten', 'Afwezigheid', 'Tweestapsverificatie', 'Uitloggen', 'Zoek op naam of tekst', 'Naar de inhoud'];

beforeAll(async () => {
  iso = await isolated();
  app = await buildWebApp(iso.ctx);
  org = await twoTeams(db());
  conversationId = (
    await createConversationFixture(db(), {
      municipalityId: org.oost.municipalities.Roermond!,
      firstName: 'Anouk',
      lastName: 'Jansen',
      assignedTo: org.michelle.id,
      messages: [
        { direction: 'in', body: 'ik zoek werk' },
        { direction: 'out', body: 'Hoi Anouk!', authorStaffId: org.michelle.id },
      ],
    })
  ).conversation.id;
});
afterAll(async () => {
  await app?.close();
  await iso?.destroy();
});

function post(s: { cookie: string; csrf: string }, url: string, fields: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url, headers: { ...FORM, cookie: s.cookie }, payload: new URLSearchParams({ _csrf: s.csrf, ...fields }).toString() });
}
const page = (cookie: string, url: string) => app.inject({ method: 'GET', url, headers: { cookie, accept: 'text/html' } });
const languageOf = async (id: string) => (await db().select().from(staffUsers).where(eq(staffUsers.id, id)))[0]!.uiLanguage;

describe('the staff UI language', () => {
  it('is Dutch by default, with a language page in the nav', async () => {
    const s = await login(app, 'michelle@oost.test');
    const inbox = await page(s.cookie, '/inbox');
    expect(inbox.body).toContain('<html lang="nl">');
    expect(inbox.body).toContain('Mijn gesprekken');
    expect(inbox.body).toContain('href="/account/language"');
    const lang = await page(s.cookie, '/account/language');
    expect(lang.statusCode).toBe(200);
    expect(lang.body).toContain('value="nl" checked');
  });

  it('refuses a bad value with 400 and a forged CSRF token with 403, storing nothing', async () => {
    const s = await login(app, 'yusuf@oost.test');
    for (const lang of ['de', 'EN', '', 'en ', 'nl-NL']) {
      const res = await post(s, '/account/language', { lang });
      expect(res.statusCode, lang).toBe(400);
    }
    expect((await post(s, '/account/language')).statusCode).toBe(400);
    expect(await languageOf(org.yusuf.id)).toBe('nl');
    for (const token of ['forged', '']) {
      expect((await post({ cookie: s.cookie, csrf: token }, '/account/language', { lang: 'en' })).statusCode).toBe(403);
    }
    expect(await languageOf(org.yusuf.id)).toBe('nl');
    const anonymous = await app.inject({ method: 'POST', url: '/account/language', headers: { ...FORM, accept: 'application/json' }, payload: 'lang=en' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('switches a user to English: inbox, conversation page and panel', async () => {
    const s = await login(app, 'michelle@oost.test');
    const res = await post(s, '/account/language', { lang: 'en' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/account/language?saved=1');
    expect(await languageOf(org.michelle.id)).toBe('en');
    expect((await page(s.cookie, '/account/language?saved=1')).body).toContain('Your language has been saved.');

    const inbox = await page(s.cookie, '/inbox');
    expect(inbox.statusCode).toBe(200);
    expect(inbox.body).toContain('<html lang="en">');
    for (const text of ['My conversations', 'Unassigned', 'Whole team', 'Waiting for youngster', 'Log out', 'Search by name or text', 'Absence']) {
      expect(inbox.body, text).toContain(text);
    }
    for (const dutch of DUTCH_NAV) expect(inbox.body, dutch).not.toContain(dutch);

    const conv = await page(s.cookie, `/inbox/c/${conversationId}`);
    expect(conv.statusCode).toBe(200);
    expect(conv.body).toContain('<html lang="en">');
    for (const text of ['Reply to the youngster', 'Write your reply…', 'Internal note', 'Save note', 'Save status', 'Mark as urgent', 'Canned reply', 'sent']) {
      expect(conv.body, text).toContain(text);
    }
    // The youngster panel, with its category labels in English.
    for (const text of ['Youngster', 'Contact attempts', 'Add a contact attempt', 'Support question', 'Not yet known', 'No outflow yet (active)', 'Save outflow']) {
      expect(conv.body, text).toContain(text);
    }
    for (const dutch of [...DUTCH_NAV, 'Antwoord aan de jongere', 'Verstuur', 'Contactpogingen', 'Ondersteuningsvraag', 'Nog niet bekend', 'Notitie opslaan']) {
      expect(conv.body, dutch).not.toContain(dutch);
    }
    // Dates in the English format: "23/11/2026, 18:05" rather than "23-11-2026, 18:05".
    expect(conv.body).toMatch(/<time datetime="[^"]+">\d{2}\/\d{2}\/\d{4}, \d{2}:\d{2}<\/time>/);
    // The youngster's own messages are not translated.
    expect(conv.body).toContain('ik zoek werk');

    expect((await post(s, '/account/language', { lang: 'nl' })).statusCode).toBe(303);
    expect((await page(s.cookie, '/inbox')).body).toContain('Mijn gesprekken');
  });

  it('follows ?lang= and Accept-Language on the login page, Dutch by default', async () => {
    const en = await app.inject({ method: 'GET', url: '/login?lang=en', headers: { accept: 'text/html' } });
    expect(en.statusCode).toBe(200);
    expect(en.body).toContain('<html lang="en">');
    expect(en.body).toContain('Email address');
    expect(en.body).toContain('action="/login?lang=en"');
    expect(en.body).not.toContain('Wachtwoord');
    const browser = await app.inject({ method: 'GET', url: '/login', headers: { accept: 'text/html', 'accept-language': 'en-GB,en;q=0.9,nl;q=0.5' } });
    expect(browser.body).toContain('<html lang="en">');
    const dutchFirst = await app.inject({ method: 'GET', url: '/login', headers: { accept: 'text/html', 'accept-language': 'nl-NL,en;q=0.8' } });
    expect(dutchFirst.body).toContain('<html lang="nl">');
    const plain = await app.inject({ method: 'GET', url: '/login?lang=xx', headers: { accept: 'text/html' } });
    expect(plain.body).toContain('<html lang="nl">');
    expect(plain.body).toContain('Wachtwoord');
  });
});
