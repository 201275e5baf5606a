import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelContacts, messages } from '../../db/schema/index.js';
import { buildWebApp } from '../../bin/services.js';
import { createYoungsterWithCard, PASSWORD, twoTeams } from '../helpers/fixtures.js';
import { login, openChat } from '../helpers/http.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

/** The throttles on sign-in and the web chat, with small limits so a test can reach them. */
let iso: Isolated;
let app: FastifyInstance;
let org: Awaited<ReturnType<typeof twoTeams>>;

beforeAll(async () => {
  iso = await isolated({ LOGIN_ATTEMPTS_PER_MINUTE: '5', CHAT_MESSAGES_PER_MINUTE: '3' });
  app = await buildWebApp(iso.ctx);
  org = await twoTeams(iso.ctx.database.db);
});
afterAll(async () => {
  await app?.close();
  await iso?.destroy();
});

function signIn(email: string, password: string, remoteAddress = '127.0.0.1') {
  return app.inject({
    method: 'POST',
    url: '/login',
    remoteAddress,
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    payload: new URLSearchParams({ email, password, next: '/inbox' }).toString(),
  });
}

describe('throttling', () => {
  it('stops sign-in attempts from one address after the limit - also correct ones - and leaves other addresses alone', async () => {
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) seen.push((await signIn(`niemand${i}@oost.test`, 'fout-wachtwoord', '10.1.1.1')).statusCode);
    // Refused for another reason (no CSRF token, unknown account), but counted.
    expect(seen.every((s) => s !== 429)).toBe(true);
    const blocked = await signIn('michelle@oost.test', PASSWORD, '10.1.1.1');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json()).toMatchObject({ error: 'rate_limited' });
    expect(blocked.json().message).toContain('Wacht een minuut');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.headers['set-cookie'] ?? '').not.toContain('lj_sid');
    // Someone else (another address) signs in as usual.
    expect((await login(app, 'yusuf@oost.test')).status).toBe(303);
  });

  it('lets a youngster send a few messages a minute from one card, then asks them to wait; nothing extra is stored', async () => {
    const { token } = await createYoungsterWithCard(iso.ctx.database.db, org.oost.municipalities.Roermond!, org.michelle.id);
    const chat = await openChat(app, token);
    const post = (text: string, t = token, cookie = chat.cookie) =>
      app.inject({
        method: 'POST',
        url: `/k/${t}/messages`,
        remoteAddress: '10.2.2.2',
        headers: { cookie, 'content-type': 'application/json', accept: 'application/json' },
        payload: JSON.stringify({ text }),
      });
    for (const text of ['een', 'twee', 'drie']) expect((await post(text)).statusCode).toBe(201);
    const fourth = await post('vier');
    expect(fourth.statusCode).toBe(429);
    expect(fourth.json().message).toContain('Wacht even');
    expect(await iso.ctx.database.db.select().from(messages).where(eq(messages.body, 'vier'))).toHaveLength(0);

    // Another card from the same address (a shared school or family connection) still gets through.
    const other = await createYoungsterWithCard(iso.ctx.database.db, org.oost.municipalities.Maasgouw!, org.yusuf.id);
    const otherChat = await openChat(app, other.token);
    expect((await post('hoi', other.token, otherChat.cookie)).statusCode).toBe(201);
  });

  it('limits chat starts per address and card too: each start without a cookie would make a contact', async () => {
    const { token, card } = await createYoungsterWithCard(iso.ctx.database.db, org.oost.municipalities.Roermond!, org.michelle.id);
    const start = () =>
      app.inject({
        method: 'POST',
        url: `/k/${token}/start`,
        remoteAddress: '10.3.3.3',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        payload: '{}',
      });
    for (let i = 0; i < 3; i++) expect((await start()).statusCode).toBe(200);
    const fourth = await start();
    expect(fourth.statusCode).toBe(429);
    expect(fourth.json().error).toBe('rate_limited');
    expect(await iso.ctx.database.db.select().from(channelContacts).where(eq(channelContacts.cardId, card.id))).toHaveLength(3);
  });
});
