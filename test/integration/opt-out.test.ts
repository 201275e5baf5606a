import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countInboxViews, listInbox } from '../../db/queries/inbox.js';
import { channelContacts, conversations, events, messages } from '../../db/schema/index.js';
import { createYoungsterWithCard, PASSWORD } from '../helpers/fixtures.js';
import { login, openChat, postChat, until } from '../helpers/http.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

/**
 * After a confirmed opt-out: the conversation is information for its
 * casemanager, not work for the team; and a new contact of the same person
 * (another browser, a messenger) hears one calm line - no promise that a coach
 * reads along, no menu, nothing in the inbox.
 */
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => t?.close());

const db = () => t.db;
const ROERMOND = () => t.org.oost.municipalities.Roermond!;
const EARLIER = 'Je hebt eerder laten weten dat je geen contact wilt.';

/** What this browser's chat shows (only what was delivered to it). */
async function shown(token: string, cookie: string) {
  const res = await t.stack.app.inject({ method: 'GET', url: `/k/${token}/messages`, headers: { cookie } });
  return res.json() as { messages: { direction: string; kind: string; body: string; menu: unknown }[]; optedOut: boolean };
}

/** A youngster opts out in the web chat: "Nee bedankt" from the menu, then "Ja, stop maar". */
async function optOutInBrowser(token: string) {
  const chat = await openChat(t.stack.app, token);
  await until(async () => (await shown(token, chat.cookie)).messages.length >= 2);
  expect((await postChat(t.stack.app, token, chat.cookie, { choice: 'optout', clientId: 'optout-ask-1' })).statusCode).toBe(201);
  expect((await postChat(t.stack.app, token, chat.cookie, { choice: 'optout_yes', clientId: 'optout-yes-1' })).statusCode).toBe(201);
  await until(async () => (await shown(token, chat.cookie)).messages.some((m) => m.body.startsWith('Oké, je hoort niets meer van ons')));
  return chat;
}

async function conversationOf(youngsterId: string) {
  const [conv] = await db().select().from(conversations).where(eq(conversations.youngsterId, youngsterId));
  return conv!;
}

describe('the same card in another browser after an opt-out', () => {
  it('gets one calm line instead of the greeting, cannot write on, and nothing reaches the inbox', async () => {
    const { token, youngster } = await createYoungsterWithCard(db(), ROERMOND(), t.org.michelle.id);
    await optOutInBrowser(token);
    const conv = await conversationOf(youngster.id);
    const before = await db().select().from(messages).where(eq(messages.conversationId, conv.id));

    const other = await openChat(t.stack.app, token);
    const view = await until(async () => {
      const v = await shown(token, other.cookie);
      return v.messages.length > 0 ? v : null;
    });
    expect(view.messages).toHaveLength(1);
    expect(view.messages[0]!.body).toContain(EARLIER);
    expect(view.messages[0]!.body).toContain('bij je gemeente terecht');
    expect(view.messages[0]!.menu).toBeNull();
    expect(view.optedOut).toBe(true);
    expect(JSON.stringify(view)).not.toMatch(/Michelle|leest het|Wat wil je/);

    // "hallo" is refused, not stored, not routed, not answered.
    const hallo = await postChat(t.stack.app, token, other.cookie, { text: 'hallo', clientId: 'hallo-after-optout' });
    expect(hallo.statusCode).toBe(410);
    expect(hallo.json().error).toBe('opted_out');
    const after = await db().select().from(messages).where(eq(messages.conversationId, conv.id));
    expect(after.filter((m) => m.body === 'hallo')).toHaveLength(0);
    // The only new row is the calm line, sent as the contact's goodbye.
    const added = after.filter((m) => !before.some((b) => b.id === m.id));
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ direction: 'out', kind: 'bot', isOptOutAck: true, status: 'sent' });

    // The new browser's contact is stopped too, and the conversation stays closed with nothing to answer.
    const contacts = await db().select().from(channelContacts).where(eq(channelContacts.youngsterId, youngster.id));
    expect(contacts).toHaveLength(2);
    expect(contacts.every((c) => c.optedOutAt !== null && c.dialogueState === 'opted_out')).toBe(true);
    expect((await conversationOf(youngster.id)).status).toBe('closed');
  });

  it('a messenger contact through the card (WhatsApp-style first text) hears the same line, and nothing after it', async () => {
    const { token, youngster } = await createYoungsterWithCard(db(), ROERMOND(), t.org.michelle.id);
    await optOutInBrowser(token);
    const dialogue = t.stack.channels.dialogue;
    const first = await dialogue.handle({
      channel: 'whatsapp',
      externalContactId: '31600000001@s.whatsapp.net',
      externalMessageId: 'wa-1',
      event: { type: 'start', token, text: `Hoi! Mijn kaartcode is ${token}` },
    });
    expect(first.messageId).not.toBeNull();
    const conv = await conversationOf(youngster.id);
    const [contact] = await db().select().from(channelContacts).where(eq(channelContacts.externalId, '31600000001@s.whatsapp.net'));
    const rows = await db().select().from(messages).where(eq(messages.contactId, contact!.id)).orderBy(messages.seq);
    // Their text is kept as written (it made them "wrote first") but not routed; one answer, the goodbye.
    expect(rows.map((r) => [r.direction, r.kind])).toEqual([
      ['in', 'text'],
      ['out', 'bot'],
    ]);
    expect(rows[0]!.body).not.toContain(token);
    expect(rows[0]!.status).toBe('routed');
    expect(rows[1]!.body).toContain(EARLIER);
    expect(rows[1]!.isOptOutAck).toBe(true);
    expect(contact!.optedOutAt).not.toBeNull();
    expect((await conversationOf(youngster.id)).status).toBe('closed');
    expect(await t.iso.ctx.queues.inbound.getJob(`in-${rows[0]!.id}`)).toBeFalsy();
    // Not reopened by it either: the close is recorded once, for the opt-out itself.
    const closes = await db().select().from(events).where(and(eq(events.conversationId, conv.id), eq(events.type, 'conversation.status_changed')));
    expect(closes).toHaveLength(1);

    const again = await dialogue.handle({
      channel: 'whatsapp',
      externalContactId: '31600000001@s.whatsapp.net',
      externalMessageId: 'wa-2',
      event: { type: 'text', text: 'hallo?' },
    });
    expect(again.messageId).toBeNull();
    expect(await db().select().from(messages).where(eq(messages.contactId, contact!.id))).toHaveLength(2);
    expect((await conversationOf(youngster.id)).id).toBe(conv.id);
  });
});

