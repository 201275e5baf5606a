import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelContacts, channelUpdates, conversations, messages } from '../../db/schema/index.js';
import { startFakeTelegram } from '../../testing/fake-telegram.js';
import { telegramEnv, tg, TEST_BOT_TOKEN, TEST_WEBHOOK_SECRET } from '../helpers/telegram-updates.js';
import { createYoungsterWithCard, twoTeams } from '../helpers/fixtures.js';
import { login, staffPost, until } from '../helpers/http.js';
import { isolated, runningStack, type Isolated } from '../helpers/isolated.js';

const SECRET = TEST_WEBHOOK_SECRET;
let fake: Awaited<ReturnType<typeof startFakeTelegram>>;
let iso: Isolated;
let stack: Awaited<ReturnType<typeof runningStack>>;
let org: Awaited<ReturnType<typeof twoTeams>>;

beforeAll(async () => {
  fake = await startFakeTelegram(TEST_BOT_TOKEN);
  iso = await isolated(telegramEnv(fake.apiRoot));
  stack = await runningStack(iso);
  org = await twoTeams(iso.ctx.database.db);
});
afterAll(async () => {
  await stack?.close();
  await iso?.destroy();
  await fake?.close();
});

const db = () => iso.ctx.database.db;
function webhook(update: unknown, secret = SECRET) {
  return fetch(`${stack.baseUrl}/telegram/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
    body: JSON.stringify(update),
  });
}
const texts = (chatId: number) => fake.sent(chatId).map((c) => String(c.payload.text));
type Keyboard = { inline_keyboard: { text: string; callback_data: string }[][] };

describe('Telegram through grammY and the webhook', () => {
  it('deep link start -> greeting and menu as inline keyboard; button and free text reach the inbox; the reply goes out', async () => {
    const chat = 7001;
    const { token } = await createYoungsterWithCard(db(), org.oost.municipalities.Roermond!, org.michelle.id);

    const res = await webhook(tg.start(chat, token));
    expect(res.status).toBe(200);
    await until(async () => fake.sent(chat).length >= 2);
    expect(texts(chat)[0]).toContain('Hoi Sigfrid! Je praat met de chat van Michelle, jongerencoach van gemeente Roermond.');
    // Plain text with the full URL: Telegram makes it a link itself (no parse mode that could mangle it).
    expect(texts(chat)[0]).toMatch(/Zo gaan we om met je gegevens: http:\/\/lijntje\.test\/privacy(\s|$)/);
    expect(fake.sent(chat)[0]!.payload.parse_mode).toBeUndefined();
    const keyboard = fake.sent(chat)[1]!.payload.reply_markup as Keyboard;
    expect(keyboard.inline_keyboard.flat().map((b) => [b.text, b.callback_data])).toEqual([
      ['Chat met Michelle', 'chat'],
      ['Afspraak maken', 'visit'],
      ['Nee bedankt, geen contact', 'optout'],
    ]);

    await webhook(tg.button(chat, 'chat'));
    await until(async () => fake.calls.some((c) => c.method === 'answerCallbackQuery'));
    await until(async () => fake.sent(chat).length >= 3);
    expect(texts(chat)[2]).toContain('Michelle leest het');

    await webhook(tg.text(chat, 'Ik zoek een opleiding, kun je helpen?'));
    const inbound = await until(async () => {
      const [m] = await db().select().from(messages).where(eq(messages.body, 'Ik zoek een opleiding, kun je helpen?'));
      return m?.status === 'routed' ? m : null;
    });
    const [conv] = await db().select().from(conversations).where(eq(conversations.id, inbound.conversationId));
    expect(conv!.assignedTo).toBe(org.michelle.id);

    const michelle = await login(stack.app, 'michelle@oost.test');
    const reply = await staffPost(stack.app, michelle, `/inbox/c/${conv!.id}/replies`, { text: 'Zeker! Welke richting denk je aan?' });
    expect(reply.statusCode).toBe(201);
    await until(async () => texts(chat).includes('Zeker! Welke richting denk je aan?'));
    const sent = await until(async () => {
      const [m] = await db().select().from(messages).where(eq(messages.id, reply.json().message.id));
      return m?.status === 'sent' ? m : null;
    });
    expect(sent.externalId).toMatch(/^\d+$/);
  });

  it('ignores a re-sent update (same update_id) and rejects a wrong secret or a non-update', async () => {
    const chat = 7002;
    const { token } = await createYoungsterWithCard(db(), org.oost.municipalities.Maasgouw!, org.yusuf.id);
    await webhook(tg.start(chat, token));
    await until(async () => fake.sent(chat).length >= 2);
    const update = tg.text(chat, 'dit bericht komt twee keer binnen');
    const first = await webhook(update);
    expect(first.status).toBe(200);
    // No browser reads the webhook's answer: the pages' security headers are not built for it (they are for pages).
    expect(first.headers.get('content-security-policy')).toBeNull();
    expect((await fetch(`${stack.baseUrl}/login`)).headers.get('content-security-policy')).toContain("default-src 'self'");
    expect((await webhook(update)).status).toBe(200);
    await until(async () => (await db().select().from(messages).where(eq(messages.body, 'dit bericht komt twee keer binnen'))).length > 0);
    await new Promise((r) => setTimeout(r, 300));
    expect(await db().select().from(messages).where(eq(messages.body, 'dit bericht komt twee keer binnen'))).toHaveLength(1);
    // Handled in the request: only the message id is kept for de-duplication, never the update's text.
    const kept = await db().select().from(channelUpdates).where(eq(channelUpdates.channel, 'telegram'));
    expect(kept.some((u) => u.updateKey.endsWith(`:m${update.message.message_id}`))).toBe(true);
    expect(kept.every((u) => u.payload === null)).toBe(true);

    const before = (await db().select().from(channelUpdates)).length;
    expect((await webhook(tg.text(chat, 'x'), 'wrong-secret-000000000')).status).toBe(401);
    expect((await webhook(tg.text(chat, 'x'), '')).status).toBe(401);
    expect((await webhook({ hello: 'world' })).status).toBe(400);
    const broken = await fetch(`${stack.baseUrl}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: '{"update_id": 1,',
    });
    expect(broken.status).toBe(400);
    expect((await db().select().from(channelUpdates)).length).toBe(before);
  });

  it('answers an error when the message cannot be stored, so Telegram delivers it again - and then stores it once', async () => {
    const chat = 7010;
    const { token } = await createYoungsterWithCard(db(), org.oost.municipalities.Roermond!, org.yusuf.id);
    await webhook(tg.start(chat, token));
    await until(async () => fake.sent(chat).length >= 2);
    const update = tg.text(chat, 'dit bericht overleeft een storing');
    // The database refuses writes to the de-duplication table: nothing can be stored for this update.
    await iso.ctx.database.sql.unsafe('alter table channel_updates rename to channel_updates_away');
    try {
      expect((await webhook(update)).status).toBeGreaterThanOrEqual(500);
    } finally {
      await iso.ctx.database.sql.unsafe('alter table channel_updates_away rename to channel_updates');
    }
    const stored = () => db().select().from(messages).where(eq(messages.body, 'dit bericht overleeft een storing'));
    expect(await stored()).toHaveLength(0);
    // Telegram's re-delivery, twice for good measure: one message.
    expect((await webhook(update)).status).toBe(200);
    expect((await webhook(update)).status).toBe(200);
    expect(await stored()).toHaveLength(1);
  });

  it('honours 429 retry_after and still delivers everything, in order', async () => {
    const chat = 7003;
    const { token } = await createYoungsterWithCard(db(), org.oost.municipalities.Roermond!, org.michelle.id);
    fake.tooManyRequests(2, 1);
    await webhook(tg.start(chat, token));
    await until(async () => fake.sent(chat).length >= 2, 15_000);
    expect(texts(chat)[0]).toContain('Hoi Sigfrid');
    expect(texts(chat)[1]).toBe('Wat wil je?');
  });

  it('stop -> confirm -> yes: a goodbye, then silence whatever else is written or queued', async () => {
    const chat = 7004;
    const { token } = await createYoungsterWithCard(db(), org.oost.municipalities.Roermond!, org.michelle.id);
    await webhook(tg.start(chat, token));
    await until(async () => fake.sent(chat).length >= 2);
    await webhook(tg.text(chat, 'STOP'));
    await until(async () => fake.sent(chat).length >= 3);
    expect(texts(chat)[2]).toContain('Weet je het zeker?');
    await webhook(tg.button(chat, 'optout_yes'));
    await until(async () => fake.sent(chat).length >= 4);
    expect(texts(chat)[3]).toContain('je hoort niets meer van ons');
    const [contact] = await db().select().from(channelContacts).where(eq(channelContacts.externalId, String(chat)));
    expect(contact!.optedOutAt).toBeInstanceOf(Date);

    await webhook(tg.text(chat, 'hallo?'));
    await webhook(tg.start(chat, token));
    await new Promise((r) => setTimeout(r, 800));
    expect(fake.sent(chat)).toHaveLength(4);
  });

  it('someone without a card is asked for their municipality and then reaches that team', async () => {
    const chat = 7005;
    await webhook(tg.text(chat, 'hoi, ik heb mijn kaartje niet meer'));
    await until(async () => fake.sent(chat).length >= 1);
    expect(texts(chat)[0]).toContain('In welke gemeente woon je?');
    const buttons = (fake.sent(chat)[0]!.payload.reply_markup as Keyboard).inline_keyboard.flat();
    expect(buttons.map((b) => b.text)).toEqual(expect.arrayContaining(['Roermond', 'Maasgouw', 'Weert']));
    const weert = buttons.find((b) => b.text === 'Weert')!;
    expect(Buffer.byteLength(weert.callback_data)).toBeLessThanOrEqual(64);

    await webhook(tg.button(chat, weert.callback_data));
    const held = await until(async () => {
      const [m] = await db().select().from(messages).where(eq(messages.body, 'hoi, ik heb mijn kaartje niet meer'));
      return m?.status === 'routed' ? m : null;
    });
    const [conv] = await db().select().from(conversations).where(eq(conversations.id, held.conversationId));
    expect(conv!.municipalityId).toBe(org.west.municipalities.Weert);
    expect(conv!.assignedTo).toBe(org.bram.id);
    await until(async () => texts(chat).at(-1) === 'Wat wil je?');
    expect(texts(chat).at(-2)).toContain('jongerencoaches van gemeente Weert');
  });

  it('registers the webhook with its secret at start', async () => {
    await stack.channels.registerTelegramWebhook();
    const call = fake.calls.find((c) => c.method === 'setWebhook');
    expect(call?.payload).toMatchObject({ url: 'http://lijntje.test/telegram/webhook', secret_token: SECRET });
  });

  it('a crisis message gets 113/112 at once and shows urgent to the coach; an opt-out closes the reply box', async () => {
    const chat = 7006;
    const { token } = await createYoungsterWithCard(db(), org.oost.municipalities.Roermond!, org.michelle.id);
    await webhook(tg.start(chat, token));
    await until(async () => fake.sent(chat).length >= 2);
    await webhook(tg.text(chat, 'ik wil niet meer leven'));
    await until(async () => texts(chat).some((t) => t.includes('0800-0113')));
    const msg = await until(async () => {
      const [m] = await db().select().from(messages).where(eq(messages.body, 'ik wil niet meer leven'));
      return m?.status === 'routed' ? m : null;
    });
    const michelle = await login(stack.app, 'michelle@oost.test');
    const page = () =>
      stack.app.inject({ method: 'GET', url: `/inbox/c/${msg.conversationId}`, headers: { cookie: michelle.cookie, accept: 'text/html' } });
    const urgent = await page();
    expect(urgent.body).toContain('st-flag-urgent');
    const list = await stack.app.inject({ method: 'GET', url: '/inbox', headers: { cookie: michelle.cookie, accept: 'text/html' } });
    expect(list.body.indexOf(msg.conversationId)).toBeGreaterThan(-1);
    expect(list.body).toContain('st-urgent');

    await webhook(tg.text(chat, 'stop'));
    await webhook(tg.text(chat, 'ja'));
    await until(async () => texts(chat).some((t) => t.includes('je hoort niets meer van ons')));
    const stopped = await page();
    expect(stopped.body).toContain('st-flag-stopped');
    expect(stopped.body).not.toContain('id="reply"');
  });
});
