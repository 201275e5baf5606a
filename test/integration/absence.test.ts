import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDay, formatLocalInput, parseLocalDateTime } from '../../core/local-time.js';
import { conversations, events, messages, staffUsers } from '../../db/schema/index.js';
import { createStaff, createYoungsterWithCard, twoTeams } from '../helpers/fixtures.js';
import { csrfFrom, login, openChat, postChat, until } from '../helpers/http.js';
import { isolated, runningStack, type Isolated } from '../helpers/isolated.js';

let iso: Isolated;
let stack: Awaited<ReturnType<typeof runningStack>>;
let org: Awaited<ReturnType<typeof twoTeams>>;
let olga: { id: string };
let admin: { id: string };

const db = () => iso.ctx.database.db;
const DAY = 24 * 3600_000;
/** The Amsterdam date `days` from now, as a date field holds it. */
const dateIn = (days: number) => formatLocalInput(new Date(Date.now() + days * DAY)).date;

beforeAll(async () => {
  iso = await isolated();
  stack = await runningStack(iso);
  org = await twoTeams(db());
  olga = await createStaff(db(), org.oost.teamId, { email: 'olga@oost.test', firstName: 'Olga', active: false });
  admin = await createStaff(db(), org.oost.teamId, { email: 'admin@oost.test', firstName: 'Ada', role: 'admin' });
});
afterAll(async () => {
  await stack?.close();
  await iso?.destroy();
});

async function absenceOf(id: string) {
  const [row] = await db()
    .select({ until: staffUsers.absentUntil, delegateId: staffUsers.absenceDelegateId })
    .from(staffUsers)
    .where(eq(staffUsers.id, id));
  return row!;
}

/** Opens the page like a browser and posts the form from it. */
async function post(cookie: string, url: string, fields: Record<string, string>) {
  const page = await stack.app.inject({ method: 'GET', url: '/account/absence', headers: { cookie, accept: 'text/html' } });
  return stack.app.inject({
    method: 'POST',
    url,
    headers: { cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrfFrom(page.body), ...fields }).toString(),
  });
}

