import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reminderJobId } from '../../core/queues.js';
import { replaceBlocks, setVisitSettings } from '../../db/queries/availability.js';
import { conversations, events, messages, visitStaff, visits } from '../../db/schema/index.js';
import { fakeWhatsApp } from '../helpers/fake-whatsapp.js';
import { createYoungsterWithCard } from '../helpers/fixtures.js';
import { login, openChat, postChat, staffPost, until } from '../helpers/http.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { tg, TEST_WEBHOOK_SECRET } from '../helpers/telegram-updates.js';

/**
 * A youngster books, moves and cancels a visit entirely in the chat - web,
 * Telegram (buttons) and WhatsApp (numbers) - through the whole stack: the
 * database decides what is free, reminders are delayed jobs that follow the
 * visit, and an opt-out takes the visit and its reminders with it.
 */
const wa = fakeWhatsApp();
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack({ telegram: true, env: { WHATSAPP_NUMBER: '31612345678' }, makeWhatsAppSocket: wa.makeSocket });
  await until(async () => wa.latest());
  wa.latest()!.open();
  // Michelle can be visited every day, all day; a day's notice (so both reminders lie ahead).
  const allDay = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, startsAt: '08:00', endsAt: '20:00' }));
  await replaceBlocks(t.db, t.org.michelle.id, allDay);
  await setVisitSettings(t.db, t.org.michelle.id, { bufferMinutes: 15, minNoticeHours: 26 });
  // The others are never free: every slot is Michelle's.
  for (const s of [t.org.yusuf, t.org.karin]) await replaceBlocks(t.db, s.id, []);
});
afterAll(async () => t?.close());

const ROERMOND = () => t.org.oost.municipalities.Roermond!;
type Shown = { id: string; direction: string; body: string; menu: { id: string; label: string }[] | null };
async function shown(token: string, cookie: string): Promise<Shown[]> {
  const res = await t.stack.app.inject({ method: 'GET', url: `/k/${token}/messages`, headers: { cookie } });
  return (res.json() as { messages: Shown[] }).messages;
}
const lastBot = async (token: string, cookie: string, contains: string) =>
  until(async () => (await shown(token, cookie)).filter((m) => m.direction === 'out').find((m) => m.body.includes(contains)));
const visitOf = async (youngsterId: string) => (await t.db.select().from(visits).where(eq(visits.youngsterId, youngsterId)))[0];

