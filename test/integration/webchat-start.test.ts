import { and, eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../core/hash.js';
import { formatLocalInput } from '../../core/local-time.js';
import { newSecret } from '../../core/tokens.js';
import { cards, channelContacts, events, messages } from '../../db/schema/index.js';
import { buildWebApp } from '../../bin/services.js';
import { createYoungsterWithCard, twoTeams } from '../helpers/fixtures.js';
import { cookieJar, openChat, startChat } from '../helpers/http.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

/**
 * Opening a card's chat page writes nothing: a link-preview robot, a plain curl
 * or a reload must not greet anyone again. The page's own script starts the
 * chat with a POST, and a contact is greeted once. A scan of the card's landing
 * page is counted once per device and day.
 */
let iso: Isolated;
let app: FastifyInstance;
let org: Awaited<ReturnType<typeof twoTeams>>;

beforeAll(async () => {
  iso = await isolated();
  app = await buildWebApp(iso.ctx);
  org = await twoTeams(iso.ctx.database.db);
});
afterAll(async () => {
  await app?.close();
  await iso?.destroy();
});

const db = () => iso.ctx.database.db;
const newCard = () => createYoungsterWithCard(db(), org.oost.municipalities.Roermond!, org.michelle.id);
const count = async (table: typeof messages | typeof events | typeof channelContacts) =>
  (await db().select({ n: sql<number>`count(*)::int` }).from(table))[0]!.n;
const scans = async (monitoringKey: string) =>
  (await db().select().from(events).where(and(eq(events.type, 'card.scanned'), eq(events.subject, monitoringKey)))).length;
const greetings = (contactId: string) =>
  db()
    .select()
    .from(messages)
    .where(and(eq(messages.contactId, contactId), sql`${messages.body} like 'Hoi%Je praat met de chat van%'`));

describe('opening the chat page', () => {
  it('like curl or a link-preview robot (no script): stores no message, no event and no contact', async () => {
    const { token } = await newCard();
    const before = { messages: await count(messages), events: await count(events), contacts: await count(channelContacts) };
    for (const headers of [{ accept: 'text/html' }, { 'user-agent': 'curl/8.5.0', accept: '*/*' }, { 'user-agent': 'WhatsApp/2.24', accept: '*/*' }]) {
      const res = await app.inject({ method: 'GET', url: `/k/${token}/chat`, headers });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('id="chat"');
    }
    const head = await app.inject({ method: 'HEAD', url: `/k/${token}/chat` });
    expect(head.statusCode).toBe(200);
    expect({ messages: await count(messages), events: await count(events), contacts: await count(channelContacts) }).toEqual(before);
  });

  it('two page loads in one browser (each starting the chat) greet once', async () => {
    const { token } = await newCard();
    const first = await openChat(app, token);
    expect(first.status).toBe(200);
    const again = await startChat(app, token, first.jar);
    expect(again.statusCode).toBe(200);
    const [contact] = await db().select().from(channelContacts).where(eq(channelContacts.externalId, sha256(first.jar.get('lj_chat')!)));
    expect(contact).toBeDefined();
    expect(await greetings(contact!.id)).toHaveLength(1);
    // Only the greeting and its menu: no "Hoi weer!" for a reload.
    const all = await db().select().from(messages).where(eq(messages.contactId, contact!.id));
    expect(all).toHaveLength(2);
  });

  it('starts racing each other in one browser (two tabs opened at once) still greet once', async () => {
    const { token } = await newCard();
    // A browser that holds its device cookie already, but whose contact does not exist yet.
    const jar = cookieJar();
    jar.take(`lj_chat=${newSecret(32)}; Path=/k/${token}`);
    const starts = await Promise.all([startChat(app, token, jar), startChat(app, token, jar), startChat(app, token, jar)]);
    expect(starts.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    const contacts = await db().select().from(channelContacts).where(eq(channelContacts.cardId, (await cardId(token))!));
    expect(contacts).toHaveLength(1);
    expect(await greetings(contacts[0]!.id)).toHaveLength(1);
    expect(await db().select().from(messages).where(eq(messages.contactId, contacts[0]!.id))).toHaveLength(2);
  });

  it('a start links the card once: one "contact.linked" event per browser, none for a reload', async () => {
    const { token, youngster } = await newCard();
    const linked = async () =>
      (await db().select().from(events).where(and(eq(events.type, 'contact.linked'), eq(events.subject, youngster.monitoringKey)))).length;
    const chat = await openChat(app, token);
    await startChat(app, token, chat.jar);
    await startChat(app, token, chat.jar);
    expect(await linked()).toBe(1);
    await openChat(app, token); // another browser
    expect(await linked()).toBe(2);
  });

  it('starts only from our own page: JSON, not a cross-site form', async () => {
    const { token } = await newCard();
    const before = await count(channelContacts);
    const form = await app.inject({
      method: 'POST',
      url: `/k/${token}/start`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'x=1',
    });
    expect(form.statusCode).toBe(415);
    const unknown = await app.inject({
      method: 'POST',
      url: '/k/AAAAAAAAAAAAAAAAAAAAAA/start',
      headers: { 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(unknown.statusCode).toBe(404);
    expect(await count(channelContacts)).toBe(before);
  });
});

describe('counting card scans', () => {
  it('once per device and day, without storing anything about the device', async () => {
    const { token, youngster } = await newCard();
    const phone = cookieJar();
    const visit = async (jar: ReturnType<typeof cookieJar>) => {
      const res = await app.inject({ method: 'GET', url: `/k/${token}`, headers: { accept: 'text/html', cookie: jar.header(), 'user-agent': 'Mozilla/5.0 (iPhone)' } });
      expect(res.statusCode).toBe(200);
      jar.take(res.headers['set-cookie']);
      return res;
    };
    const first = await visit(phone);
    await visit(phone);
    await visit(phone);
    expect(await scans(youngster.monitoringKey)).toBe(1);
    // The mark is a day, scoped to this card's pages, and not readable by script.
    const set = [first.headers['set-cookie']].flat().find((c) => c?.startsWith('lj_scan='))!;
    expect(set).toContain(`Path=/k/${token}`);
    expect(set).toContain('HttpOnly');
    expect(phone.get('lj_scan')).toBe(formatLocalInput(new Date()).date);

    // Another device counts too.
    await visit(cookieJar());
    expect(await scans(youngster.monitoringKey)).toBe(2);

    // The same phone on a later day counts again.
    const yesterday = cookieJar();
    yesterday.take('lj_scan=2020-01-01; Path=/');
    await visit(yesterday);
    expect(await scans(youngster.monitoringKey)).toBe(3);

    // A HEAD request (link checkers) and a browser's speculative prefetch are not scans.
    await app.inject({ method: 'HEAD', url: `/k/${token}` });
    await app.inject({ method: 'GET', url: `/k/${token}`, headers: { 'sec-purpose': 'prefetch' } });
    expect(await scans(youngster.monitoringKey)).toBe(3);

    const stored = await db().select().from(events).where(eq(events.subject, youngster.monitoringKey));
    expect(JSON.stringify(stored)).not.toMatch(/Mozilla|iPhone|127\.0\.0\.1/);
  });
});

async function cardId(token: string) {
  const [row] = await db().select({ id: cards.id }).from(cards).where(eq(cards.token, token));
  return row?.id;
}
