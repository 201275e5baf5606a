import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { likePattern, normaliseSearch } from '../../db/queries/inbox.js';
import { buildWebApp } from '../../bin/services.js';
import { fillCannedReply, formatDate } from '../../web/domain/canned-replies.js';
import { createConversationFixture, createStaff, twoTeams } from '../helpers/fixtures.js';
import { login } from '../helpers/http.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

let iso: Isolated;
let app: FastifyInstance;
let org: Awaited<ReturnType<typeof twoTeams>>;
const ids: Record<string, string> = {};
const sessions: Record<string, { cookie: string; csrf: string }> = {};

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000);

beforeAll(async () => {
  iso = await isolated();
  app = await buildWebApp(iso.ctx);
  const db = iso.ctx.database.db;
  org = await twoTeams(db);
  const roermond = org.oost.municipalities.Roermond!;
  const maasgouw = org.oost.municipalities.Maasgouw!;
  const weert = org.west.municipalities.Weert!;
  const make = async (key: string, c: Parameters<typeof createConversationFixture>[1]) => {
    ids[key] = (await createConversationFixture(db, c)).conversation.id;
  };
  await make('A', { municipalityId: roermond, firstName: 'Anouk', lastName: 'Jansen', assignedTo: org.michelle.id, lastMessageAt: minutesAgo(1), messages: [{ direction: 'in', body: 'ik zoek werk' }] });
  await make('B', { municipalityId: roermond, firstName: 'Bas', lastName: 'Peters', lastMessageAt: minutesAgo(2), messages: [{ direction: 'in', body: 'hallo daar' }] });
  await make('C', { municipalityId: roermond, firstName: 'Cem', lastName: 'Yilmaz', assignedTo: org.yusuf.id, urgent: true, lastMessageAt: minutesAgo(3) });
  await make('D', { municipalityId: maasgouw, firstName: 'Dana', lastName: 'de Vries', assignedTo: org.michelle.id, status: 'waiting', lastMessageAt: minutesAgo(4) });
  await make('E', { municipalityId: roermond, firstName: 'Eva', lastName: 'Smit', assignedTo: org.michelle.id, status: 'closed', lastMessageAt: minutesAgo(5) });
  await make('F', {
    municipalityId: maasgouw,
    firstName: 'Finn',
    lastName: 'Bakker',
    status: 'waiting',
    lastMessageAt: minutesAgo(6),
    messages: [
      { direction: 'in', body: 'krijg ik 100%_korting?' },
      // The bot's stock texts are not searched: they are in every conversation.
      { direction: 'out', kind: 'bot', body: 'Welkom bij de chat van Michelle' },
    ],
  });
  // West: same first name and same words, must never show up for Oost.
  await make('W', { municipalityId: weert, firstName: 'Anouk', lastName: 'Weerts', assignedTo: org.bram.id, lastMessageAt: minutesAgo(0), messages: [{ direction: 'in', body: 'ik zoek werk ook' }] });
  await createStaff(db, org.oost.teamId, { email: 'admin@oost.test', firstName: 'Ada', role: 'admin' });
  await createStaff(db, org.oost.teamId, { email: 'fg@oost.test', firstName: 'Fien', role: 'privacy_officer' });
  for (const email of ['michelle@oost.test', 'karin@oost.test', 'bram@west.test', 'admin@oost.test', 'fg@oost.test']) {
    sessions[email] = await login(app, email);
  }
});
afterAll(async () => {
  await app?.close();
  await iso?.destroy();
});

async function page(email: string, url: string) {
  const res = await app.inject({ method: 'GET', url, headers: { cookie: sessions[email]!.cookie, accept: 'text/html' } });
  return res;
}

/** The conversation rows of an inbox page, in screen order, as fixture keys. */
function rows(html: string): string[] {
  const list = /<ol class="st-list" id="conversation-list">([\s\S]*?)<\/ol>/.exec(html)?.[1] ?? '';
  const byId = Object.fromEntries(Object.entries(ids).map(([k, v]) => [v, k]));
  return [...list.matchAll(/data-conversation="([0-9a-f-]+)"/g)].map((m) => byId[m[1]!] ?? m[1]!);
}

function counts(html: string) {
  return Object.fromEntries([...html.matchAll(/data-count="(\w+)">(\d+)</g)].map((m) => [m[1], Number(m[2])]));
}