describe('booking in the web chat', () => {
  it('"Afspraak maken" -> a type -> three moments -> yes: booked with the youngster\'s own coach, reminders waiting', async () => {
    const { token, youngster } = await createYoungsterWithCard(t.db, ROERMOND(), t.org.michelle.id, { firstName: 'Boeker' });
    const chat = await openChat(t.stack.app, token);
    await lastBot(token, chat.cookie, 'Wat wil je?');
    await postChat(t.stack.app, token, chat.cookie, { choice: 'visit' });
    const types = await lastBot(token, chat.cookie, 'Hoe wil je afspreken?');
    expect(types.menu!.map((m) => m.id)).toEqual(expect.arrayContaining(['vt:home', 'vt:office']));
    await postChat(t.stack.app, token, chat.cookie, { choice: 'vt:office' });
    const moments = await lastBot(token, chat.cookie, 'Kies een moment');
    expect(moments.menu!.filter((m) => m.id.startsWith('vs:'))).toHaveLength(3);
    expect(moments.menu!.at(-2)!.label).toBe('Een ander moment');
    const first = moments.menu![0]!;
    expect(first.label).toMatch(/^[A-Z][a-z]+dag \d{1,2} [a-z]+, \d{2}:\d{2}$/);

    // "Een ander moment" shows the next three, all later than the first ones.
    await postChat(t.stack.app, token, chat.cookie, { choice: moments.menu!.at(-2)!.id });
    await until(async () => (await shown(token, chat.cookie)).filter((m) => m.body.includes('Kies een moment')).length === 2);
    const later = (await shown(token, chat.cookie)).filter((m) => m.body.includes('Kies een moment')).at(-1)!;
    const minute = (id: string) => Number(id.split(':')[2]);
    expect(minute(later.menu![0]!.id)).toBeGreaterThan(minute(moments.menu![2]!.id));

    await postChat(t.stack.app, token, chat.cookie, { choice: first.id });
    const confirm = await lastBot(token, chat.cookie, 'Is dat goed?');
    await postChat(t.stack.app, token, chat.cookie, { choice: confirm.menu![0]!.id });
    await lastBot(token, chat.cookie, 'de afspraak staat');

    const visit = await visitOf(youngster.id);
    expect(visit).toMatchObject({ status: 'booked', type: 'office', bookedVia: 'chat' });
    expect(Math.round(visit!.startsAt.getTime() / 60_000)).toBe(minute(first.id));
    const staff = await t.db.select().from(visitStaff).where(eq(visitStaff.visitId, visit!.id));
    expect(staff.map((s) => [s.staffId, s.active])).toEqual([[t.org.michelle.id, true]]);
    for (const kind of ['24h', '2h'] as const) {
      const job = await t.iso.ctx.queues.reminders.getJob(reminderJobId(visit!.id, kind, visit!.startsAt));
      expect(await job?.getState(), kind).toBe('delayed');
    }
    // The coach reads it in the thread.
    const [conv] = await t.db.select().from(conversations).where(eq(conversations.youngsterId, youngster.id));
    const thread = await t.db.select().from(messages).where(eq(messages.conversationId, conv!.id));
    // What they tapped, in words, and the bot's confirmation: the coach reads both in the thread.
    expect(thread.some((m) => m.direction === 'in' && m.body === 'Ja, graag')).toBe(true);
    expect(thread.some((m) => m.direction === 'out' && m.body.startsWith('Top, de afspraak staat'))).toBe(true);
    const [booked] = await t.db.select().from(events).where(and(eq(events.type, 'visit.booked'), eq(events.subject, youngster.monitoringKey)));
    expect(booked!.data).toMatchObject({ type: 'office', via: 'chat' });

    // The 2-hour reminder at its (brought forward) moment reaches the chat.
    const two = await t.iso.ctx.queues.reminders.getJob(reminderJobId(visit!.id, '2h', visit!.startsAt));
    await two!.changeDelay(200);
    await lastBot(token, chat.cookie, 'Tot zo!');

    // Moved by typing, at any moment: the old reminders go, new ones wait.
    await postChat(t.stack.app, token, chat.cookie, { text: 'afspraak verzetten' });
    await until(async () => (await shown(token, chat.cookie)).filter((m) => m.body.includes('Kies een moment')).length === 3);
    const again = (await shown(token, chat.cookie)).filter((m) => m.body.includes('Kies een moment')).at(-1)!;
    const other = again.menu!.find((m) => m.id.startsWith('vs:') && minute(m.id) !== minute(first.id))!;
    await postChat(t.stack.app, token, chat.cookie, { choice: other.id });
    await until(async () => (await shown(token, chat.cookie)).filter((m) => m.body.includes('Is dat goed?')).length === 2);
    await postChat(t.stack.app, token, chat.cookie, { choice: `vy:office:${minute(other.id)}` });
    await lastBot(token, chat.cookie, 'Verzet!');
    const moved = await visitOf(youngster.id);
    expect(moved!.id).toBe(visit!.id);
    expect(Math.round(moved!.startsAt.getTime() / 60_000)).toBe(minute(other.id));
    expect(await t.iso.ctx.queues.reminders.getJob(reminderJobId(visit!.id, '24h', visit!.startsAt))).toBeUndefined();
    expect(await (await t.iso.ctx.queues.reminders.getJob(reminderJobId(visit!.id, '24h', moved!.startsAt)))?.getState()).toBe('delayed');

    // Cancelled: the time is free again, the reminders are gone.
    await postChat(t.stack.app, token, chat.cookie, { text: 'afspraak afzeggen' });
    await lastBot(token, chat.cookie, 'afzeggen?');
    await postChat(t.stack.app, token, chat.cookie, { choice: 'visit_cancel_yes' });
    await lastBot(token, chat.cookie, 'De afspraak is afgezegd');
    expect((await visitOf(youngster.id))!.status).toBe('cancelled');
    expect((await t.db.select().from(visitStaff).where(eq(visitStaff.visitId, visit!.id))).every((s) => !s.active)).toBe(true);
    expect(await t.iso.ctx.queues.reminders.getJob(reminderJobId(visit!.id, '24h', moved!.startsAt))).toBeUndefined();
  });

  it('two youngsters take the same moment: the second hears "net weg" and gets new moments', async () => {
    const a = await createYoungsterWithCard(t.db, ROERMOND(), t.org.michelle.id, { firstName: 'Eerste' });
    const b = await createYoungsterWithCard(t.db, ROERMOND(), t.org.michelle.id, { firstName: 'Tweede' });
    const chats = await Promise.all([openChat(t.stack.app, a.token), openChat(t.stack.app, b.token)]);
    const pairs = [
      { token: a.token, cookie: chats[0].cookie },
      { token: b.token, cookie: chats[1].cookie },
    ];
    let slot = '';
    for (const p of pairs) {
      await lastBot(p.token, p.cookie, 'Wat wil je?');
      await postChat(t.stack.app, p.token, p.cookie, { choice: 'visit' });
      await lastBot(p.token, p.cookie, 'Hoe wil je afspreken?');
      await postChat(t.stack.app, p.token, p.cookie, { choice: 'vt:phone' });
      slot = (await lastBot(p.token, p.cookie, 'Kies een moment')).menu![0]!.id;
    }
    const yes = slot.replace(/^vs:/, 'vy:');
    await postChat(t.stack.app, a.token, pairs[0]!.cookie, { choice: yes });
    await lastBot(a.token, pairs[0]!.cookie, 'de afspraak staat');
    await postChat(t.stack.app, b.token, pairs[1]!.cookie, { choice: yes });
    const taken = await lastBot(b.token, pairs[1]!.cookie, 'net weg');
    expect(taken.menu!.some((m) => m.id === slot)).toBe(false);
    expect(await visitOf(b.youngster.id)).toBeUndefined();
  });
});

