import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../../db/schema/index.js';
import { launchBrowser, SCREENSHOTS } from '../helpers/browser.js';
import { createYoungsterWithCard, PASSWORD } from '../helpers/fixtures.js';
import { openChat, postChat, until } from '../helpers/http.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

/**
 * A casemanager opens a long conversation: it opens at the newest message,
 * right above the reply box, and stays there as the youngster writes on -
 * unless they scrolled up to read, then nothing moves under their eyes.
 */
let t: TestStack;
let browser: Browser;
let token: string;
let chatCookie: string;
let conversationId: string;
/** What the youngster wrote last (each test adds to the same conversation). */
let newestText = 'Bericht 25 van Sigfrid';

beforeAll(async () => {
  t = await startTestStack();
  ({ token } = await createYoungsterWithCard(t.db, t.org.oost.municipalities.Roermond!, t.org.michelle.id));
  const chat = await openChat(t.stack.app, token);
  chatCookie = chat.cookie;
  let last = '';
  for (let i = 1; i <= 25; i++) {
    const res = await postChat(t.stack.app, token, chatCookie, { text: `Bericht ${i} van Sigfrid: nog een vraag over werk en school.` });
    last = res.json().message.id;
  }
  const routed = await until(async () => {
    const [m] = await t.db.select().from(messages).where(eq(messages.id, last));
    return m?.status === 'routed' ? m : null;
  });
  conversationId = routed.conversationId;
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function signIn(page: Page) {
  await page.goto(`${t.stack.baseUrl}/inbox`);
  await page.fill('input[name=email]', 'michelle@oost.test');
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/inbox$/);
}

/** The newest message and the reply box, as the viewer sees them. */
function geometry(page: Page) {
  return page.evaluate(() => {
    const last = document.getElementById('thread')!.lastElementChild!.getBoundingClientRect();
    const reply = document.getElementById('reply')!.getBoundingClientRect();
    return { lastTop: last.top, lastBottom: last.bottom, replyTop: reply.top, replyBottom: reply.bottom, height: window.innerHeight, scrollY: window.scrollY };
  });
}

/** Newest message fully visible, directly above a fully visible reply box. */
async function atNewest(page: Page, text: string) {
  await page.locator('#thread > li:last-child', { hasText: text }).waitFor({ timeout: 10_000 });
  const deadline = Date.now() + 5_000;
  for (;;) {
    const g = await geometry(page);
    const ok = g.lastTop >= 0 && g.lastBottom <= g.replyTop + 0.5 && g.replyTop - g.lastBottom < 200 && g.replyBottom <= g.height + 0.5;
    if (ok) return g;
    if (Date.now() > deadline) throw new Error(`not at the newest message next to the reply box: ${JSON.stringify(g)}`);
    await page.waitForTimeout(100);
  }
}

async function youngsterWrites(text: string) {
  const res = await postChat(t.stack.app, token, chatCookie, { text });
  expect(res.statusCode).toBe(201);
  newestText = text;
}

describe('the staff conversation page', () => {
  for (const size of [
    { name: 'desktop', viewport: { width: 1280, height: 800 }, mobile: false },
    { name: 'phone', viewport: { width: 375, height: 760 }, mobile: true },
  ]) {
    it(`opens at the newest message next to the reply box and follows live messages (${size.name})`, async () => {
      const ctx = await browser.newContext({ viewport: size.viewport, isMobile: size.mobile, hasTouch: size.mobile });
      const page = await ctx.newPage();
      await signIn(page);
      await page.goto(`${t.stack.baseUrl}/inbox/c/${conversationId}`);
      await atNewest(page, newestText);
      expect((await geometry(page)).scrollY).toBeGreaterThan(0);
      await page.screenshot({ path: `${SCREENSHOTS}conversation-opens-at-newest-${size.name}.png` });

      await youngsterWrites(`Nieuw live bericht (${size.name})`);
      await atNewest(page, `Nieuw live bericht (${size.name})`);

      // Scrolled up to read back: a new message does not pull them down.
      await page.evaluate(() => window.scrollTo(0, 0));
      await youngsterWrites(`Nog een (${size.name})`);
      await page.locator('#thread > li:last-child', { hasText: `Nog een (${size.name})` }).waitFor({ timeout: 10_000 });
      await page.waitForTimeout(300);
      expect((await geometry(page)).scrollY).toBe(0);

      // A reload opens at the newest again (the browser's own scroll memory does not win).
      await page.reload();
      await atNewest(page, `Nog een (${size.name})`);
      await ctx.close();
    });
  }

  it('after a form in the youngster panel (…#panel), the panel stays in view', async () => {
    const ctx = await browser.newContext({ viewport: { width: 375, height: 760 }, isMobile: true, hasTouch: true });
    const page = await ctx.newPage();
    await signIn(page);
    await page.goto(`${t.stack.baseUrl}/inbox/c/${conversationId}#panel`);
    await page.waitForTimeout(300);
    const top = await page.evaluate(() => document.getElementById('panel')!.getBoundingClientRect().top);
    expect(Math.abs(top)).toBeLessThan(5);
    await ctx.close();
  });

  it('offers notifications as a calm prompt, not as an error', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    await signIn(page);
    await page.evaluate(() => { document.getElementById('notify')!.hidden = false; });
    const look = await page.evaluate(() => {
      const b = document.getElementById('notify')!;
      const s = getComputedStyle(b);
      const error = getComputedStyle(document.documentElement).getPropertyValue('--warn').trim();
      return { color: s.color, error, className: b.className };
    });
    expect(look.className).not.toContain('st-link-button');
    expect(look.color).not.toBe('rgb(180, 35, 24)'); // --warn
    expect(look.error).toBe('#b42318');
    await page.locator('#notify').screenshot({ path: `${SCREENSHOTS}notify-prompt.png` });
    await ctx.close();
  });
});
