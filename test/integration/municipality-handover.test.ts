import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cards, conversations, events, teamMunicipalities, teams } from '../../db/schema/index.js';
import { createConversationFixture, createStaff, createYoungsterWithCard, twoTeams } from '../helpers/fixtures.js';
import { login, staffPost } from '../helpers/http.js';
import { isolated, runningStack, type Isolated } from '../helpers/isolated.js';
import { openSse } from '../helpers/sse.js';

/**
 * The region's teams change: an admin of Team Oost hands Roermond to Team
 * Oost-Noord (same region). Before: a preview of what happens. After: the
 * scope of both teams' staff has changed at once, assignments and card
 * casemanagers of the old team are cleared, and both teams' admins see the
 * handover in their audit view. Anyone else, and any target outside the
 * region, is refused with nothing changed.
 */
let iso: Isolated;
let stack: Awaited<ReturnType<typeof runningStack>>;
let org: Awaited<ReturnType<typeof twoTeams>>;
let noordTeamId: string;
type Session = Awaited<ReturnType<typeof login>>;
const s: Record<string, Session> = {};
const ids: Record<string, string> = {};
let cardId: string;
let cardToken: string;

const db = () => iso.ctx.database.db;
const roermond = () => org.oost.municipalities.Roermond!;
const url = () => `/admin/team/municipalities/${roermond()}/handover`;

beforeAll(async () => {
  iso = await isolated();
  stack = await runningStack(iso, { workers: false });
  org = await twoTeams(db());
  const [oost] = await db().select().from(teams).where(eq(teams.id, org.oost.teamId));
  const [noord] = await db().insert(teams).values({ regionId: oost!.regionId, name: 'Team Oost-Noord' }).returning();
  noordTeamId = noord!.id;
  await createStaff(db(), org.oost.teamId, { email: 'ada@oost.test', firstName: 'Ada', role: 'admin' });
  await createStaff(db(), noordTeamId, { email: 'nina@noord.test', firstName: 'Nina', role: 'admin' });
  await createStaff(db(), noordTeamId, { email: 'nour@noord.test', firstName: 'Nour' });
  await createStaff(db(), org.west.teamId, { email: 'wim@west.test', firstName: 'Wim', role: 'admin' });
  const make = async (key: string, c: Parameters<typeof createConversationFixture>[1]) => {
    ids[key] = (await createConversationFixture(db(), c)).conversation.id;
  };
  await make('michelleOpen', { municipalityId: roermond(), firstName: 'Anouk', assignedTo: org.michelle.id });
  await make('yusufOpen', { municipalityId: roermond(), firstName: 'Bas', assignedTo: org.yusuf.id });
  await make('unassigned', { municipalityId: roermond(), firstName: 'Cem' });
  await make('closed', { municipalityId: roermond(), firstName: 'Dana', assignedTo: org.michelle.id, status: 'closed' });
  await make('maasgouw', { municipalityId: org.oost.municipalities.Maasgouw!, firstName: 'Eva', assignedTo: org.michelle.id });
  const withCard = await createYoungsterWithCard(db(), roermond(), org.michelle.id, { firstName: 'Finn' });
  cardId = withCard.card.id;
  cardToken = withCard.token;
  for (const email of ['ada@oost.test', 'nina@noord.test', 'nour@noord.test', 'wim@west.test', 'michelle@oost.test', 'karin@oost.test']) {
    s[email] = await login(stack.app, email);
  }
});
afterAll(async () => {
  await stack?.close();
  await iso?.destroy();
});

const get = (who: string, path: string, accept = 'text/html') =>
  stack.app.inject({ method: 'GET', url: path, headers: { cookie: s[who]!.cookie, accept } });
const servedBy = async () => (await db().select().from(teamMunicipalities).where(eq(teamMunicipalities.municipalityId, roermond())))[0]!.teamId;
const snapshot = async () => ({
  servedBy: await servedBy(),
  assignees: (await db().select({ id: conversations.id, a: conversations.assignedTo }).from(conversations)).map((c) => `${c.id}:${c.a}`).sort(),
  card: (await db().select().from(cards).where(eq(cards.id, cardId)))[0]!.casemanagerId,
  events: (await db().select().from(events).where(eq(events.type, 'municipality.transferred'))).length,
});