describe('absence page', () => {
  it('offers active colleagues of the own team who can take conversations, not self or others', async () => {
    const s = await login(stack.app, 'michelle@oost.test');
    const page = await stack.app.inject({ method: 'GET', url: '/account/absence', headers: { cookie: s.cookie, accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Je staat nu niet afwezig');
    const offered = [...page.body.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]);
    expect(offered.sort()).toEqual([org.yusuf.id, org.karin.id].sort());
    for (const id of [org.michelle.id, org.bram.id, olga.id, admin.id]) expect(page.body).not.toContain(id);
  });

  it('sets an absence until a moment in Amsterdam time with a delegate, shows it, and clears it', async () => {
    const s = await login(stack.app, 'michelle@oost.test');
    const date = dateIn(3);
    const res = await post(s.cookie, '/account/absence', { date, time: '17:00', delegateId: org.yusuf.id });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/account/absence');
    expect(await absenceOf(org.michelle.id)).toEqual({ until: parseLocalDateTime(date, '17:00'), delegateId: org.yusuf.id });

    const page = await stack.app.inject({ method: 'GET', url: '/account/absence', headers: { cookie: s.cookie, accept: 'text/html' } });
    expect(page.body).toContain('Je staat afwezig tot');
    expect(page.body).toContain('Yusuf Test neemt je gesprekken over');
    expect(page.body).toContain(`value="${date}"`);

    const cleared = await post(s.cookie, '/account/absence/clear', {});
    expect(cleared.statusCode).toBe(303);
    expect(await absenceOf(org.michelle.id)).toEqual({ until: null, delegateId: null });

    // Without a fixed delegate the team shares the work.
    expect((await post(s.cookie, '/account/absence', { date, time: '09:30', delegateId: '' })).statusCode).toBe(303);
    expect(await absenceOf(org.michelle.id)).toEqual({ until: parseLocalDateTime(date, '09:30'), delegateId: null });
    await post(s.cookie, '/account/absence/clear', {});
  });

  it('refuses bad input with a clear 400, shows the form again and stores nothing', async () => {
    const s = await login(stack.app, 'karin@oost.test');
    const ok = { date: dateIn(2), time: '17:00', delegateId: org.yusuf.id };
    const cases: [string, Record<string, string>, string][] = [
      ['a past moment', { ...ok, date: dateIn(-1) }, 'al voorbij'],
      ['more than a year ahead', { ...ok, date: dateIn(400) }, 'hoogstens een jaar'],
      ['a colleague of another team', { ...ok, delegateId: org.bram.id }, 'eigen team'],
      ['themselves', { ...ok, delegateId: org.karin.id }, 'eigen team'],
      ['a deactivated colleague', { ...ok, delegateId: olga.id }, 'eigen team'],
      ['an unknown id', { ...ok, delegateId: '00000000-0000-0000-0000-000000000000' }, 'eigen team'],
      ['garbage as delegate', { ...ok, delegateId: "x' or 1=1" }, 'eigen team'],
      ['garbage as date', { ...ok, date: 'morgen' }, 'geldige datum'],
      ['no such day', { ...ok, date: '2027-02-30' }, 'geldige datum'],
      ['garbage as time', { ...ok, time: '25:99' }, 'geldige datum'],
      ['nothing at all', {}, 'geldige datum'],
    ];
    for (const [what, fields, message] of cases) {
      const res = await post(s.cookie, '/account/absence', fields);
      expect(res.statusCode, what).toBe(400);
      expect(res.body, what).toContain(message);
      expect(res.body, what).toContain('name="date"');
      expect(await absenceOf(org.karin.id), what).toEqual({ until: null, delegateId: null });
    }
    // What was typed stays in the form.
    const typed = await post(s.cookie, '/account/absence', { ...ok, date: dateIn(-1), time: '08:15' });
    expect(typed.body).toContain('value="08:15"');

    const json = await stack.app.inject({
      method: 'POST',
      url: '/account/absence',
      headers: { cookie: s.cookie, 'content-type': 'application/json', 'x-csrf-token': s.csrf },
      payload: JSON.stringify([1, 2, 3]),
    });
    expect(json.statusCode).toBe(400);
    expect(await absenceOf(org.karin.id)).toEqual({ until: null, delegateId: null });
  });

  it('needs a login and a valid CSRF token', async () => {
    const anonymous = await stack.app.inject({ method: 'GET', url: '/account/absence', headers: { accept: 'text/html' } });
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toContain('/login');
    const fields = new URLSearchParams({ date: dateIn(2), time: '17:00', delegateId: org.michelle.id }).toString();
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expect((await stack.app.inject({ method: 'POST', url: '/account/absence', headers: form, payload: fields })).statusCode).toBe(401);
    const s = await login(stack.app, 'yusuf@oost.test');
    const forged = await stack.app.inject({
      method: 'POST',
      url: '/account/absence',
      headers: { ...form, cookie: s.cookie },
      payload: `${fields}&_csrf=forged`,
    });
    expect(forged.statusCode).toBe(403);
    expect(await absenceOf(org.yusuf.id)).toEqual({ until: null, delegateId: null });
  });
});

describe('while a coach is away', () => {
  it("routes the youngster's message to the delegate and tells the youngster once who helps", async () => {
    const anouk = await createStaff(db(), org.oost.teamId, { email: 'anouk@oost.test', firstName: 'Anouk' });
    const back = new Date(Date.now() + 3 * DAY);
    await db().update(staffUsers).set({ absentUntil: back, absenceDelegateId: org.yusuf.id }).where(eq(staffUsers.id, anouk.id));
    const { token } = await createYoungsterWithCard(db(), org.oost.municipalities.Roermond!, anouk.id);

    const chat = await openChat(stack.app, token);
    const sent = await postChat(stack.app, token, chat.cookie, { text: 'hoi, ben je er?' });
    expect(sent.statusCode).toBe(201);
    const messageId = sent.json().message.id as string;
    const routed = await until(async () => {
      const [m] = await db().select().from(messages).where(eq(messages.id, messageId));
      return m?.status === 'routed' ? m : null;
    });
    const [conv] = await db().select().from(conversations).where(eq(conversations.id, routed.conversationId));
    expect(conv!.assignedTo).toBe(org.yusuf.id);
    const [routing] = await db()
      .select()
      .from(events)
      .where(and(eq(events.type, 'conversation.routed'), eq(events.conversationId, conv!.id)));
    expect(routing!.data).toMatchObject({ reason: 'delegate', changed: true });

    await postChat(stack.app, token, chat.cookie, { text: 'hallo?' });
    // What the bot wrote to the youngster (stored in the outbox, whether or not delivered yet).
    const botTexts = await db()
      .select({ body: messages.body })
      .from(messages)
      .where(and(eq(messages.conversationId, conv!.id), eq(messages.kind, 'bot')));
    const notices = botTexts.filter((m) => m.body.includes('in de tussentijd'));
    const lastDay = formatDay('nl', new Date(back.getTime() - 60_000));
    expect(notices.map((m) => m.body)).toEqual([`Anouk is er tot en met ${lastDay} niet. Yusuf helpt je in de tussentijd.`]);
  });
});