describe('an opt-out in the inbox views', () => {
  it('is not work: closed, with the card’s casemanager, not unread in "Niet toegewezen" or "Heel het team"', async () => {
    const scope = Object.values(t.org.oost.municipalities);
    const before = {
      karin: await countInboxViews(db(), scope, t.org.karin.id),
      michelle: await countInboxViews(db(), scope, t.org.michelle.id),
    };
    const { token, youngster } = await createYoungsterWithCard(db(), ROERMOND(), t.org.michelle.id);
    await optOutInBrowser(token);
    const conv = await conversationOf(youngster.id);
    expect(conv).toMatchObject({ status: 'closed', assignedTo: t.org.michelle.id, escalatedAt: null });

    const karin = await countInboxViews(db(), scope, t.org.karin.id);
    const michelle = await countInboxViews(db(), scope, t.org.michelle.id);
    expect(karin.unassigned).toBe(before.karin.unassigned);
    expect(karin.team).toBe(before.karin.team);
    expect(karin.urgent).toBe(before.karin.urgent);
    expect(michelle.mine).toBe(before.michelle.mine);
    expect(michelle.closed).toBe(before.michelle.closed + 1);

    // In "Afgesloten" it reads as an opt-out, not as an unanswered message.
    const [row] = await listInbox(db(), { municipalityIds: scope, view: 'closed', staffId: t.org.michelle.id, conversationId: conv.id });
    expect(row).toMatchObject({ optedOut: true, assigneeName: 'Michelle Test' });

    // Recorded why, without a person as actor.
    const why = await db().select().from(events).where(and(eq(events.conversationId, conv.id), eq(events.type, 'conversation.status_changed')));
    expect(why.map((e) => e.data)).toEqual([{ from: 'open', to: 'closed', reason: 'opted_out' }]);
    expect(why[0]!.actorStaffId).toBeNull();
  });

  it('stays with the colleague the youngster was talking with', async () => {
    const { token, youngster } = await createYoungsterWithCard(db(), ROERMOND(), t.org.michelle.id);
    const chat = await openChat(t.stack.app, token);
    const res = await postChat(t.stack.app, token, chat.cookie, { text: 'hoi' });
    const id = res.json().message.id as string;
    await until(async () => (await db().select().from(messages).where(eq(messages.id, id)))[0]?.status === 'routed');
    const conv = await conversationOf(youngster.id);
    await db().update(conversations).set({ assignedTo: t.org.yusuf.id }).where(eq(conversations.id, conv.id));

    await postChat(t.stack.app, token, chat.cookie, { text: 'stop' });
    await postChat(t.stack.app, token, chat.cookie, { choice: 'optout_yes' });
    expect(await conversationOf(youngster.id)).toMatchObject({ status: 'closed', assignedTo: t.org.yusuf.id });
  });

  it('shows the card’s casemanager a notice in "Mijn gesprekken", and the row as opted out, not unanswered', async () => {
    const { token, youngster } = await createYoungsterWithCard(db(), ROERMOND(), t.org.michelle.id, { firstName: 'Noa', lastName: 'Afmelder' });
    await optOutInBrowser(token);
    const conv = await conversationOf(youngster.id);
    const page = async (email: string, url: string) => {
      const session = await login(t.stack.app, email, PASSWORD);
      return (await t.stack.app.inject({ method: 'GET', url, headers: { cookie: session.cookie, accept: 'text/html' } })).body;
    };
    const mine = await page('michelle@oost.test', '/inbox');
    const notice = /<section class="st-notice"[\s\S]*?<\/section>/.exec(mine)?.[0] ?? '';
    expect(notice).toContain('Noa Afmelder (Roermond)');
    expect(notice).toContain(`/inbox/c/${conv.id}`);
    expect(notice).toContain('huisbezoek');
    // Not for a colleague who does not hold it.
    expect(await page('karin@oost.test', '/inbox')).not.toContain('st-notice');

    const closed = await page('michelle@oost.test', '/inbox?view=closed');
    const row = new RegExp(`<li class="([^"]*)" data-conversation="${conv.id}">[\\s\\S]*?</li>`).exec(closed);
    expect(row).not.toBeNull();
    expect(row![1]).not.toContain('st-unanswered');
    expect(row![0]).toContain('afgemeld');
  });
});
