import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelContacts, channelUpdates, conversations, events, messages } from '../../db/schema/index.js';
import { fakeWhatsApp } from '../helpers/fake-whatsapp.js';
import { createYoungsterWithCard } from '../helpers/fixtures.js';
import { openChat, postChat, until } from '../helpers/http.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

/**
 * The goodbye after a confirmed opt-out asks, optionally, why. A reason tapped
 * (a number on WhatsApp) is counted as an anonymous event for monitoring - and
 * answered with nothing: the goodbye stays the last message, nothing goes to
 * the inbox. The erasure is held off here (an hour): the reason comes before it.
 */
const wa = fakeWhatsApp();
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack({
    env: { ERASURE_DELAY_MS: '3600000', ERASURE_GRACE_MS: '3600000', WHATSAPP_NUMBER: '31612345678' },
    makeWhatsAppSocket: wa.makeSocket,
  });
  await until(async () => wa.latest());
  wa.latest()!.open();
});
afterAll(async () => t?.close());

const db = () => t.db;
const ROERMOND = () => t.org.oost.municipalities.Roermond!;
const GOODBYE = 'je hoort niets meer van ons';
const REASON_IDS = ['why:geen_behoefte', 'why:al_hulp', 'why:geen_contact_instanties', 'why:geen_tijd', 'why:wil_niet_zeggen'];

type Shown = { messages: { direction: string; kind: string; body: string; menu: { id: string; label: string }[] | null; goodbye: boolean }[]; optedOut: boolean };
async function shown(token: string, cookie: string): Promise<Shown> {
  const res = await t.stack.app.inject({ method: 'GET', url: `/k/${token}/messages`, headers: { cookie } });
  return res.json() as Shown;
}

async function conversationOf(youngsterId: string) {
  const [conv] = await db().select().from(conversations).where(eq(conversations.youngsterId, youngsterId));
  return conv!;
}
const threadOf = (conversationId: string) => db().select().from(messages).where(eq(messages.conversationId, conversationId));
const reasonsOf = (subject: string) =>
  db().select().from(events).where(and(eq(events.type, 'optout.reason_given'), eq(events.subject, subject)));
const eventsOf = (subject: string) => db().select().from(events).where(eq(events.subject, subject));

describe('the web chat after an opt-out', () => {
  it('shows the goodbye with the reasons; a tap is counted, answered with nothing; anything after it creates nothing', async () => {
    const { token, youngster } = await createYoungsterWithCard(db(), ROERMOND(), t.org.michelle.id, { firstName: 'Rosa' });
    const chat = await openChat(t.stack.app, token);
    await until(async () => (await shown(token, chat.cookie)).messages.length >= 2);
    expect((await postChat(t.stack.app, token, chat.cookie, { choice: 'optout', clientId: 'why-optout-1' })).statusCode).toBe(201);
    expect((await postChat(t.stack.app, token, chat.cookie, { choice: 'optout_yes', clientId: 'why-optout-2' })).statusCode).toBe(201);
    const view = await until(async () => {
      const s = await shown(token, chat.cookie);
      return s.messages.some((m) => m.body.includes(GOODBYE)) ? s : null;
    });

    // The goodbye is the last message, the opt-out ack, and carries the optional question with its buttons.
    const goodbye = view.messages.at(-1)!;
    expect(goodbye.body).toContain(GOODBYE);
    expect(goodbye.body).toContain('Wil je nog zeggen waarom? Dat hoeft niet.');
    expect(goodbye.goodbye).toBe(true);
    expect(goodbye.menu!.map((m) => m.id)).toEqual(REASON_IDS);
    expect(goodbye.menu!.map((m) => m.label)).toContain('Liever geen contact met de gemeente');
    expect(view.optedOut).toBe(true);

    const conv = await conversationOf(youngster.id);
    const [stored] = (await threadOf(conv.id)).filter((m) => m.isOptOutAck);
    expect(stored).toMatchObject({ status: 'sent', direction: 'out' });
    const threadBefore = await threadOf(conv.id);
    const eventsBefore = await eventsOf(youngster.monitoringKey);
    expect(await reasonsOf(youngster.monitoringKey)).toEqual([]);

    // A tap: accepted (202), counted with the municipality and the reason; nothing in the thread, nothing sent.
    const tap = await postChat(t.stack.app, token, chat.cookie, { choice: 'why:geen_contact_instanties', clientId: 'why-tap-1' });
    expect(tap.statusCode).toBe(202);
    expect(tap.json()).toEqual({ message: null, duplicate: false });
    const reasons = await reasonsOf(youngster.monitoringKey);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatchObject({
      municipalityId: ROERMOND(),
      subject: youngster.monitoringKey,
      actorStaffId: null,
      data: { reason: 'geen_contact_instanties' },
    });
    expect(await threadOf(conv.id)).toEqual(threadBefore);

    // After it: free text is refused as before (410), a second tap and a reason the goodbye did not offer count nothing.
    const hallo = await postChat(t.stack.app, token, chat.cookie, { text: 'nog één ding', clientId: 'why-after-1' });
    expect(hallo.statusCode).toBe(410);
    expect((await postChat(t.stack.app, token, chat.cookie, { choice: 'optout_no', clientId: 'why-after-2' })).statusCode).toBe(410);
    for (const [i, choice] of ['why:geen_tijd', 'why:privacy', 'why:onzin'].entries()) {
      expect((await postChat(t.stack.app, token, chat.cookie, { choice, clientId: `why-after-tap-${i}` })).statusCode, choice).toBe(202);
    }
    expect(await threadOf(conv.id)).toEqual(threadBefore);
    expect(await eventsOf(youngster.monitoringKey)).toHaveLength(eventsBefore.length + 1);
    expect((await reasonsOf(youngster.monitoringKey)).map((e) => e.data)).toEqual([{ reason: 'geen_contact_instanties' }]);
    // The page still shows the same: the goodbye last, nothing after it.
    const after = await shown(token, chat.cookie);
    expect(after.messages).toEqual(view.messages);
  });

  it('without a chat of its own a reason tap gets what any post gets: nothing counted', async () => {
    const { token, youngster } = await createYoungsterWithCard(db(), ROERMOND(), t.org.michelle.id);
    const stranger = await postChat(t.stack.app, token, '', { choice: 'why:al_hulp' });
    expect(stranger.statusCode).toBe(409);
    expect(await reasonsOf(youngster.monitoringKey)).toEqual([]);
  });
});

