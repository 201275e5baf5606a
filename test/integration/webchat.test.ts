import { and, eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cards, channelContacts, conversations, events, messages, staffUsers } from '../../db/schema/index.js';
import { buildWebApp } from '../../bin/services.js';
import { createYoungsterWithCard, twoTeams } from '../helpers/fixtures.js';
import { openChat, postChat } from '../helpers/http.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

let iso: Isolated;
let app: FastifyInstance;
let org: Awaited<ReturnType<typeof twoTeams>>;
let card: Awaited<ReturnType<typeof createYoungsterWithCard>>;

beforeAll(async () => {
  iso = await isolated();
  app = await buildWebApp(iso.ctx);
  org = await twoTeams(iso.ctx.database.db);
  card = await createYoungsterWithCard(iso.ctx.database.db, org.oost.municipalities.Roermond!, org.michelle.id);
});
afterAll(async () => {
  await app?.close();
  await iso?.destroy();
});

const db = () => iso.ctx.database.db;
const countMessages = async () => (await db().select({ n: sql<number>`count(*)::int` }).from(messages))[0]!.n;

describe('card landing page', () => {
  it("greets in the coach's name, says it is voluntary, and records an anonymous scan", async () => {
    const before = await db().select().from(events).where(eq(events.type, 'card.scanned'));
    const res = await app.inject({ method: 'GET', url: `/k/${card.token}`, headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Michelle');
    expect(res.body).toContain('Roermond');
    expect(res.body).toContain('vrijblijvend');
    expect(res.body).toContain(`/k/${card.token}/chat`);
    // The youngster's own name is not on a page anyone holding the card can open.
    expect(res.body).not.toContain('Sigfrid');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    const after = await db().select().from(events).where(eq(events.type, 'card.scanned'));
    expect(after).toHaveLength(before.length + 1);
    const scan = after.at(-1)!;
    expect(scan.subject).toBe(card.youngster.monitoringKey);
    expect(scan.data).toEqual({});
  });

  it('speaks English when asked', async () => {
    const res = await app.inject({ method: 'GET', url: `/k/${card.token}?lang=en` });
    expect(res.body).toContain('youth coach');
    expect(res.body).toContain('<html lang="en">');
  });

  it.each([
    ['unknown token', 'AAAAAAAAAAAAAAAAAAAAAA'],
    ['too long', 'a'.repeat(200)],
    ['odd characters', '%F0%9F%98%80%E2%80%AEabcdefghijklmnopqrstu'],
    ['path tricks', '..%2F..%2Fetc%2Fpasswd'],
  ])('shows a friendly page, not an error dump, for an %s', async (_label, token) => {
    const res = await app.inject({ method: 'GET', url: `/k/${token}`, headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('Deze link werkt niet');
    expect(res.body).not.toMatch(/stack|Error:|at \//);
  });

  it('treats a revoked card like an unknown one', async () => {
    const other = await createYoungsterWithCard(db(), org.oost.municipalities.Roermond!, org.michelle.id);
    await db().update(cards).set({ status: 'revoked', revokedAt: new Date() }).where(eq(cards.id, other.card.id));
    for (const url of [`/k/${other.token}`, `/k/${other.token}/chat`]) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(404);
      expect(res.body).toContain('Deze link werkt niet');
    }
  });
});

describe('web chat', () => {
  it('gives each browser its own device cookie, scoped to the card and HttpOnly', async () => {
    const chat = await openChat(app, card.token);
    expect(chat.status).toBe(200);
    expect(chat.jar.get('lj_chat')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const contacts = await db().select().from(channelContacts).where(eq(channelContacts.cardId, card.card.id));
    // Only a hash of the device secret is stored.
    expect(contacts.map((c) => c.externalId)).not.toContain(chat.jar.get('lj_chat'));
  });

  it("stores a message routed at once to the card's casemanager: no routing job, the decision recorded", async () => {
    const chat = await openChat(app, card.token);
    const res = await postChat(app, card.token, chat.cookie, { text: 'hoi', clientId: 'client-0001' });
    expect(res.statusCode).toBe(201);
    const { message } = res.json();
    expect(message).toMatchObject({ direction: 'in', body: 'hoi' });
    const [row] = await db().select().from(messages).where(eq(messages.id, message.id));
    expect(row).toMatchObject({ body: 'hoi', status: 'routed', channel: 'web', direction: 'in' });
    expect(await iso.ctx.queues.inbound.getJob(`in-${message.id}`)).toBeUndefined();
    const [conv] = await db().select().from(conversations).where(eq(conversations.id, row!.conversationId));
    expect(conv?.assignedTo).toBe(org.michelle.id);
    const routed = await db().select().from(events).where(and(eq(events.type, 'conversation.routed'), eq(events.conversationId, row!.conversationId)));
    expect(routed.map((e) => ({ actor: e.actorStaffId, data: e.data }))).toEqual([
      { actor: org.michelle.id, data: { reason: 'card', changed: true, previousAssignee: null } },
    ]);
  });

  it('leaves a message whose card casemanager is away to the routing worker, enqueueing only its id', async () => {
    const away = await createYoungsterWithCard(db(), org.oost.municipalities.Roermond!, org.yusuf.id);
    await db().update(staffUsers).set({ absentUntil: new Date(Date.now() + 86_400_000) }).where(eq(staffUsers.id, org.yusuf.id));
    try {
      const chat = await openChat(app, away.token);
      const res = await postChat(app, away.token, chat.cookie, { text: 'hallo?', clientId: 'client-0002' });
      expect(res.statusCode).toBe(201);
      const { message } = res.json();
      const [row] = await db().select().from(messages).where(eq(messages.id, message.id));
      expect(row).toMatchObject({ body: 'hallo?', status: 'received' });
      const job = await iso.ctx.queues.inbound.getJob(`in-${message.id}`);
      expect(job?.data).toEqual({ messageId: message.id });
    } finally {
      await db().update(staffUsers).set({ absentUntil: null }).where(eq(staffUsers.id, org.yusuf.id));
    }
  });

  it("puts the bot's answer after the message it answers, and queues only the head of the contact's line", async () => {
    const fresh = await createYoungsterWithCard(db(), org.oost.municipalities.Roermond!, org.michelle.id, { firstName: 'Volgorde' });
    const chat = await openChat(app, fresh.token);
    const res = await postChat(app, fresh.token, chat.cookie, { text: 'eerst ik', clientId: 'client-order-1' });
    expect(res.statusCode).toBe(201);
    const [mine] = await db().select().from(messages).where(eq(messages.id, res.json().message.id));
    const thread = await db().select().from(messages).where(eq(messages.conversationId, mine!.conversationId)).orderBy(messages.seq);
    const at = thread.findIndex((m) => m.id === mine!.id);
    const after = thread.slice(at + 1);
    // The acknowledgement ("Dank je voor je bericht! ...") answers it, so it comes after it.
    expect(after.map((m) => m.kind)).toContain('bot');
    expect(thread.slice(0, at).every((m) => m.kind === 'bot' && m.body !== after[0]!.body)).toBe(true);
    const ack = after.find((m) => m.kind === 'bot')!;
    expect(ack.seq).toBeGreaterThan(thread[at]!.seq);
    // Only the head of the contact's line is on the queue (no worker runs here, so the greeting still waits).
    const queued = thread.filter((m) => m.direction === 'out' && m.status === 'queued');
    expect(queued.map((m) => m.id)).toContain(ack.id);
    expect(await iso.ctx.queues.outbound.web.getJob(`out-${queued[0]!.id}-r0`)).toBeTruthy();
    expect(await iso.ctx.queues.outbound.web.getJob(`out-${ack.id}-r0`)).toBeFalsy();
  });

  it('stores a re-sent message (same client id) once', async () => {
    const chat = await openChat(app, card.token);
    const first = await postChat(app, card.token, chat.cookie, { text: 'dubbel?', clientId: 'client-dup-1' });
    const again = await postChat(app, card.token, chat.cookie, { text: 'dubbel?', clientId: 'client-dup-1' });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(200);
    expect(again.json().duplicate).toBe(true);
    const rows = await db().select().from(messages).where(eq(messages.body, 'dubbel?'));
    expect(rows).toHaveLength(1);
  });

  it.each([
    ['empty', { text: '' }, 400, 'message_empty'],
    ['whitespace only', { text: '  \n ' }, 400, 'message_empty'],
    ['10 kB', { text: 'x'.repeat(10 * 1024) }, 413, 'message_too_long'],
    ['not a string', { text: 12 }, 400, 'invalid_input'],
    ['missing text', { hello: 'x' }, 400, 'invalid_input'],
    ['bad client id', { text: 'hoi', clientId: '<script>' }, 400, 'invalid_input'],
  ])('refuses a %s message with a clear 4xx and stores nothing', async (_label, body, status, code) => {
    const chat = await openChat(app, card.token);
    const before = await countMessages();
    const res = await postChat(app, card.token, chat.cookie, body);
    expect(res.statusCode).toBe(status);
    expect(res.json().error).toBe(code);
    expect(await countMessages()).toBe(before);
  });

  it('refuses malformed JSON and non-JSON bodies', async () => {
    const chat = await openChat(app, card.token);
    const before = await countMessages();
    const broken = await app.inject({
      method: 'POST',
      url: `/k/${card.token}/messages`,
      headers: { cookie: chat.cookie, 'content-type': 'application/json' },
      payload: '{"text": "hoi"',
    });
    expect(broken.statusCode).toBe(400);
    const form = await app.inject({
      method: 'POST',
      url: `/k/${card.token}/messages`,
      headers: { cookie: chat.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'text=hoi',
    });
    expect(form.statusCode).toBe(415);
    expect(await countMessages()).toBe(before);
  });

  it('keeps odd Unicode as written (emoji, RTL override, combining marks), minus what cannot be stored', async () => {
    const chat = await openChat(app, card.token);
    const text = 'hé 👋🏽 \u202Egnp.exe\u202C Z̸̢͓a̷l̵g̶o\u0000!';
    const res = await postChat(app, card.token, chat.cookie, { text });
    expect(res.statusCode).toBe(201);
    const [row] = await db().select().from(messages).where(eq(messages.id, res.json().message.id));
    expect(row!.body).toBe(text.replace('\u0000', '').normalize('NFC'));
  });

  it('refuses a post without a chat session, and never mixes two browsers', async () => {
    const none = await postChat(app, card.token, '', { text: 'hoi' });
    expect(none.statusCode).toBe(409);

    const mine = await openChat(app, card.token);
    await postChat(app, card.token, mine.cookie, { text: 'alleen voor mij' });
    const someoneElse = await openChat(app, card.token);
    const history = await app.inject({ method: 'GET', url: `/k/${card.token}/messages`, headers: { cookie: someoneElse.cookie } });
    expect(history.json().messages.map((m: { body: string }) => m.body)).not.toContain('alleen voor mij');
    const own = await app.inject({ method: 'GET', url: `/k/${card.token}/messages`, headers: { cookie: mine.cookie } });
    expect(own.json().messages.map((m: { body: string }) => m.body)).toContain('alleen voor mij');
  });

  it("does not accept a device cookie of one card on another card's chat", async () => {
    const other = await createYoungsterWithCard(db(), org.oost.municipalities.Maasgouw!, org.yusuf.id);
    const chat = await openChat(app, card.token);
    const res = await postChat(app, other.token, `lj_chat=${chat.jar.get('lj_chat')}`, { text: 'hoi' });
    expect(res.statusCode).toBe(409);
  });

  it('puts every message of one youngster in one conversation', async () => {
    const a = await openChat(app, card.token);
    const b = await openChat(app, card.token);
    const [ra, rb] = await Promise.all([
      postChat(app, card.token, a.cookie, { text: 'van telefoon' }),
      postChat(app, card.token, b.cookie, { text: 'van laptop' }),
    ]);
    const ids = await db()
      .select({ c: messages.conversationId })
      .from(messages)
      .where(sql`${messages.id} in (${ra.json().message.id}, ${rb.json().message.id})`);
    expect(new Set(ids.map((r) => r.c)).size).toBe(1);
  });
});

describe('privacy page', () => {
  it("reached from a card's pages, leads back to its chat and landing page", async () => {
    for (const from of [`/k/${card.token}`, `/k/${card.token}/chat`]) {
      const page = await app.inject({ method: 'GET', url: from });
      expect(page.body).toContain(`href="/k/${card.token}/privacy?lang=nl"`);
    }
    const res = await app.inject({ method: 'GET', url: `/k/${card.token}/privacy?lang=en` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Your data');
    expect(res.body).toContain(`href="/k/${card.token}/chat?lang=en"`);
    expect(res.body).toContain(`href="/k/${card.token}?lang=en"`);
    expect(res.body).toContain(`href="/k/${card.token}/privacy?lang=nl"`);
    expect((await app.inject({ method: 'GET', url: '/k/AAAAAAAAAAAAAAAAAAAAAA/privacy' })).statusCode).toBe(404);
  });

  it('on its own (the link in a messenger) has no card to go back to', async () => {
    const res = await app.inject({ method: 'GET', url: '/privacy' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Jouw gegevens');
    expect(res.body).not.toContain('/k/');
  });
});

describe('favicon', () => {
  it('is named by the youngster pages and the staff app, served as SVG, and found the old way too', async () => {
    for (const url of [`/k/${card.token}`, `/k/${card.token}/chat`, '/privacy', '/login']) {
      const page = await app.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
      expect(page.body, url).toContain('<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">');
    }
    const icon = await app.inject({ method: 'GET', url: '/assets/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toContain('image/svg+xml');
    expect(icon.body).toMatch(/^<svg /);
    const old = await app.inject({ method: 'GET', url: '/favicon.ico' });
    expect(old.statusCode).toBe(301);
    expect(old.headers.location).toBe('/assets/favicon.svg');
  });
});
