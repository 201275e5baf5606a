import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../../db/schema/index.js';
import { launchBrowser, SCREENSHOTS } from '../helpers/browser.js';
import { createYoungsterWithCard, PASSWORD } from '../helpers/fixtures.js';
import { login, staffPost } from '../helpers/http.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

/**
 * The youngster's chat on a phone (390 x 844): whatever just happened - they
 * sent something, they typed "stop", a coach answered live - the newest
 * message, buttons included, is fully visible above the typing bar.
 */
let t: TestStack;
let browser: Browser;
let token: string;

beforeAll(async () => {
  t = await startTestStack();
  ({ token } = await createYoungsterWithCard(t.db, t.org.oost.municipalities.Roermond!, t.org.michelle.id));
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

interface Geometry {
  top: number;
  bottom: number;
  composeTop: number;
  thread: string;
}

/** Where the newest message (with its buttons) sits, relative to the viewport and the typing bar. */
function newest(page: Page): Promise<Geometry> {
  return page.evaluate(() => {
    const thread = document.getElementById('thread')!;
    const r = thread.lastElementChild!.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, composeTop: document.getElementById('compose')!.getBoundingClientRect().top, thread: thread.textContent ?? '' };
  });
}

/**
 * Waits until `text` is in the thread and the newest message - whatever came
 * last (an acknowledgement, an after-hours notice) - is fully visible above
 * the typing bar, and stays so for a moment.
 */
async function newestVisible(page: Page, text: string) {
  const deadline = Date.now() + 10_000;
  let stable = 0;
  let g = await newest(page);
  while (stable < 4) {
    const ok = g.thread.includes(text) && g.top >= 0 && g.bottom <= g.composeTop + 0.5;
    stable = ok ? stable + 1 : 0;
    if (Date.now() > deadline) throw new Error(`newest message not fully visible above the typing bar: ${JSON.stringify({ ...g, thread: undefined })}`);
    await page.waitForTimeout(100);
    g = await newest(page);
  }
}

async function send(page: Page, text: string) {
  await page.fill('#text', text);
  await page.click('#send');
}

describe('the newest message on a phone is never under the typing bar', () => {
  it('after sending, after "stop" (with its buttons) and when a coach answers live', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await ctx.newPage();
    await page.goto(`${t.stack.baseUrl}/k/${token}/chat`);
    await page.locator('.yt-option').first().waitFor({ timeout: 10_000 });
    await newestVisible(page, 'Nee bedankt, geen contact');

    // A long enough conversation that the page has to scroll.
    for (let i = 1; i <= 6; i++) {
      await send(page, `Bericht ${i}: ik wil graag weten hoe het werkt met een opleiding en werk zoeken in de buurt.`);
      await newestVisible(page, `Bericht ${i}`);
    }
    expect(await page.evaluate(() => document.documentElement.scrollHeight > window.innerHeight)).toBe(true);
    await page.screenshot({ path: `${SCREENSHOTS}chat-scroll-after-send.png` });

    // A coach answers while the chat is open.
    const conversationId = (await t.db.select().from(messages).where(eq(messages.body, 'Bericht 1: ik wil graag weten hoe het werkt met een opleiding en werk zoeken in de buurt.')))[0]!.conversationId;
    const michelle = await login(t.stack.app, 'michelle@oost.test', PASSWORD);
    const reply = await staffPost(t.stack.app, michelle, `/inbox/c/${conversationId}/replies`, {
      text: 'Hoi! Leuk dat je schrijft. Zullen we een keer afspreken om te kijken wat bij je past?',
      clientId: 'scroll-test-reply-1',
    });
    expect(reply.statusCode).toBe(201);
    await newestVisible(page, 'Zullen we een keer afspreken');
    await page.screenshot({ path: `${SCREENSHOTS}chat-scroll-live-reply.png` });

    // "stop": the question and its two buttons are fully visible.
    await send(page, 'stop');
    await newestVisible(page, 'Ja, stop maar');
    const buttons = await page.locator('.yt-option').evaluateAll((els) =>
      els.map((e) => ({ bottom: e.getBoundingClientRect().bottom, composeTop: document.getElementById('compose')!.getBoundingClientRect().top })),
    );
    expect(buttons).toHaveLength(2);
    for (const b of buttons) expect(b.bottom).toBeLessThanOrEqual(b.composeTop);
    await page.screenshot({ path: `${SCREENSHOTS}chat-scroll-stop.png` });
    await ctx.close();
  });
});