describe('WhatsApp after an opt-out', () => {
  it('numbers the reasons under the goodbye; a typed number is counted and answered with nothing, text after it creates nothing', async () => {
    const sock = wa.latest()!;
    const jid = '77120001@lid';
    const { token, youngster } = await createYoungsterWithCard(db(), ROERMOND(), t.org.michelle.id, { firstName: 'Wietske' });
    const toThem = () => sock.sent.filter((s) => s.jid === jid);
    let n = 0;
    const say = (text: string) => {
      const id = `WA-R${++n}`;
      sock.receive({ jid, alt: '31677120001@s.whatsapp.net', id, text });
      return id;
    };
    say(`Hoi! Mijn kaartcode is ${token}`);
    await until(async () => toThem().some((s) => s.text.includes('3. ')));
    say('stop');
    await until(async () => toThem().at(-1)!.text.includes('Weet je het zeker'));
    say('ja');
    await until(async () => toThem().at(-1)?.text.includes(GOODBYE));
    const goodbye = toThem().at(-1)!.text;
    expect(goodbye).toContain('Wil je nog zeggen waarom? Dat hoeft niet.');
    for (const line of ['1. Ik red me wel', '2. Ik krijg al hulp', '3. Liever geen contact met de gemeente', '4. Nu even niet', '5. Zeg ik liever niet']) {
      expect(goodbye).toContain(line);
    }
    const [contact] = await db().select().from(channelContacts).where(eq(channelContacts.externalId, jid));
    expect(contact!.optedOutAt).not.toBeNull();
    const conv = await conversationOf(youngster.id);
    const threadBefore = await threadOf(conv.id);
    const sentBefore = toThem().length;

    // "2" picks the second reason; it is recorded in the same transaction as the message's de-duplication key.
    say('2');
    const [reason] = await until(async () => {
      const r = await reasonsOf(youngster.monitoringKey);
      return r.length ? r : null;
    });
    expect(reason).toMatchObject({ municipalityId: ROERMOND(), data: { reason: 'al_hulp' } });
    expect(await threadOf(conv.id)).toEqual(threadBefore);

    // Free text and another number afterwards: handled (their de-duplication keys are stored), nothing created.
    const processed = (id: string) =>
      until(async () => (await db().select().from(channelUpdates).where(like(channelUpdates.updateKey, `msg:${contact!.id}:${id}`))).length > 0);
    await processed(say('dank je'));
    await processed(say('4'));
    expect(await threadOf(conv.id)).toEqual(threadBefore);
    expect((await reasonsOf(youngster.monitoringKey)).map((e) => e.data)).toEqual([{ reason: 'al_hulp' }]);
    // Nothing was stored to go out, so nothing went out.
    expect(toThem()).toHaveLength(sentBefore);
  });
});
