import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelContacts, conversations, events, messages } from '../../db/schema/index.js';
import { createYoungsterWithCard } from '../helpers/fixtures.js';
import { login, openChat, postChat, until } from '../helpers/http.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { openSse } from '../helpers/sse.js';

let t: TestStack;
let iso: TestStack['iso'];
let stack: TestStack['stack'];
let org: TestStack['org'];

beforeAll(async () => {
  t = await startTestStack();
  ({ iso, stack, org } = t);
});
afterAll(async () => t?.close());

const db = () => iso.ctx.database.db;

describe('one message from a scanned card to the casemanager and back', () => {
  it('routes to the card casemanager, shows up live in scope only, and the reply reaches the web chat', async () => {
    const { token, card } = await createYoungsterWithCard(db(), org.oost.municipalities.Roermond!, org.michelle.id);
    const michelle = await login(stack.app, 'michelle@oost.test');
    const bram = await login(stack.app, 'bram@west.test'); // other team: must see nothing
    const michelleLive = openSse(`${stack.baseUrl}/inbox/events`, { cookie: michelle.cookie });
    const bramLive = openSse(`${stack.baseUrl}/inbox/events`, { cookie: bram.cookie });
    expect(await michelleLive.ready).toBe(200);
    expect(await bramLive.ready).toBe(200);

    const chat = await openChat(stack.app, token);
    const youngsterLive = openSse(`${stack.baseUrl}/k/${token}/events`, { cookie: chat.cookie });
    await youngsterLive.ready;

    const sent = await postChat(stack.app, token, chat.cookie, { text: 'hoi' });
    expect(sent.statusCode).toBe(201);
    const messageId = sent.json().message.id as string;

    // Live in the casemanager's inbox, with the text re-read from the database.
    const pushed = await michelleLive.waitFor(
      (e) => e.event === 'inbox' && (e.data as { message?: { id: string } }).message?.id === messageId,
    );
    const data = pushed.data as { conversation: { id: string; assignedTo: string }; message: { id: string; body: string }; forMe: boolean };
    expect(data.message).toMatchObject({ id: messageId, body: 'hoi' });
    expect(data.conversation.assignedTo).toBe(org.michelle.id);
    expect(data.forMe).toBe(true);

    const [routed] = await db().select().from(messages).where(eq(messages.id, messageId));
    expect(routed!.status).toBe('routed');
    const [conv] = await db().select().from(conversations).where(eq(conversations.id, routed!.conversationId));
    expect(conv!.assignedTo).toBe(org.michelle.id);
    const routingEvents = await db().select().from(events).where(eq(events.type, 'conversation.routed'));
    expect(routingEvents.at(-1)!.data).toMatchObject({ reason: 'card', changed: true });

    // The casemanager answers from the conversation page.
    const page = await stack.app.inject({
      method: 'GET',
      url: `/inbox/c/${conv!.id}`,
      headers: { cookie: michelle.cookie, accept: 'text/html' },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('hoi');
    const reply = await stack.app.inject({
      method: 'POST',
      url: `/inbox/c/${conv!.id}/replies`,
      headers: { cookie: michelle.cookie, 'content-type': 'application/json', 'x-csrf-token': michelle.csrf },
      payload: JSON.stringify({ text: 'Hoi Sigfrid! Fijn dat je schrijft.', clientId: 'reply-0001' }),
    });
    expect(reply.statusCode).toBe(201);
    const replyId = reply.json().message.id as string;

    const arrived = await youngsterLive.waitFor((e) => e.event === 'message' && (e.data as { id: string }).id === replyId);
    expect(arrived.data).toMatchObject({ id: replyId, direction: 'out', body: 'Hoi Sigfrid! Fijn dat je schrijft.', author: 'Michelle' });
    const [delivered] = await db().select().from(messages).where(eq(messages.id, replyId));
    expect(delivered).toMatchObject({ status: 'sent', contactId: sent.json().message ? delivered!.contactId : null });
    expect(delivered!.sentAt).toBeInstanceOf(Date);

    // The delivered state reaches the inbox too, and nothing of Oost ever reached West.
    await michelleLive.waitFor((e) => {
      const m = (e.data as { message?: { id: string; status: string } }).message;
      return e.event === 'inbox' && m?.id === replyId && m.status === 'sent';
    });
    expect(bramLive.received.filter((e) => e.event === 'inbox')).toHaveLength(0);

    // History after a reload holds the bot's greeting, the youngster's message and the reply, in order.
    const history = await stack.app.inject({ method: 'GET', url: `/k/${token}/messages`, headers: { cookie: chat.cookie } });
    const all = history.json().messages as { body: string; kind: string }[];
    expect(all[0]!.body).toContain('Je praat met de chat van Michelle');
    expect(all.filter((m) => m.kind !== 'bot').map((m) => m.body)).toEqual(['hoi', 'Hoi Sigfrid! Fijn dat je schrijft.']);
    expect(card.id).toBeTruthy();

    for (const s of [michelleLive, bramLive, youngsterLive]) s.close();
  });

  it('sends the same reply once when the staff client retries it', async () => {
    const { token } = await createYoungsterWithCard(db(), org.oost.municipalities.Maasgouw!, org.yusuf.id);
    const chat = await openChat(stack.app, token);
    const sent = await postChat(stack.app, token, chat.cookie, { text: 'hallo?' });
    const yusuf = await login(stack.app, 'yusuf@oost.test');
    const conversationId = (await db().select().from(messages).where(eq(messages.id, sent.json().message.id)))[0]!.conversationId;
    const post = () =>
      stack.app.inject({
        method: 'POST',
        url: `/inbox/c/${conversationId}/replies`,
        headers: { cookie: yusuf.cookie, 'content-type': 'application/json', 'x-csrf-token': yusuf.csrf },
        payload: JSON.stringify({ text: 'Hoi!', clientId: 'same-click-01' }),
      });
    const [a, b] = await Promise.all([post(), post()]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 201]);
    const outs = await db().select().from(messages).where(eq(messages.conversationId, conversationId));
    expect(outs.filter((m) => m.direction === 'out' && m.kind !== 'bot')).toHaveLength(1);
  });

  it('never sends to a contact that opted out, whatever was already queued', async () => {
    const { token } = await createYoungsterWithCard(db(), org.oost.municipalities.Roermond!, org.michelle.id);
    const chat = await openChat(stack.app, token);
    const sent = await postChat(stack.app, token, chat.cookie, { text: 'eigenlijk liever niet' });
    const [inbound] = await db().select().from(messages).where(eq(messages.id, sent.json().message.id));
    const michelle = await login(stack.app, 'michelle@oost.test');

    await stack.workers!.delivery('web')!.pause();
    const reply = await stack.app.inject({
      method: 'POST',
      url: `/inbox/c/${inbound!.conversationId}/replies`,
      headers: { cookie: michelle.cookie, 'content-type': 'application/json', 'x-csrf-token': michelle.csrf },
      payload: JSON.stringify({ text: 'Jammer, maar helemaal goed.' }),
    });
    expect(reply.statusCode).toBe(201);
    // Opt-out lands while the reply waits in the queue.
    await db().update(channelContacts).set({ optedOutAt: new Date() }).where(eq(channelContacts.id, inbound!.contactId!));
    const youngsterLive = openSse(`${stack.baseUrl}/k/${token}/events`, { cookie: chat.cookie });
    await youngsterLive.ready;
    stack.workers!.delivery('web')!.resume();

    const id = reply.json().message.id as string;
    const final = await until(async () => {
      const [m] = await db().select().from(messages).where(eq(messages.id, id));
      return m && m.status !== 'queued' && m.status !== 'sending' ? m : null;
    });
    expect(final.status).toBe('cancelled');
    expect(youngsterLive.received.filter((e) => e.event === 'message')).toHaveLength(0);

    // And the inbox refuses new replies to them outright.
    const again = await stack.app.inject({
      method: 'POST',
      url: `/inbox/c/${inbound!.conversationId}/replies`,
      headers: { cookie: michelle.cookie, 'content-type': 'application/json', 'x-csrf-token': michelle.csrf },
      payload: JSON.stringify({ text: 'Nog één ding…' }),
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toBe('opted_out');
    youngsterLive.close();
  });

  it('refuses a reply to a conversation that has no channel yet', async () => {
    const { youngster } = await createYoungsterWithCard(db(), org.oost.municipalities.Roermond!, org.michelle.id);
    const [conv] = await db()
      .insert(conversations)
      .values({ municipalityId: youngster.municipalityId, youngsterId: youngster.id })
      .returning();
    const michelle = await login(stack.app, 'michelle@oost.test');
    const res = await stack.app.inject({
      method: 'POST',
      url: `/inbox/c/${conv!.id}/replies`,
      headers: { cookie: michelle.cookie, 'content-type': 'application/json', 'x-csrf-token': michelle.csrf },
      payload: JSON.stringify({ text: 'Hoi' }),
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toBe('no_channel');
  });
});
