import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../bin/demo-run.js';
import { seedDemo } from '../../db/seed/demo.js';
import { hashPassword } from '../../web/domain/login.js';
import { launchBrowser, SCREENSHOTS } from '../helpers/browser.js';
import { isolated, runningStack, type Isolated } from '../helpers/isolated.js';

let iso: Isolated;
let stack: Awaited<ReturnType<typeof runningStack>>;
let browser: Browser;
let sigfridLink: string;

beforeAll(async () => {
  iso = await isolated();
  stack = await runningStack(iso);
  const demo = await seedDemo(iso.ctx.database.db, await hashPassword(DEMO_PASSWORD));
  const card = demo.cards.find((c) => c.youngster === 'Sigfrid')!;
  sigfridLink = `${stack.baseUrl}/k/${card.token}`;
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await iso?.destroy();
});

describe('in a real browser: a youngster writes, the casemanager sees it live and answers', () => {
  it('works end to end without any page reload', async () => {
    // The casemanager is already working in the inbox.
    const staffCtx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const staff = await staffCtx.newPage();
    await staff.goto(`${stack.baseUrl}/inbox`);
    expect(staff.url()).toContain('/login');
    await staff.fill('input[name=email]', 'michelle@oost.demo');
    await staff.fill('input[name=password]', DEMO_PASSWORD);
    await staff.click('button[type=submit]');
    await staff.waitForURL(/\/inbox$/);
    await expect.poll(() => staff.locator('#empty').isVisible()).toBe(true);

    // The youngster scans the card on a phone.
    const phoneCtx = await browser.newContext({ viewport: { width: 390, height: 760 }, isMobile: true, hasTouch: true });
    const phone = await phoneCtx.newPage();
    await phone.goto(sigfridLink);
    await expect.poll(() => phone.textContent('h1')).toContain('Hoi');
    expect(await phone.textContent('body')).toContain('Michelle');
    await phone.screenshot({ path: `${SCREENSHOTS}landing-mobile.png`, fullPage: true });
    await phone.click('text=Chat hier in je browser');
    await phone.waitForURL(/\/chat/);
    await phone.fill('#text', 'hoi');
    await phone.click('#send');
    await phone.locator('.yt-msg-me', { hasText: 'hoi' }).waitFor();

    // Arrives in the inbox live, no reload.
    const row = staff.locator('.st-row', { hasText: 'Sigfrid' });
    await row.waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toContain('hoi');
    await staff.screenshot({ path: `${SCREENSHOTS}inbox-live.png` });

    await row.locator('a').click();
    await staff.waitForURL(/\/inbox\/c\//);
    await staff.locator('.st-msg-in', { hasText: 'hoi' }).waitFor();
    await staff.fill('#reply-text', 'Hoi Sigfrid! Fijn dat je schrijft. Hoe gaat het met je?');
    await staff.click('#reply button[type=submit]');
    await staff
      .locator('.st-msg-out', { hasText: 'Hoe gaat het met je?' })
      .locator('.st-status[data-status="sent"]')
      .waitFor({ timeout: 10_000 });
    await staff.screenshot({ path: `${SCREENSHOTS}conversation.png` });

    // The answer appears on the phone, again without reload.
    const answer = phone.locator('.yt-msg-coach', { hasText: 'Hoe gaat het met je?' });
    await answer.waitFor({ timeout: 10_000 });
    expect(await answer.textContent()).toContain('Michelle');
    await phone.screenshot({ path: `${SCREENSHOTS}chat-mobile.png`, fullPage: true });

    // Whatever the youngster writes stays text: markup is shown, not run.
    await phone.fill('#text', '<img src=x onerror="document.title=\'pwned\'"><b>vet</b>');
    await phone.click('#send');
    await staff.locator('.st-msg-in', { hasText: '<b>vet</b>' }).waitFor({ timeout: 10_000 });
    expect(await staff.title()).not.toBe('pwned');
    expect(await staff.locator('.st-msg-in b').count()).toBe(0);

    await phoneCtx.close();
    await staffCtx.close();
  });

  it('shows a friendly page for a link that does not work', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 760 } });
    const page = await ctx.newPage();
    const res = await page.goto(`${stack.baseUrl}/k/ditbestaatnietditbestaatniet`);
    expect(res?.status()).toBe(404);
    expect(await page.textContent('h1')).toContain('Deze link werkt niet');
    await page.screenshot({ path: `${SCREENSHOTS}not-found-mobile.png` });
    await ctx.close();
  });
});