describe('handing a municipality to another team of the region', () => {
  it('offers only the other teams of the same region, from the team page', async () => {
    const team = await get('ada@oost.test', '/admin/team');
    expect(team.body).toContain(`href="${url()}"`);
    const page = await get('ada@oost.test', url());
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Roermond overdragen aan een ander team');
    expect(page.body).toContain(`<option value="${noordTeamId}">Team Oost-Noord</option>`);
    expect(page.body).not.toContain('Team West'); // another region
    expect(page.body).not.toContain('id="handover-confirm"'); // nothing to confirm before a team is chosen
  });

  it('shows before confirming what happens: open conversations per assignee, closed ones, cards', async () => {
    const page = await get('ada@oost.test', `${url()}?to=${noordTeamId}`);
    expect(page.statusCode).toBe(200);
    const open = /<li id="handover-open">([\s\S]*?)<\/li>\s*<li id="handover-closed">/.exec(page.body)?.[1] ?? '';
    expect(open).toContain('Open gesprekken: 3');
    expect(open).toContain('Michelle Test: 1');
    expect(open).toContain('Yusuf Test: 1');
    expect(open).toContain('niet toegewezen: 1');
    expect(open).toContain('verliest meteen de toegang');
    expect(page.body).toMatch(/id="handover-closed">Afgesloten gesprekken: 1\./);
    expect(page.body).toContain('Actieve kaarten: 1, waarvan 1 met een casemanager van jouw team.');
    expect(page.body).toContain('De kaarten blijven werken');
    expect(page.body).toContain('id="handover-confirm"');
    // In English for an admin who works in English.
    const en = await stack.app.inject({
      method: 'POST',
      url: '/account/language',
      headers: { cookie: s['ada@oost.test']!.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `lang=en&_csrf=${encodeURIComponent(s['ada@oost.test']!.csrf)}`,
    });
    expect(en.statusCode).toBe(303);
    expect((await get('ada@oost.test', `${url()}?to=${noordTeamId}`)).body).toContain('Open conversations: 3');
    await stack.app.inject({
      method: 'POST',
      url: '/account/language',
      headers: { cookie: s['ada@oost.test']!.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `lang=nl&_csrf=${encodeURIComponent(s['ada@oost.test']!.csrf)}`,
    });
  });

  it('refuses a target in another region, the own team, other teams’ admins and other roles - nothing changes', async () => {
    const before = await snapshot();
    const west = await staffPost(stack.app, s['ada@oost.test']!, url(), { to: org.west.teamId });
    expect(west.statusCode).toBe(400);
    expect(west.json().error).toBe('target_not_in_region');
    expect(west.json().message).toContain('dezelfde regio');
    expect((await staffPost(stack.app, s['ada@oost.test']!, url(), { to: org.oost.teamId })).statusCode).toBe(400);
    const previewWest = await get('ada@oost.test', `${url()}?to=${org.west.teamId}`);
    expect(previewWest.statusCode).toBe(400);
    expect(previewWest.body).toContain('Er is niets veranderd');
    // The target team's admin cannot take it, nor can another region's admin (not their municipality: 404).
    expect((await staffPost(stack.app, s['nina@noord.test']!, url(), { to: noordTeamId })).statusCode).toBe(404);
    expect((await get('nina@noord.test', url())).statusCode).toBe(404);
    expect((await staffPost(stack.app, s['wim@west.test']!, url(), { to: noordTeamId })).statusCode).toBe(404);
    // Casemanagers and coordinators are not admins.
    expect((await staffPost(stack.app, s['karin@oost.test']!, url(), { to: noordTeamId })).statusCode).toBe(403);
    expect((await staffPost(stack.app, s['ada@oost.test']!, url(), { to: 'not-a-uuid' })).statusCode).toBe(400);
    expect(await snapshot()).toEqual(before);
  });

  it('moves it: both teams’ scope changes at once, old assignments and card casemanager cleared, audit for both', async () => {
    // Before: Michelle works in it, Nour (Oost-Noord) cannot see it.
    expect((await get('michelle@oost.test', `/inbox/c/${ids.michelleOpen}`)).statusCode).toBe(200);
    expect((await get('nour@noord.test', `/inbox/c/${ids.michelleOpen}`)).statusCode).toBe(404);
    const landing = () => stack.app.inject({ method: 'GET', url: `/k/${cardToken}`, headers: { accept: 'text/html' } });
    expect((await landing()).body).toContain('Je kaartje komt van Michelle');
    const michelleLive = openSse(`${stack.baseUrl}/inbox/events`, { cookie: s['michelle@oost.test']!.cookie });
    expect(await michelleLive.ready).toBe(200);

    const res = await stack.app.inject({
      method: 'POST',
      url: url(),
      headers: { cookie: s['ada@oost.test']!.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      payload: new URLSearchParams({ to: noordTeamId, _csrf: s['ada@oost.test']!.csrf }).toString(),
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/team?handedOver=1');
    expect((await get('ada@oost.test', '/admin/team?handedOver=1')).body).toContain('De gemeente is overgedragen');

    expect(await servedBy()).toBe(noordTeamId);
    // The old team's casemanager gets 404 on the conversation at once; the new team sees it, unassigned.
    expect((await get('michelle@oost.test', `/inbox/c/${ids.michelleOpen}`, 'application/json')).statusCode).toBe(404);
    expect((await get('michelle@oost.test', '/inbox?q=Anouk')).body).not.toContain(ids.michelleOpen!);
    expect((await get('nour@noord.test', `/inbox/c/${ids.michelleOpen}`)).statusCode).toBe(200);
    expect((await get('nour@noord.test', '/inbox?view=unassigned')).body).toContain(ids.michelleOpen!);
    const rows = await db().select().from(conversations).where(eq(conversations.municipalityId, roermond()));
    expect(rows.map((r) => r.assignedTo)).toEqual([null, null, null, null]);
    expect((await db().select().from(cards).where(eq(cards.id, cardId)))[0]!.casemanagerId).toBeNull();
    expect((await db().select().from(cards).where(eq(cards.id, cardId)))[0]!.status).toBe('active');
    // The card keeps working, and no longer promises someone who cannot read along.
    const after = await landing();
    expect(after.statusCode).toBe(200);
    expect(after.body).toContain('Je kaartje komt van de jongerencoaches van gemeente Roermond');
    expect(after.body).not.toContain('Michelle');
    // Maasgouw stays with Oost, untouched.
    const [maasgouw] = await db().select().from(conversations).where(eq(conversations.id, ids.maasgouw!));
    expect(maasgouw!.assignedTo).toBe(org.michelle.id);
    expect((await get('ada@oost.test', '/admin/team')).body).not.toContain(`/admin/team/municipalities/${roermond()}/`);

    // Michelle's open inbox stream ended (its scope was stale): Roermond's updates no longer reach her.
    await iso.ctx.liveBus.publishInbox({ kind: 'conversation', conversationId: ids.michelleOpen!, municipalityId: roermond() });
    await new Promise((r) => setTimeout(r, 500));
    expect(michelleLive.received.filter((e) => e.event === 'inbox')).toEqual([]);
    michelleLive.close();

    // One anonymous event: ids and counts, no names.
    const [ev] = await db().select().from(events).where(and(eq(events.type, 'municipality.transferred'), eq(events.municipalityId, roermond())));
    expect(ev!.data).toEqual({
      fromTeamId: org.oost.teamId,
      toTeamId: noordTeamId,
      openConversations: 3,
      assignmentsCleared: 2,
      closedAssignmentsCleared: 1,
      cardCasemanagersCleared: 1,
    });
    // Both teams' admins see it in their audit view, with both teams named; another region's does not.
    for (const who of ['ada@oost.test', 'nina@noord.test']) {
      const audit = await get(who, '/audit');
      expect(audit.statusCode, who).toBe(200);
      expect(audit.body, who).toMatch(/data-type="municipality.transferred">Gemeente overgedragen aan een ander team \(van Team Oost naar Team Oost-Noord\)<\/td><td>Ada Test<\/td><td>Roermond<\/td>/);
    }
    expect((await get('wim@west.test', '/audit')).body).not.toContain('municipality.transferred');

    // The new team's admin can hand it back (the old team's admin no longer can).
    expect((await staffPost(stack.app, s['ada@oost.test']!, url(), { to: noordTeamId })).statusCode).toBe(404);
    const back = await staffPost(stack.app, s['nina@noord.test']!, url(), { to: org.oost.teamId });
    expect(back.statusCode).toBe(200);
    expect(back.json().result).toMatchObject({ fromTeamId: noordTeamId, toTeamId: org.oost.teamId, assignmentsCleared: 0 });
    expect(await servedBy()).toBe(org.oost.teamId);
  });
});
