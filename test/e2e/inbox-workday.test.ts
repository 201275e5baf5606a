import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../bin/demo-run.js';
import { contactAttempts, conversationNotes, conversations, municipalities, staffUsers, youngsters } from '../../db/schema/index.js';
import { seedDemo } from '../../db/seed/demo.js';
import { hashPassword } from '../../web/domain/login.js';
import { launchBrowser, SCREENSHOTS } from '../helpers/browser.js';
import { createConversationFixture } from '../helpers/fixtures.js';
import { isolated, runningStack, type Isolated } from '../helpers/isolated.js';

const SHOTS = SCREENSHOTS;
let iso: Isolated;
let stack: Awaited<ReturnType<typeof runningStack>>;
let browser: Browser;
let sigfridLink: string;
const LONG = 'X'.repeat(200);

beforeAll(async () => {
  iso = await isolated();
  stack = await runningStack(iso);
  const db = iso.ctx.database.db;
  const demo = await seedDemo(db, await hashPassword(DEMO_PASSWORD));
  const card = demo.cards.find((c) => c.youngster === 'Sigfrid')!;
  sigfridLink = `${stack.baseUrl}/k/${card.token}`;
  // Someone with an absurdly long name and message: the layout must hold at 375 px.
  const [roermond] = await db.select().from(municipalities).where(eq(municipalities.name, 'Roermond'));
  await createConversationFixture(db, { municipalityId: roermond!.id, firstName: LONG, lastName: 'Lang', messages: [{ direction: 'in', body: `kijk ${LONG} https://example.org/${LONG}` }] });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await iso?.destroy();
});

