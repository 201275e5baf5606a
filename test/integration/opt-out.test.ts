import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countInboxViews, listInbox } from '../../db/queries/inbox.js';
import { cards, channelContacts, conversations, erasureRequests, events, messages } from '../../db/schema/index.js';
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
  // What an opt-out does before the erasure: the erasure is held off here (an hour), test/integration/opt-out-erasure.test.ts erases.
  t = await startTestStack({ env: { ERASURE_DELAY_MS: '3600000', ERASURE_GRACE_MS: '3600000' } });
});
afterAll(async () => t?.close());

const db = () => t.db;
const ROERMOND = () => t.org.oost.municipalities.Roermond!;

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

/** Opens the chat page of a card in a fresh browser (no cookie): the status says whether the card still works. */
async function openChatRaw(token: string) {
  return t.stack.app.inject({ method: 'POST', url: `/k/${token}/start`, headers: { 'content-type': 'application/json' }, payload: '{}' });
}

async function conversationOf(youngsterId: string) {
  const [conv] = await db().select().from(conversations).where(eq(conversations.youngsterId, youngsterId));
  return conv!;
}

describe('the same card after an opt-out', () => {
  it('is revoked at once: another browser gets the neutral page, its messages and the short link say nothing about the person', async () => {
    const { token, youngster } = await createYoungsterWithCard(db(), ROERMOND(), t.org.michelle.id, { firstName: 'Noor', lastName: 'Verborgen' });
    const chat = await optOutInBrowser(token);
    const [card] = await db().select().from(cards).where(eq(cards.youngsterId, youngster.id));
    expect(card!.status).toBe('revoked');

    for (const url of [`/k/${token}`, `/k/${token}/chat`, `/c/${card!.shortCode}`]) {
      const res = await t.stack.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.body, url).not.toMatch(/Noor|Verborgen|Michelle|Roermond/);
    }
    const other = await openChatRaw(token);
    expect(other.statusCode).toBe(404);
    // The browser that said no still reads its own goodbye (until the erasure), and cannot write on.
    expect((await shown(token, chat.cookie)).optedOut).toBe(true);
    const hallo = await postChat(t.stack.app, token, chat.cookie, { text: 'hallo', clientId: 'hallo-after-optout' });
    expect(hallo.statusCode).toBe(410);
    const conv = await conversationOf(youngster.id);
    const rows = await db().select().from(messages).where(eq(messages.conversationId, conv.id));
    expect(rows.filter((m) => m.body === 'hallo')).toHaveLength(0);
  });

  it('a messenger start with the revoked card links to nobody: no greeting by name, nothing for the old conversation', async () => {
    const { token, youngster } = await createYoungsterWithCard(db(), ROERMOND(), t.org.michelle.id);
    await optOutInBrowser(token);
    const conv = await conversationOf(youngster.id);
    const before = await db().select().from(messages).where(eq(messages.conversationId, conv.id));
    await t.stack.channels.dialogue.handle({
      channel: 'whatsapp',
      externalContactId: '31600000001@s.whatsapp.net',
      externalMessageId: 'wa-1',
      event: { type: 'start', token, text: `Hoi! Mijn kaartcode is ${token}` },
    });
    const [contact] = await db().select().from(channelContacts).where(eq(channelContacts.externalId, '31600000001@s.whatsapp.net'));
    expect(contact!.youngsterId).toBeNull();
    expect(contact!.dialogueState).toBe('ask_municipality');
    expect(await db().select().from(messages).where(eq(messages.conversationId, conv.id))).toHaveLength(before.length);
  });

  it('queues the erasure, with the goodbye it waits for', async () => {
    const { token, youngster } = await createYoungsterWithCard(db(), ROERMOND(), t.org.michelle.id);
    await optOutInBrowser(token);
    const [request] = await db().select().from(erasureRequests).where(eq(erasureRequests.youngsterId, youngster.id));
    expect(request).toMatchObject({ reason: 'opt_out', erasedAt: null, municipalityId: ROERMOND() });
    const [goodbye] = await db().select().from(messages).where(eq(messages.id, request!.goodbyeMessageId!));
    expect(goodbye).toMatchObject({ isOptOutAck: true, status: 'sent' });
    expect(request!.dueAt.getTime() - request!.requestedAt.getTime()).toBe(24 * 3600_000);
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
    // Without content: no name, no link to the conversation that is about to disappear.
    expect(notice).toContain('vroeg om geen contact');
    expect(notice).toContain('gewist');
    expect(notice).not.toContain('Noa');
    expect(notice).not.toContain('Afmelder');
    expect(notice).not.toContain(conv.id);
    // Not for a colleague who does not hold it.
    expect(await page('karin@oost.test', '/inbox')).not.toContain('st-notice');

    const closed = await page('michelle@oost.test', '/inbox?view=closed');
    const row = new RegExp(`<li class="([^"]*)" data-conversation="${conv.id}">[\\s\\S]*?</li>`).exec(closed);
    expect(row).not.toBeNull();
    expect(row![1]).not.toContain('st-unanswered');
    expect(row![0]).toContain('afgemeld');
  });
});
