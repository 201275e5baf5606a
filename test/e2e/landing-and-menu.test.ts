import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { events } from '../../db/schema/index.js';
import { launchBrowser, SCREENSHOTS } from '../helpers/browser.js';
import { fakeWhatsApp } from '../helpers/fake-whatsapp.js';
import { createYoungsterWithCard, twoTeams } from '../helpers/fixtures.js';
import { isolated, runningStack, type Isolated } from '../helpers/isolated.js';

let iso: Isolated;
let stack: Awaited<ReturnType<typeof runningStack>>;
let browser: Browser;
let token: string;

beforeAll(async () => {
  iso = await isolated({
    TELEGRAM_BOT_TOKEN: '123456:TEST-token-abcdefghijklmnopqrstu',
    TELEGRAM_BOT_USERNAME: 'lijntje_test_bot',
    TELEGRAM_MODE: 'polling',
    // Nothing listens here: polling just fails quietly; this test is about the pages.
    TELEGRAM_API_ROOT: 'http://127.0.0.1:9',
    WHATSAPP_NUMBER: '31612345678',
  });
  stack = await runningStack(iso, { makeWhatsAppSocket: fakeWhatsApp().makeSocket });
  const org = await twoTeams(iso.ctx.database.db);
  ({ token } = await createYoungsterWithCard(iso.ctx.database.db, org.oost.municipalities.Roermond!, org.michelle.id));
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await iso?.destroy();
});

describe('landing page and web-chat menu in a real browser (phone size)', () => {
  it('offers WhatsApp, Telegram and the web chat, each carrying the card', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 760 }, isMobile: true, hasTouch: true });
    const page = await ctx.newPage();
    await page.goto(`${stack.baseUrl}/k/${token}`);
    const wa = await page.getAttribute('.yt-choice-whatsapp', 'href');
    const tgLink = await page.getAttribute('.yt-choice-telegram', 'href');
    expect(wa).toBe(`https://wa.me/31612345678?text=${encodeURIComponent(`Hoi! Mijn kaartcode is ${token}`)}`);
    expect(tgLink).toBe(`https://t.me/lijntje_test_bot?start=${token}`);
    expect(await page.textContent('.yt-choice-web')).toBe('Chat hier in je browser');
    await page.screenshot({ path: `${SCREENSHOTS}landing-channels-mobile.png`, fullPage: true });
    // A scan is counted, without anything that identifies the device.
    const scans = await iso.ctx.database.db.select().from(events).where(eq(events.type, 'card.scanned'));
    expect(scans.length).toBeGreaterThan(0);
    expect(JSON.stringify(scans)).not.toMatch(/Mozilla|127\.0\.0\.1/);
    await ctx.close();
  });

  it('greets in the web chat with menu buttons; a button press gets a warm answer', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 760 }, isMobile: true, hasTouch: true });
    const page = await ctx.newPage();
    await page.goto(`${stack.baseUrl}/k/${token}/chat`);
    await page.locator('.yt-msg-bot', { hasText: 'Je praat met de chat van Michelle' }).waitFor({ timeout: 10_000 });
    const options = page.locator('.yt-option');
    await options.first().waitFor({ timeout: 10_000 });
    expect(await options.allTextContents()).toEqual(['Chat met Michelle', 'Afspraak maken', 'Nee bedankt, geen contact']);
    await page.screenshot({ path: `${SCREENSHOTS}webchat-menu-mobile.png`, fullPage: true });

    // "Afspraak maken" now books in the chat (test/e2e/chat-booking.test.ts); the visit types follow it.
    await page.click('text=Afspraak maken');
    await page.locator('.yt-msg-bot', { hasText: 'Hoe wil je afspreken?' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('.yt-msg-me', { hasText: 'Afspraak maken' }).count()).toBe(1);
    // Old buttons are gone once answered: only the new question's options remain.
    expect(await page.locator('.yt-msg-bot', { hasText: 'Wat wil je?' }).locator('.yt-option').count()).toBe(0);

    // Reloading shows the same conversation, not a second greeting.
    await page.reload();
    await page.locator('.yt-msg-bot', { hasText: 'Hoe wil je afspreken?' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('.yt-msg-bot', { hasText: 'Je praat met de chat van Michelle' }).count()).toBe(1);
    await page.screenshot({ path: `${SCREENSHOTS}webchat-after-choice-mobile.png`, fullPage: true });
    await ctx.close();
  });
});