async function signIn(page: Page, email: string) {
  await page.goto(`${stack.baseUrl}/inbox`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', DEMO_PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/inbox$/);
}

const noHorizontalScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

describe('a casemanager’s workday in a real browser', () => {
  it('live arrival, canned reply, internal note, a home visit and an outcome, and a warm handover', async () => {
    const staffCtx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const staff = await staffCtx.newPage();
    await signIn(staff, 'michelle@oost.demo');

    // Keyboard: the first Tab lands on the skip link, which is visible when focused.
    await staff.keyboard.press('Tab');
    expect(await staff.evaluate(() => document.activeElement?.className)).toBe('skip-link');
    expect(await staff.locator('.skip-link').boundingBox()).not.toBeNull();

    // The youngster writes from the web chat.
    const phoneCtx = await browser.newContext({ viewport: { width: 390, height: 760 }, isMobile: true, hasTouch: true });
    const phone = await phoneCtx.newPage();
    await phone.goto(sigfridLink);
    await phone.click('text=Chat hier in je browser');
    await phone.waitForURL(/\/chat/);
    await phone.fill('#text', 'hoi, kun je me helpen met werk zoeken?');
    await phone.click('#send');

    // It arrives in "mine" without a reload.
    const row = staff.locator('.st-row', { hasText: 'Sigfrid' });
    await row.waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toContain('werk zoeken');
    await row.locator('a').click();
    await staff.waitForURL(/\/inbox\/c\//);
    const conversationId = staff.url().split('/inbox/c/')[1]!;
    await staff.locator('.st-msg-in', { hasText: 'werk zoeken' }).waitFor();
    expect(await staff.locator('.st-msg-in .st-badge').first().textContent()).toBe('web');
    expect(await staff.locator('.st-msg-bot').count()).toBeGreaterThan(0);

    // A canned reply, filled in by the server, then sent.
    await staff.selectOption('#canned-id', 'back-tomorrow');
    await staff.fill('#canned-datum', '2026-12-01');
    await staff.click('#canned button[type=submit]');
    await expect.poll(() => staff.inputValue('#reply-text')).toBe('Hoi Sigfrid, dank je voor je bericht! Ik ben er dinsdag 1 december weer en dan reageer ik. Groet, Michelle');
    expect(staff.url()).not.toContain('canned='); // filled by script, no page load
    await staff.click('#reply button[type=submit]');
    await staff.locator('.st-msg-out', { hasText: 'dinsdag 1 december' }).locator('.st-status[data-status="sent"]').waitFor({ timeout: 10_000 });
    await phone.locator('.yt-msg-coach', { hasText: 'dinsdag 1 december' }).waitFor({ timeout: 10_000 });

    // An internal note: in the thread, labelled, never at the youngster.
    await staff.fill('#note-text', 'Zoekt werk in de bouw. Eerst vertrouwen opbouwen.');
    await staff.click('#note button[type=submit]');
    const note = staff.locator('.st-note', { hasText: 'vertrouwen opbouwen' });
    await note.waitFor();
    expect(await note.textContent()).toContain('Interne notitie');

    // The home visit of this morning, and what the youngster is looking for, go into the panel.
    await staff.selectOption('#yp-kind', 'home_visit_spoke');
    await staff.fill('#yp-minutes', '45');
    await staff.fill('#yp-note', 'Samen met Karin, moeder was thuis.');
    await staff.click('form[action$="/attempts"] button[type=submit]');
    await staff.waitForURL(/#panel$/);
    const attempt = staff.locator('.yp-attempts li', { hasText: 'Huisbezoek - gesproken' });
    await attempt.waitFor();
    expect(await attempt.textContent()).toContain('45 min');
    expect(await staff.textContent('#panel')).toContain('Totaal: 45 minuten');
    await staff.selectOption('#yp-support', 'werk');
    await staff.click('form:has(#yp-support) button[type=submit]');
    await staff.waitForURL(/#panel$/);
    await staff.selectOption('#yp-outcome', 'werk');
    await staff.click('form:has(#yp-outcome) button[type=submit]');
    await staff.waitForURL(/#panel$/);
    expect(await staff.inputValue('#yp-outcome')).toBe('werk');
    expect(await staff.inputValue('#yp-support')).toBe('werk');
    const [person] = await iso.ctx.database.db.select().from(youngsters).where(eq(youngsters.firstName, 'Sigfrid'));
    expect(person).toMatchObject({ outcome: 'werk', supportQuestion: 'werk' });
    const [logged] = await iso.ctx.database.db.select().from(contactAttempts).where(eq(contactAttempts.youngsterId, person!.id));
    expect(logged).toMatchObject({ kind: 'home_visit_spoke', minutes: 45 });
    await staff.locator('#panel').screenshot({ path: `${SHOTS}youngster-panel.png` });

    // Warm handover to Yusuf.
    const [yusuf] = await iso.ctx.database.db.select().from(staffUsers).where(eq(staffUsers.email, 'yusuf@oost.demo'));
    await staff.selectOption('#assign-to', yusuf!.id);
    await staff.fill('#handover-note', 'Yusuf, Sigfrid wil de bouw in. Ik heb hem gezegd dat jij contact opneemt.');
    await staff.click('#assign button[type=submit]');
    await staff.locator('.st-note-handover', { hasText: 'de bouw in' }).waitFor();
    expect(await staff.textContent('#conv-assignee')).toBe('Yusuf Demir');
    const [conv] = await iso.ctx.database.db.select().from(conversations).where(eq(conversations.id, conversationId));
    expect(conv!.assignedTo).toBe(yusuf!.id);
    const notes = await iso.ctx.database.db.select().from(conversationNotes).where(eq(conversationNotes.conversationId, conversationId));
    expect(notes.map((n) => n.kind).sort()).toEqual(['handover', 'note']);
    const chatText = await phone.textContent('body');
    expect(chatText).not.toContain('vertrouwen opbouwen');
    expect(chatText).not.toContain('de bouw in');

    // Tab reaches the controls, with a visible focus ring.
    await staff.focus('#status-select');
    const outline = await staff.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).not.toBe('none');
    await staff.screenshot({ path: `${SHOTS}conversation.png`, fullPage: true });

    // Yusuf, on his phone, finds it in "mine"; nothing scrolls sideways, even with a 200-character name.
    const mobileCtx = await browser.newContext({ viewport: { width: 375, height: 800 }, isMobile: true, hasTouch: true });
    const mobile = await mobileCtx.newPage();
    await signIn(mobile, 'yusuf@oost.demo');
    await mobile.locator('.st-row', { hasText: 'Sigfrid' }).waitFor();
    await mobile.goto(`${stack.baseUrl}/inbox?view=team`);
    await mobile.locator('.st-row', { hasText: 'XXXX' }).waitFor();
    expect(await noHorizontalScroll(mobile)).toBe(true);
    await mobile.screenshot({ path: `${SHOTS}inbox-mobile.png`, fullPage: true });
    await mobile.locator('.st-row', { hasText: 'XXXX' }).locator('a').click();
    await mobile.waitForURL(/\/inbox\/c\//);
    expect(await noHorizontalScroll(mobile)).toBe(true);
    // URLs in messages stay text.
    expect(await mobile.locator('.st-thread a').count()).toBe(0);
    await mobile.screenshot({ path: `${SHOTS}conversation-mobile.png`, fullPage: true });

    await mobileCtx.close();
    await phoneCtx.close();
    await staffCtx.close();
  });
});
