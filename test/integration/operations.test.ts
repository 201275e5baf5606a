import { eq } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../../db/schema/index.js';
import { buildWebApp } from '../../bin/services.js';
import { launchBrowser, SCREENSHOTS } from '../helpers/browser.js';
import { createStaff, createYoungsterWithCard, twoTeams } from '../helpers/fixtures.js';
import { login, openChat, postChat } from '../helpers/http.js';
import { isolated, runningStack, type Isolated } from '../helpers/isolated.js';

let iso: Isolated;
let stack: Awaited<ReturnType<typeof runningStack>>;
let org: Awaited<ReturnType<typeof twoTeams>>;
let browser: Browser;

beforeAll(async () => {
  iso = await isolated();
  stack = await runningStack(iso);
  org = await twoTeams(iso.ctx.database.db);
  await createStaff(iso.ctx.database.db, org.oost.teamId, { email: 'admin@oost.test', firstName: 'Admin', role: 'admin' });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await iso?.destroy();
});

describe('operations', () => {
  it('/metrics reports queues, outbox and outcomes in Prometheus format, with no personal data', async () => {
    const { token } = await createYoungsterWithCard(iso.ctx.database.db, org.oost.municipalities.Roermond!, org.michelle.id, { firstName: 'Geheimnaam' });
    const chat = await openChat(stack.app, token);
    await postChat(stack.app, token, chat.cookie, { text: 'een geheim bericht' });
    const res = await stack.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toMatch(/lijntje_queue_jobs\{queue="outbound-web",state="waiting"\} \d+/);
    expect(res.body).toMatch(/lijntje_messages_total\{outcome="received",channel="web"\} [1-9]/);
    expect(res.body).not.toContain('Geheimnaam');
    expect(res.body).not.toContain('geheim bericht');
    expect(res.body).not.toContain(token);
  });

  it('/metrics needs the token when one is configured', async () => {
    const app = await buildWebApp({ ...iso.ctx, env: { ...iso.env, metricsToken: 'metrics-token-0123456789' } });
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer wrong' } })).statusCode).toBe(401);
    const ok = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer metrics-token-0123456789' } });
    expect(ok.statusCode).toBe(200);
    await app.close();
  });

  it('the queue dashboard is for admins only, and renders in a real browser', async () => {
    for (const email of ['michelle@oost.test', 'karin@oost.test']) {
      const s = await login(stack.app, email);
      const res = await stack.app.inject({ method: 'GET', url: '/admin/queues', headers: { cookie: s.cookie, accept: 'text/html' } });
      expect(res.statusCode).toBe(403);
    }
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`${stack.baseUrl}/login?next=/admin/queues`);
    await page.fill('input[name=email]', 'admin@oost.test');
    await page.fill('input[name=password]', 'correct horse battery staple');
    await page.click('button[type=submit]');
    await page.waitForURL(/\/admin\/queues/);
    await page.getByText('outbound-telegram').first().waitFor({ timeout: 15_000 });
    await page.getByText('outbound-web').first().click();
    await page.getByText(/completed/i).first().waitFor({ timeout: 15_000 });
    await page.screenshot({ path: `${SCREENSHOTS}admin-queues.png` });
    // Only the intended block: bull-board asks for Google Fonts, and the staff app never calls third parties.
    const csp = errors.filter((e) => /Content Security Policy/i.test(e) && !e.includes('fonts.googleapis.com'));
    expect(csp.map((e) => e.slice(0, 300))).toEqual([]);
    await ctx.close();
  });

  it('a message that may not have arrived can be sent again from the inbox', async () => {
    const db = iso.ctx.database.db;
    const { token } = await createYoungsterWithCard(db, org.oost.municipalities.Roermond!, org.michelle.id);
    const chat = await openChat(stack.app, token);
    const posted = await postChat(stack.app, token, chat.cookie, { text: 'hallo' });
    const [inbound] = await db.select().from(messages).where(eq(messages.id, posted.json().message.id));
    const [failed] = await db
      .insert(messages)
      .values({ conversationId: inbound!.conversationId, contactId: inbound!.contactId, channel: 'web', direction: 'out', body: 'kwam niet aan', status: 'in_doubt', lastError: 'interrupted', attempts: 1 })
      .returning();
    const michelle = await login(stack.app, 'michelle@oost.test');
    const page = await stack.app.inject({ method: 'GET', url: `/inbox/c/${inbound!.conversationId}`, headers: { cookie: michelle.cookie, accept: 'text/html' } });
    // In doubt: said so, with the retry button.
    expect(page.body).toMatch(/data-status="in_doubt">misschien niet aangekomen</);
    expect(page.body).toContain(`/messages/${failed!.id}/retry`);
    const res = await stack.app.inject({
      method: 'POST',
      url: `/inbox/c/${inbound!.conversationId}/messages/${failed!.id}/retry`,
      headers: { cookie: michelle.cookie, 'content-type': 'application/json', 'x-csrf-token': michelle.csrf },
      payload: '{}',
    });
    expect(res.statusCode).toBe(202);
    const { until } = await import('../helpers/http.js');
    const sent = await until(async () => {
      const [m] = await db.select().from(messages).where(eq(messages.id, failed!.id));
      return m?.status === 'sent' ? m : null;
    });
    expect(sent.attempts).toBe(2);
    // Only a failed or in-doubt message can be retried; another team never can.
    const again = await stack.app.inject({
      method: 'POST',
      url: `/inbox/c/${inbound!.conversationId}/messages/${failed!.id}/retry`,
      headers: { cookie: michelle.cookie, 'content-type': 'application/json', 'x-csrf-token': michelle.csrf },
      payload: '{}',
    });
    expect(again.statusCode).toBe(409);
  });
});