describe('a visit the coach books from the conversation', () => {
  it('is told to the youngster in the chat, with its reminders; a cancellation too, and its reminders go', async () => {
    const { token, youngster } = await createYoungsterWithCard(t.db, ROERMOND(), t.org.michelle.id, { firstName: 'Geboekt' });
    const chat = await openChat(t.stack.app, token);
    const first = await postChat(t.stack.app, token, chat.cookie, { text: 'kunnen we afspreken?' });
    const conversationId = (await t.db.select().from(messages).where(eq(messages.id, first.json().message.id)))[0]!.conversationId;
    const michelle = await login(t.stack.app, 'michelle@oost.test');
    const form = await t.stack.app.inject({ method: 'GET', url: `/inbox/c/${conversationId}/visits/new?type=office`, headers: { cookie: michelle.cookie, accept: 'text/html' } });
    const startsAt = /name="startsAt" value="([^"]+)"/.exec(form.body)![1]!;
    const res = await staffPost(t.stack.app, michelle, `/inbox/c/${conversationId}/visits`, { type: 'office', startsAt });
    expect(res.statusCode, res.body).toBe(201);
    await lastBot(token, chat.cookie, 'Michelle heeft een afspraak met je gemaakt');
    const visit = await visitOf(youngster.id);
    expect(await (await t.iso.ctx.queues.reminders.getJob(reminderJobId(visit!.id, '24h', visit!.startsAt)))?.getState()).toBe('delayed');

    const cancel = await staffPost(t.stack.app, michelle, `/inbox/c/${conversationId}/visits/${visit!.id}/result`, { result: 'cancelled', minutes: 0 });
    expect(cancel.statusCode, cancel.body).toBeLessThan(400);
    await lastBot(token, chat.cookie, 'moest de afspraak van');
    expect(await t.iso.ctx.queues.reminders.getJob(reminderJobId(visit!.id, '24h', visit!.startsAt))).toBeUndefined();
  });
});