describe('inbox views', () => {
  it('each view shows exactly its conversations, urgent on top then newest first', async () => {
    const expected: Record<string, string[]> = {
      mine: ['A', 'D'],
      unassigned: ['B', 'F'],
      team: ['C', 'A', 'B', 'D', 'F'],
      urgent: ['C'],
      waiting: ['D', 'F'],
      closed: ['E'],
    };
    for (const [view, want] of Object.entries(expected)) {
      const res = await page('michelle@oost.test', `/inbox?view=${view}`);
      expect(res.statusCode).toBe(200);
      expect(rows(res.body), view).toEqual(want);
      expect(res.body).toContain(`data-view-link="${view}" aria-current="page"`);
    }
    // Unknown views fall back to "mine".
    expect(rows((await page('michelle@oost.test', '/inbox?view=../../etc')).body)).toEqual(['A', 'D']);
  });

  it('shows the counts of every view in the nav, from the viewer', async () => {
    const michelle = counts((await page('michelle@oost.test', '/inbox')).body);
    expect(michelle).toEqual({ mine: 2, unassigned: 2, team: 5, urgent: 1, waiting: 2, closed: 1 });
    const karin = counts((await page('karin@oost.test', '/inbox?view=team')).body);
    expect(karin).toEqual({ mine: 0, unassigned: 2, team: 5, urgent: 1, waiting: 2, closed: 1 });
    const bram = await page('bram@west.test', '/inbox?view=team');
    expect(counts(bram.body)).toEqual({ mine: 1, unassigned: 0, team: 1, urgent: 0, waiting: 0, closed: 0 });
    expect(rows(bram.body)).toEqual(['W']);
    // The conversation page carries the same counts.
    expect(counts((await page('michelle@oost.test', `/inbox/c/${ids.A}`)).body)).toEqual(michelle);
  });

  it('links by role: inbox for casemanagers, accounts for admins, audit for privacy officers', async () => {
    const cm = (await page('michelle@oost.test', '/inbox')).body;
    expect(cm).toContain('href="/inbox?view=unassigned"');
    expect(cm).toContain('href="/account/absence"');
    expect(cm).toContain('href="/account/totp"');
    expect(cm).not.toContain('href="/admin/accounts"');
    expect(cm).toContain('class="skip-link" href="#main"');
    expect(cm).toMatch(/<label for="search-q">/);
  });
});

describe('search', () => {
  it('finds by first name, last name and message text, only in the own team', async () => {
    expect(rows((await page('michelle@oost.test', '/inbox?q=anouk')).body)).toEqual(['A']);
    expect(rows((await page('michelle@oost.test', '/inbox?q=JANSEN')).body)).toEqual(['A']);
    expect(rows((await page('michelle@oost.test', '/inbox?q=Anouk%20Jansen')).body)).toEqual(['A']);
    expect(rows((await page('michelle@oost.test', `/inbox?q=${encodeURIComponent('zoek werk')}`)).body)).toEqual(['A']);
    // Closed conversations are found too: a search looks through everything in scope.
    expect(rows((await page('michelle@oost.test', '/inbox?q=smit')).body)).toEqual(['E']);
    // West finds its own Anouk and never Oost's.
    expect(rows((await page('bram@west.test', '/inbox?q=anouk')).body)).toEqual(['W']);
    expect(rows((await page('bram@west.test', '/inbox?q=jansen')).body)).toEqual([]);
  });

  it('treats % and _ literally and does not search the bot texts', async () => {
    expect(rows((await page('michelle@oost.test', `/inbox?q=${encodeURIComponent('0%_')}`)).body)).toEqual(['F']);
    expect(rows((await page('michelle@oost.test', `/inbox?q=${encodeURIComponent('___')}`)).body)).toEqual([]);
    expect(rows((await page('michelle@oost.test', '/inbox?q=welkom')).body)).toEqual([]);
    expect(likePattern('a%b_c\\')).toBe('%a\\%b\\_c\\\\%');
  });

  it('needs at least 3 characters (what a trigram index can look up) and cuts at 100', async () => {
    const short = await page('michelle@oost.test', '/inbox?q=an');
    expect(short.body).toContain('Zoek met minstens 3 tekens');
    expect(rows(short.body)).toEqual(['A', 'D']); // the normal view instead
    expect(normaliseSearch('x'.repeat(500))).toHaveLength(100);
    const long = await page('michelle@oost.test', `/inbox?q=${'x'.repeat(5000)}`);
    expect(long.statusCode).toBeLessThan(500);
    expect(rows(long.body)).toEqual([]);
  });

  it('shows the search term as text', async () => {
    const res = await page('michelle@oost.test', `/inbox?q=${encodeURIComponent('<img src=x onerror=alert(1)>')}`);
    expect(res.body).not.toContain('<img src=x');
    expect(res.body).toContain('&lt;img src=x');
  });
});

