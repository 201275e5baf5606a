import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cards, contactAttempts, conversationNotes, conversations, youngsters } from '../../db/schema/index.js';
import { runRetention } from '../../worker/retention-run.js';
import { launchBrowser, SCREENSHOTS } from '../helpers/browser.js';
import { createStaff, createYoungsterWithCard, PASSWORD } from '../helpers/fixtures.js';
import { openChat, postChat } from '../helpers/http.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

/** The retention page with its dry run, and the access export as a privacy officer prints it. */
let t: TestStack;
let browser: Browser;
let youngsterId: string;
let token: string;

beforeAll(async () => {
  t = await startTestStack();
  await createStaff(t.db, t.org.oost.teamId, { email: 'anne@oost.test', firstName: 'Anne', role: 'admin' });
  await createStaff(t.db, t.org.oost.teamId, { email: 'fenna@oost.test', firstName: 'Fenna', role: 'privacy_officer' });
  const roermond = t.org.oost.municipalities.Roermond!;
  // Two who never reacted to a card of a year ago, and one with a chat and notes.
  for (const name of ['Stil', 'Zwijg']) {
    const { card } = await createYoungsterWithCard(t.db, roermond, t.org.michelle.id, { firstName: name, lastName: 'Test' });
    await t.db.update(cards).set({ createdAt: new Date(Date.now() - 365 * 24 * 3600_000) }).where(eq(cards.id, card.id));
  }
  const made = await createYoungsterWithCard(t.db, roermond, t.org.michelle.id, { firstName: 'Sigfrid', lastName: 'Houben' });
  youngsterId = made.youngster.id;
  token = made.token;
  await t.db.update(youngsters).set({ birthDate: '2005-03-14', street: 'Kerkstraat', houseNumber: '7', postcode: '6041AB', city: 'Roermond', supportQuestion: 'werk' }).where(eq(youngsters.id, youngsterId));
  const app = t.stack.app;
  const chat = await openChat(app, token);
  await postChat(app, token, chat.cookie, { text: 'Hoi, ik zoek werk in de buurt. Kunnen we praten?' });
  const [conv] = await t.db.select().from(conversations).where(eq(conversations.youngsterId, youngsterId));
  await t.db.insert(conversationNotes).values({ conversationId: conv!.id, authorId: t.org.michelle.id, body: 'Belt liever na vieren.' });
  await t.db.insert(contactAttempts).values({ youngsterId, staffId: t.org.michelle.id, kind: 'home_visit_spoke', occurredOn: '2026-11-20', minutes: 15, note: 'Deur open, kort gesproken.' });
  // A past run in the log (it also requests erasure of the two above; the page then counts from what is left).
  await runRetention({ database: t.iso.ctx.database, queues: t.iso.ctx.queues, logger: t.iso.ctx.logger, now: new Date(Date.now() - 24 * 3600_000) });
  for (const name of ['Later', 'Nooit']) {
    const { card } = await createYoungsterWithCard(t.db, t.org.oost.municipalities.Maasgouw!, t.org.michelle.id, { firstName: name, lastName: 'Test' });
    await t.db.update(cards).set({ createdAt: new Date(Date.now() - 300 * 24 * 3600_000) }).where(eq(cards.id, card.id));
  }
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function signIn(email: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
  await page.goto(`${t.stack.baseUrl}/login`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  return page;
}

describe('privacy pages in the browser', () => {
  it('the admin sees the next night per municipality and rule, the last runs, and the months to set', async () => {
    const page = await signIn('anne@oost.test');
    await page.goto(`${t.stack.baseUrl}/admin/team`);
    await page.click('text=Bewaartermijnen en wissen');
    await page.waitForURL(/\/admin\/team\/retention$/);
    const maasgouw = page.locator(`tr[data-municipality="${t.org.oost.municipalities.Maasgouw!}"]`);
    expect(await maasgouw.locator('td[data-rule="noReaction"]').textContent()).toBe('2');
    expect(await page.locator('.st-retention-runs').textContent()).toContain('Nachtelijke ronde');
    await page.fill(`#r-${t.org.oost.municipalities.Roermond!}-noReactionMonths`, '0');
    // The browser's own check stops 0; the server's answer is what a script gets, so post past it.
    const roermondForm = page.locator(`form[action="/admin/team/municipalities/${t.org.oost.municipalities.Roermond!}/retention"]`);
    await roermondForm.evaluate((f: HTMLFormElement) => f.setAttribute('novalidate', ''));
    await roermondForm.locator('button[type=submit]').click();
    await page.waitForSelector('.st-error', { timeout: 10_000 });
    expect(await page.locator('.st-error').textContent()).toContain('een heel aantal maanden in, van 1 tot en met 120');
    await page.screenshot({ path: `${SCREENSHOTS}retention.png`, fullPage: true });
  });

  it('the privacy officer finds the youngster by a posted search and prints the export', async () => {
    const page = await signIn('fenna@oost.test');
    await page.click('text=Inzage');
    await page.fill('#privacy-name', 'Houben');
    await page.click('button:has-text("Zoek")');
    await page.waitForSelector('text=Bekijk en druk af');
    expect(page.url()).toBe(`${t.stack.baseUrl}/privacy/requests`);
    await page.click('text=Bekijk en druk af');
    await page.waitForURL(new RegExp(`/privacy/youngsters/${youngsterId}/export.html$`));
    const text = (await page.textContent('main')) ?? '';
    for (const s of ['Sigfrid', 'Kerkstraat', 'Hoi, ik zoek werk in de buurt', 'Belt liever na vieren.', 'Deur open, kort gesproken.', 'Wat Lijntje niet bewaart']) expect(text, s).toContain(s);
    expect(await page.content()).not.toContain(token);
    await page.screenshot({ path: `${SCREENSHOTS}access-export.png`, fullPage: true });
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.st-top').isVisible()).toBe(false);
    await page.screenshot({ path: `${SCREENSHOTS}access-export-print.png`, fullPage: true });
  });
});