describe('a moment the coach proposes in the chat', () => {
  async function conversationOf(token: string, cookie: string, text: string) {
    const first = await postChat(t.stack.app, token, cookie, { text });
    return (await t.db.select().from(messages).where(eq(messages.id, first.json().message.id)))[0]!.conversationId;
  }
  async function offered(cookie: string, conversationId: string, type: string) {
    const form = await t.stack.app.inject({ method: 'GET', url: `/inbox/c/${conversationId}/visits/new?type=${type}`, headers: { cookie, accept: 'text/html' } });
    expect(form.body).toContain('Voorstellen in de chat');
    return [...form.body.matchAll(/name="startsAt" value="([^"]+)"/g)].map((m) => m[1]!);
  }

  it('web chat: "Ja, graag" books it; a second proposal with a visit booked moves it; nothing is booked before the yes', async () => {
    const { token, youngster } = await createYoungsterWithCard(t.db, ROERMOND(), t.org.michelle.id, { firstName: 'Voorstel' });
    const chat = await openChat(t.stack.app, token);
    const conversationId = await conversationOf(token, chat.cookie, 'wanneer kan ik langskomen?');
    const michelle = await login(t.stack.app, 'michelle@oost.test');
    const moments = await offered(michelle.cookie, conversationId, 'office');
    const res = await staffPost(t.stack.app, michelle, `/inbox/c/${conversationId}/visits/propose`, { type: 'office', startsAt: moments[1] });
    expect(res.statusCode, res.body).toBe(202);
    // A double submit sends it once.
    await staffPost(t.stack.app, michelle, `/inbox/c/${conversationId}/visits/propose`, { type: 'office', startsAt: moments[1] });
    const proposal = await lastBot(token, chat.cookie, 'Michelle stelt een afspraak voor');
    expect(proposal.menu!.map((m) => m.label)).toEqual(['Ja, graag', 'Een ander moment']);
    expect((await shown(token, chat.cookie)).filter((m) => m.body.includes('stelt een afspraak voor'))).toHaveLength(1);
    expect(await visitOf(youngster.id)).toBeUndefined();
    const [event] = await t.db.select().from(events).where(and(eq(events.type, 'visit.proposed'), eq(events.subject, youngster.monitoringKey)));
    expect(event!.data).toMatchObject({ type: 'office', move: false });

    await postChat(t.stack.app, token, chat.cookie, { choice: proposal.menu![0]!.id });
    await lastBot(token, chat.cookie, 'de afspraak staat');
    const visit = await visitOf(youngster.id);
    expect(visit).toMatchObject({ status: 'booked', type: 'office', bookedVia: 'chat' });
    expect(visit!.startsAt.toISOString()).toBe(new Date(moments[1]!).toISOString());

    // With a visit booked, a proposal is a new moment for it: the yes moves it.
    const again = await offered(michelle.cookie, conversationId, 'office');
    const later = again.find((m) => new Date(m).getTime() > visit!.startsAt.getTime())!;
    expect((await staffPost(t.stack.app, michelle, `/inbox/c/${conversationId}/visits/propose`, { type: 'office', startsAt: later })).statusCode).toBe(202);
    const move = await lastBot(token, chat.cookie, 'stelt een ander moment voor jullie afspraak voor');
    await postChat(t.stack.app, token, chat.cookie, { choice: move.menu![0]!.id });
    await lastBot(token, chat.cookie, 'Verzet!');
    const moved = await visitOf(youngster.id);
    expect(moved!.id).toBe(visit!.id);
    expect(moved!.startsAt.toISOString()).toBe(new Date(later).toISOString());
  });

  it('web chat: "Een ander moment" shows the first free moments; a moment taken before the yes is "net weg"', async () => {
    const { token, youngster } = await createYoungsterWithCard(t.db, ROERMOND(), t.org.michelle.id, { firstName: 'Anders' });
    const chat = await openChat(t.stack.app, token);
    const conversationId = await conversationOf(token, chat.cookie, 'afspraak?');
    const michelle = await login(t.stack.app, 'michelle@oost.test');
    const moments = await offered(michelle.cookie, conversationId, 'phone');
    await staffPost(t.stack.app, michelle, `/inbox/c/${conversationId}/visits/propose`, { type: 'phone', startsAt: moments[5] });
    const proposal = await lastBot(token, chat.cookie, 'stelt een afspraak voor');
    await postChat(t.stack.app, token, chat.cookie, { choice: proposal.menu![1]!.id });
    const list = await lastBot(token, chat.cookie, 'Kies een moment');
    expect(list.menu![0]!.id).toBe(`vs:phone:${Math.round(new Date(moments[0]!).getTime() / 60_000)}`);

    // Someone else books the proposed moment first.
    await staffPost(t.stack.app, michelle, `/inbox/c/${conversationId}/visits/propose`, { type: 'phone', startsAt: moments[2] });
    await until(async () => (await shown(token, chat.cookie)).filter((m) => m.body.includes('stelt een afspraak voor')).length === 2);
    const latest = (await shown(token, chat.cookie)).filter((m) => m.body.includes('stelt een afspraak voor')).at(-1)!;
    const other = await createYoungsterWithCard(t.db, ROERMOND(), t.org.michelle.id, { firstName: 'Sneller' });
    const otherChat = await openChat(t.stack.app, other.token);
    const otherConversation = await conversationOf(other.token, otherChat.cookie, 'ik ook');
    expect((await staffPost(t.stack.app, michelle, `/inbox/c/${otherConversation}/visits`, { type: 'phone', startsAt: moments[2] })).statusCode).toBe(201);
    await postChat(t.stack.app, token, chat.cookie, { choice: latest.menu![0]!.id });
    await lastBot(token, chat.cookie, 'net weg');
    expect(await visitOf(youngster.id)).toBeUndefined();
  });

  it('refuses a made-up moment, and a youngster who opted out is not written to', async () => {
    const { token, youngster } = await createYoungsterWithCard(t.db, ROERMOND(), t.org.michelle.id, { firstName: 'Geweigerd' });
    const chat = await openChat(t.stack.app, token);
    const conversationId = await conversationOf(token, chat.cookie, 'hoi');
    const michelle = await login(t.stack.app, 'michelle@oost.test');
    const before = (await t.db.select().from(messages).where(eq(messages.conversationId, conversationId))).length;
    const odd = new Date(Date.now() + 3 * 86_400_000 + 7 * 60_000).toISOString();
    const made = await staffPost(t.stack.app, michelle, `/inbox/c/${conversationId}/visits/propose`, { type: 'office', startsAt: odd });
    expect(made.statusCode).toBe(409);
    const page = await t.stack.app.inject({
      method: 'POST',
      url: `/inbox/c/${conversationId}/visits/propose`,
      headers: { cookie: michelle.cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: michelle.csrf, type: 'office', startsAt: odd }).toString(),
    });
    expect(page.statusCode).toBe(409);
    expect(page.body).toContain('name="startsAt"');
    expect((await t.db.select().from(messages).where(eq(messages.conversationId, conversationId))).length).toBe(before);

    await postChat(t.stack.app, token, chat.cookie, { text: 'stop' });
    await lastBot(token, chat.cookie, 'Weet je het zeker');
    await postChat(t.stack.app, token, chat.cookie, { text: 'ja' });
    await lastBot(token, chat.cookie, 'je hoort niets meer van ons');
    const moments = await offered(michelle.cookie, conversationId, 'office').catch(() => [] as string[]);
    const refused = await staffPost(t.stack.app, michelle, `/inbox/c/${conversationId}/visits/propose`, { type: 'office', startsAt: moments[0] ?? odd });
    // Refused as opted out (409), or not there any more once the erasure ran (404): never written to.
    expect([404, 409]).toContain(refused.statusCode);
    expect((await t.db.select().from(messages).where(eq(messages.conversationId, conversationId))).filter((m) => m.body.includes('stelt een afspraak voor'))).toEqual([]);
    expect(await visitOf(youngster.id)).toBeUndefined();
  });
});