describe('roles', () => {
  it('keeps admins and privacy officers out of message content', async () => {
    for (const email of ['admin@oost.test', 'fg@oost.test']) {
      for (const url of ['/inbox', '/inbox?view=team', `/inbox/c/${ids.A}`, `/inbox/c/${ids.A}/canned?canned=visit`]) {
        const res = await app.inject({ method: 'GET', url, headers: { cookie: sessions[email]!.cookie, accept: 'application/json' } });
        expect(res.statusCode, `${email} ${url}`).toBe(403);
        expect(res.body).not.toContain('zoek werk');
      }
    }
  });
});

describe('conversation page', () => {
  it('fills a canned reply server-side in the youngster language, with name, coach and date', async () => {
    const res = await page('michelle@oost.test', `/inbox/c/${ids.A}?canned=back-tomorrow&datum=2026-12-01`);
    expect(res.statusCode).toBe(200);
    const textarea = /<textarea id="reply-text"[^>]*>([\s\S]*?)<\/textarea>/.exec(res.body)?.[1];
    expect(textarea).toBe('Hoi Anouk, dank je voor je bericht! Ik ben er dinsdag 1 december weer en dan reageer ik. Groet, Michelle');
    const json = await app.inject({
      method: 'GET',
      url: `/inbox/c/${ids.A}/canned?canned=visit&datum=2026-12-01`,
      headers: { cookie: sessions['michelle@oost.test']!.cookie, accept: 'application/json' },
    });
    expect(json.json().text).toContain('Ik kan dinsdag 1 december langskomen');
    // Default date: tomorrow. Garbage dates fall back to it too.
    const tomorrow = await page('michelle@oost.test', `/inbox/c/${ids.A}?canned=visit&datum=2026-02-31`);
    expect(tomorrow.body).not.toContain('31 februari');
    expect(fillCannedReply('visit', 'en', { voornaam: 'Sam', coach: 'Bram', datum: '2026-12-01' })).toContain('Tuesday 1 December');
    expect(formatDate('2026-12-01', 'nl')).toBe('dinsdag 1 december');
    // Another team's conversation: 404 for the canned text too.
    const foreign = await app.inject({ method: 'GET', url: `/inbox/c/${ids.W}/canned?canned=visit`, headers: { cookie: sessions['michelle@oost.test']!.cookie, accept: 'application/json' } });
    expect(foreign.statusCode).toBe(404);
  });

  it('uses English canned replies for a youngster who chose English', async () => {
    const db = iso.ctx.database.db;
    const { conversation } = await createConversationFixture(db, { municipalityId: org.oost.municipalities.Roermond!, firstName: 'Sam', language: 'en', channel: 'telegram', assignedTo: org.michelle.id });
    const res = await page('michelle@oost.test', `/inbox/c/${conversation.id}?canned=thanks`);
    expect(res.body).toContain('Hi Sam, great that you wrote!');
    expect(res.body).toContain('st-badge-telegram');
  });

  it('shows channel badges, bot messages distinctly and the youngster panel beside the thread', async () => {
    const res = await page('michelle@oost.test', `/inbox/c/${ids.F}`);
    expect(res.body).toMatch(/class="st-msg st-msg-out st-msg-bot"/);
    expect(res.body).toContain('automatisch (bot)');
    expect(res.body).toContain('<span class="st-badge st-badge-web">web</span>');
    expect(res.body).toMatch(/<aside class="panel"[^>]*>\s*<section class="yp-panel" id="panel"/);
    // Every form control has a label.
    for (const m of res.body.matchAll(/<(textarea|select|input)\b[^>]*\bid="([^"]+)"/g)) {
      expect(res.body, `label for ${m[2]}`).toContain(`for="${m[2]}"`);
    }
  });

  it('renders youngster text as text, never as markup or links', async () => {
    const db = iso.ctx.database.db;
    const { conversation } = await createConversationFixture(db, {
      municipalityId: org.oost.municipalities.Roermond!,
      firstName: '<b>Vet</b>',
      assignedTo: org.michelle.id,
      messages: [{ direction: 'in', body: 'kijk https://evil.example/x <script>alert(1)</script>' }],
    });
    const res = await page('michelle@oost.test', `/inbox/c/${conversation.id}`);
    expect(res.body).not.toContain('<script>alert(1)');
    expect(res.body).not.toContain('<b>Vet</b>');
    expect(res.body).not.toContain('href="https://evil.example');
    expect(res.body).toContain('kijk https://evil.example/x &lt;script&gt;');
  });
});
