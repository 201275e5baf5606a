import type { Browser } from 'playwright-core';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replaceBlocks, setVisitSettings } from '../../db/queries/availability.js';
import { conversations, visits } from '../../db/schema/index.js';
import { launchBrowser, SCREENSHOTS, signInAs } from '../helpers/browser.js';
import { createYoungsterWithCard } from '../helpers/fixtures.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

/** Booking a visit in the web chat at phone size, by tapping, as a youngster would; and a moment the coach proposes from the inbox. */
let t: TestStack;
let browser: Browser;
beforeAll(async () => {
  t = await startTestStack();
  await replaceBlocks(t.db, t.org.michelle.id, [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, startsAt: '09:00', endsAt: '17:00' })));
  await setVisitSettings(t.db, t.org.michelle.id, { bufferMinutes: 15, minNoticeHours: 24 });
  for (const s of [t.org.yusuf, t.org.karin]) await replaceBlocks(t.db, s.id, []);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('booking in the web chat on a phone', () => {
  it('taps "Afspraak maken", a way to meet, a moment and "Ja, graag"; then cancels by typing', async () => {
    const { token, youngster } = await createYoungsterWithCard(t.db, t.org.oost.municipalities.Roermond!, t.org.michelle.id);
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await ctx.newPage();
    await page.goto(`${t.stack.baseUrl}/k/${token}/chat`);
    await page.locator('.yt-option', { hasText: 'Afspraak maken' }).first().click();
    await page.locator('.yt-option', { hasText: 'Bij jou thuis' }).last().click();
    const moment = page.locator('.yt-msg-bot', { hasText: 'Kies een moment' }).last().locator('.yt-option').first();
    await moment.waitFor({ timeout: 10_000 });
    const label = (await moment.textContent())!.trim();
    expect(label).toMatch(/^[A-Z][a-z]+dag \d{1,2} [a-z]+, \d{2}:\d{2}$/);
    await page.screenshot({ path: `${SCREENSHOTS}chat-booking-moments.png` });
    await moment.click();
    await page.locator('.yt-msg-bot', { hasText: 'adres waar je kaart bezorgd is' }).waitFor();
    await page.locator('.yt-option', { hasText: 'Ja, graag' }).last().click();
    await page.locator('.yt-msg-bot', { hasText: 'de afspraak staat' }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: `${SCREENSHOTS}chat-booking-booked.png` });
    const [v] = await t.db.select().from(visits).where(eq(visits.youngsterId, youngster.id));
    expect(v).toMatchObject({ type: 'home', status: 'booked' });

    await page.fill('#text', 'afspraak afzeggen');
    await page.click('#send');
    await page.locator('.yt-option', { hasText: 'Ja, afzeggen' }).last().click();
    await page.locator('.yt-msg-bot', { hasText: 'De afspraak is afgezegd' }).waitFor({ timeout: 10_000 });
    const [after] = await t.db.select().from(visits).where(eq(visits.youngsterId, youngster.id));
    expect(after!.status).toBe('cancelled');
    await ctx.close();
  });
  it('a coach proposes a moment from the conversation; the youngster taps "Ja, graag" on the phone', async () => {
    const { token, youngster } = await createYoungsterWithCard(t.db, t.org.oost.municipalities.Roermond!, t.org.michelle.id, { firstName: 'Sanne' });
    const phoneCtx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const phone = await phoneCtx.newPage();
    await phone.goto(`${t.stack.baseUrl}/k/${token}/chat`);
    await phone.locator('.yt-option', { hasText: 'Afspraak maken' }).first().waitFor();
    await phone.fill('#text', 'Kunnen we een keer afspreken? Op kantoor is goed.');
    await phone.click('#send');
    const conversationId = await (async () => {
      for (let i = 0; i < 100; i++) {
        const [c] = await t.db.select({ id: conversations.id }).from(conversations).where(eq(conversations.youngsterId, youngster.id));
        if (c) return c.id;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('no conversation');
    })();

    const desk = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam' })).newPage();
    await signInAs(desk, t.stack.baseUrl, 'michelle@oost.test');
    await desk.goto(`${t.stack.baseUrl}/inbox/c/${conversationId}`);
    await desk.click(`a[href$="/visits/new"]`);
    await desk.selectOption('select[name=type]', 'office');
    await desk.click('button:has-text("Toon momenten")');
    await desk.locator('input[name=startsAt]').first().waitFor();
    expect(await desk.locator('label.st-radio').first().textContent()).toContain('met Michelle');
    await desk.locator('input[name=startsAt]').nth(2).check();
    const picked = await desk.locator('input[name=startsAt]').nth(2).getAttribute('value');
    await desk.screenshot({ path: `${SCREENSHOTS}visit-propose-form.png`, fullPage: true });
    await desk.click('button:has-text("Voorstellen in de chat")');
    await desk.waitForURL(new RegExp(`/inbox/c/${conversationId}$`));

    const proposal = phone.locator('.yt-msg-bot', { hasText: 'Michelle stelt een afspraak voor' });
    await proposal.waitFor({ timeout: 10_000 });
    await phone.screenshot({ path: `${SCREENSHOTS}chat-booking-proposal.png` });
    await proposal.locator('.yt-option', { hasText: 'Ja, graag' }).click();
    await phone.locator('.yt-msg-bot', { hasText: 'de afspraak staat' }).waitFor({ timeout: 10_000 });
    const [v] = await t.db.select().from(visits).where(eq(visits.youngsterId, youngster.id));
    expect(v).toMatchObject({ type: 'office', status: 'booked' });
    expect(v!.startsAt.toISOString()).toBe(picked);
    await phoneCtx.close();
  });
});