describe('booking on Telegram and WhatsApp', () => {
  function webhook(update: unknown) {
    return fetch(`${t.stack.baseUrl}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TEST_WEBHOOK_SECRET },
      body: JSON.stringify(update),
    });
  }
  type Keyboard = { inline_keyboard: { text: string; callback_data: string }[][] };

  it('Telegram: buttons all the way; callback data fits Telegram\'s 64 bytes', async () => {
    const chat = 8123401;
    const { token, youngster } = await createYoungsterWithCard(t.db, ROERMOND(), t.org.michelle.id, { firstName: 'Telegrammer' });
    const fake = t.fake!;
    const sent = () => fake.sent(chat);
    const lastKeyboard = () => (sent().at(-1)!.payload.reply_markup as Keyboard).inline_keyboard.flat();
    await webhook(tg.start(chat, token));
    await until(async () => sent().length >= 2);
    await webhook(tg.button(chat, 'visit'));
    await until(async () => String(sent().at(-1)!.payload.text).includes('Hoe wil je afspreken?'));
    await webhook(tg.button(chat, 'vt:home'));
    await until(async () => String(sent().at(-1)!.payload.text).includes('Kies een moment'));
    const slot = lastKeyboard()[0]!.callback_data;
    expect(Buffer.byteLength(slot)).toBeLessThanOrEqual(64);
    await webhook(tg.button(chat, slot));
    await until(async () => String(sent().at(-1)!.payload.text).includes('adres waar je kaart bezorgd is'));
    expect(lastKeyboard().map((b) => b.text)).toEqual(['Ja, graag', 'Liever ergens anders', 'Een ander moment']);
    // Another place: typed, kept with the visit (personal data, erased with the person).
    await webhook(tg.button(chat, lastKeyboard()[1]!.callback_data));
    await until(async () => String(sent().at(-1)!.payload.text).includes('Waar wil je afspreken?'));
    await webhook(tg.text(chat, 'in de bibliotheek'));
    await until(async () => String(sent().at(-1)!.payload.text).includes('de afspraak staat'));
    expect(await visitOf(youngster.id)).toMatchObject({ type: 'home', place: 'in de bibliotheek', status: 'booked' });
  });

  it('WhatsApp: numbers pick from each menu; an opt-out cancels the visit and its reminders', async () => {
    const sock = wa.latest()!;
    const jid = '88123401@lid';
    const { token, youngster } = await createYoungsterWithCard(t.db, ROERMOND(), t.org.michelle.id, { firstName: 'Appje' });
    const toThem = () => sock.sent.filter((s) => s.jid === jid);
    let n = 0;
    const say = (text: string) => sock.receive({ jid, alt: '31688123401@s.whatsapp.net', id: `WA-B${++n}`, text });
    say(`Hoi! Mijn kaartcode is ${token}`);
    await until(async () => toThem().some((s) => s.text.includes('2. Afspraak maken')));
    say('2');
    await until(async () => toThem().at(-1)!.text.includes('Hoe wil je afspreken?'));
    const typeLines = toThem().at(-1)!.text.split('\n').filter((l) => /^\d\. /.test(l));
    const office = typeLines.find((l) => l.includes('Op kantoor'))!.slice(0, 1);
    say(office);
    await until(async () => toThem().at(-1)!.text.includes('Kies een moment'));
    say('1');
    await until(async () => toThem().at(-1)!.text.includes('Is dat goed?'));
    say('1');
    await until(async () => toThem().at(-1)!.text.includes('de afspraak staat'));
    const visit = await visitOf(youngster.id);
    expect(visit).toMatchObject({ type: 'office', status: 'booked' });

    say('stop');
    await until(async () => toThem().at(-1)!.text.includes('Weet je het zeker'));
    say('ja');
    await until(async () => toThem().at(-1)!.text.includes('je hoort niets meer van ons'));
    // The cancel registry's visit step: cancelled, time freed, no reminder left to send.
    const after = await t.db.select().from(visits).where(eq(visits.id, visit!.id));
    expect(after[0]?.status ?? 'erased').toMatch(/cancelled|erased/);
    for (const kind of ['24h', '2h'] as const) expect(await t.iso.ctx.queues.reminders.getJob(reminderJobId(visit!.id, kind, visit!.startsAt))).toBeUndefined();
  });
  it('WhatsApp: a proposal is numbered, and a typed "1" books it', async () => {
    const sock = wa.latest()!;
    const jid = '88123402@lid';
    const { token, youngster } = await createYoungsterWithCard(t.db, ROERMOND(), t.org.michelle.id, { firstName: 'Nummer' });
    const toThem = () => sock.sent.filter((s) => s.jid === jid);
    let n = 0;
    const say = (text: string) => sock.receive({ jid, alt: '31688123402@s.whatsapp.net', id: `WA-P${++n}`, text });
    say(`Hoi! Mijn kaartcode is ${token}`);
    await until(async () => toThem().some((s) => s.text.includes('2. Afspraak maken')));
    say('ik wil wel een keer praten');
    const conversationId = await until(async () => (await t.db.select().from(conversations).where(eq(conversations.youngsterId, youngster.id)))[0]?.id);
    const michelle = await login(t.stack.app, 'michelle@oost.test');
    const form = await t.stack.app.inject({ method: 'GET', url: `/inbox/c/${conversationId}/visits/new?type=walk`, headers: { cookie: michelle.cookie, accept: 'text/html' } });
    const startsAt = /name="startsAt" value="([^"]+)"/.exec(form.body)![1]!;
    expect((await staffPost(t.stack.app, michelle, `/inbox/c/${conversationId}/visits/propose`, { type: 'walk', startsAt })).statusCode).toBe(202);
    await until(async () => toThem().at(-1)!.text.includes('stelt een afspraak voor'));
    expect(toThem().at(-1)!.text).toMatch(/1\. Ja, graag\n2\. Een ander moment/);
    say('1');
    await until(async () => toThem().at(-1)!.text.includes('de afspraak staat'));
    expect(await visitOf(youngster.id)).toMatchObject({ type: 'walk', status: 'booked' });
  });
});
