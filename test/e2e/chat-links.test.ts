import { eq } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { municipalities } from '../../db/schema/index.js';
import { launchBrowser, SCREENSHOTS } from '../helpers/browser.js';
import { createYoungsterWithCard } from '../helpers/fixtures.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

/**
 * In the web chat, URLs in the bot's messages are links (built from text,
 * never markup), the privacy page leads back to the chat, and someone who
 * opted out finds a calm line instead of a typing box.
 */
let t: TestStack;
let browser: Browser;

beforeAll(async () => {
  t = await startTestStack();
  // A municipality's own sign-off, with markup and a link in it: the markup stays text, the link becomes a link.
  await t.db
    .update(municipalities)
    .set({ textOverrides: { nl: { 'bot.signoff': 'Groet, team Oost. <img src=x onerror="document.title=1"> Meer: https://example.org/jongeren.' } } })
    .where(eq(municipalities.id, t.org.oost.municipalities.Roermond!));
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const phone = () => browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

describe('links in the web chat', () => {
  it('makes the privacy URL a link to the page that leads back to the chat; other URLs open apart; markup stays text', async () => {
    const { token } = await createYoungsterWithCard(t.db, t.org.oost.municipalities.Roermond!, t.org.michelle.id);
    const ctx = await phone();
    const page = await ctx.newPage();
    await page.goto(`${t.stack.baseUrl}/k/${token}/chat`);
    const greeting = page.locator('.yt-msg-bot', { hasText: 'Je praat met de chat van Michelle' });
    await greeting.waitFor({ timeout: 10_000 });
    expect(await greeting.textContent()).toContain('Je kunt altijd stoppen: typ dan stop.');

    const privacy = greeting.locator('a', { hasText: '/privacy' });
    expect(await privacy.textContent()).toBe('http://lijntje.test/privacy');
    expect(await privacy.getAttribute('href')).toBe(`/k/${token}/privacy?lang=nl`);
    const external = greeting.locator('a', { hasText: 'example.org' });
    expect(await external.getAttribute('href')).toBe('https://example.org/jongeren');
    expect(await external.getAttribute('target')).toBe('_blank');
    expect(await external.getAttribute('rel')).toBe('noopener noreferrer');
    // The sentence's full stop is not part of the link, and the override's markup is shown, not run.
    expect(await greeting.textContent()).toContain('https://example.org/jongeren.');
    expect(await greeting.locator('img').count()).toBe(0);
    expect(await greeting.textContent()).toContain('<img src=x');
    expect(await page.title()).not.toBe('1');
    await page.screenshot({ path: `${SCREENSHOTS}chat-links.png` });

    await privacy.click();
    await page.waitForURL(/\/privacy/);
    expect(await page.textContent('h1')).toBe('Jouw gegevens');
    await page.screenshot({ path: `${SCREENSHOTS}privacy-with-way-back.png` });
    expect(await page.getAttribute('text=Naar je kaartje', 'href')).toBe(`/k/${token}?lang=nl`);
    await page.click('text=Terug naar de chat');
    await page.waitForURL(/\/chat/);
    await greeting.waitFor({ timeout: 10_000 });
    // Back in the same chat, still greeted once.
    expect(await page.locator('.yt-msg-bot', { hasText: 'Je praat met de chat van Michelle' }).count()).toBe(1);
    await ctx.close();
  });

  it('after an opt-out the chat shows the goodbye and no typing box; the card itself stops working for anyone else', async () => {
    const { token } = await createYoungsterWithCard(t.db, t.org.oost.municipalities.Roermond!, t.org.michelle.id);
    const first = await phone();
    const a = await first.newPage();
    await a.goto(`${t.stack.baseUrl}/k/${token}/chat`);
    await a.click('text=Nee bedankt, geen contact');
    await a.click('text=Ja, stop maar');
    await a.locator('.yt-msg-bot', { hasText: 'je hoort niets meer van ons' }).waitFor({ timeout: 10_000 });
    await a.locator('#stopped').waitFor({ state: 'visible' });
    expect(await a.locator('#compose').isVisible()).toBe(false);
    // The goodbye's optional "why?": its buttons stay without the typing box; a tap takes them away and nothing answers.
    const why = a.locator('.yt-msg-bot', { hasText: 'Wil je nog zeggen waarom? Dat hoeft niet.' });
    expect(await why.locator('.yt-option').allTextContents()).toEqual([
      'Ik red me wel',
      'Ik krijg al hulp',
      'Liever geen contact met de gemeente',
      'Nu even niet',
      'Zeg ik liever niet',
    ]);
    const messagesShown = await a.locator('.yt-msg').count();
    await why.locator('.yt-option', { hasText: 'Ik krijg al hulp' }).click();
    await why.locator('.yt-menu').waitFor({ state: 'detached' });
    expect(await a.locator('.yt-msg').count()).toBe(messagesShown);
    expect(await a.locator('#error').isVisible()).toBe(false);
    await first.close();

    // The card was revoked with the opt-out: another browser gets the neutral page, nothing about the person.
    const second = await phone();
    const b = await second.newPage();
    const res = await b.goto(`${t.stack.baseUrl}/k/${token}/chat`);
    expect(res?.status()).toBe(404);
    await b.locator('h1', { hasText: 'Deze link werkt niet' }).waitFor();
    const shown = await b.textContent('body');
    expect(shown).not.toMatch(/Michelle|Sigfrid|Roermond|geen contact/);
    await b.screenshot({ path: `${SCREENSHOTS}chat-card-after-opt-out.png` });
    await second.close();
  });
});

describe('a message typed before the chat has started', () => {
  it('waits for the start and arrives (a slow network, a quick thumb)', async () => {
    const { token } = await createYoungsterWithCard(t.db, t.org.oost.municipalities.Roermond!, t.org.michelle.id);
    const ctx = await phone();
    const page = await ctx.newPage();
    // The start answers late; the youngster has already typed and pressed send.
    await page.route('**/start', async (route) => {
      await new Promise((r) => setTimeout(r, 1500));
      await route.continue();
    });
    await page.goto(`${t.stack.baseUrl}/k/${token}/chat`);
    await page.fill('#text', 'snel getypt');
    await page.click('#send');
    await page.locator('.yt-msg-me', { hasText: 'snel getypt' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('#error').isVisible()).toBe(false);
    await page.locator('.yt-msg-bot', { hasText: 'Je praat met de chat van Michelle' }).waitFor({ timeout: 10_000 });
    await ctx.close();
  });
});
