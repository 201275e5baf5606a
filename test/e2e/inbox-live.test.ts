import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, SCREENSHOTS } from '../helpers/browser.js';
import { createConversationFixture, PASSWORD, twoTeams } from '../helpers/fixtures.js';
import { isolated, runningStack, type Isolated } from '../helpers/isolated.js';

/**
 * Two colleagues in two browsers: what one does shows on the other's screen
 * without a reload - a note in the open conversation, and the navigation
 * counts (mine, unassigned, urgent) on every inbox page.
 */
let iso: Isolated;
let stack: Awaited<ReturnType<typeof runningStack>>;
let browser: Browser;
let org: Awaited<ReturnType<typeof twoTeams>>;
let mineId: string;
let unassignedId: string;

beforeAll(async () => {
  iso = await isolated();
  stack = await runningStack(iso, { workers: false });
  const db = iso.ctx.database.db;
  org = await twoTeams(db);
  const roermond = org.oost.municipalities.Roermond!;
  mineId = (await createConversationFixture(db, { municipalityId: roermond, firstName: 'Sigfrid', lastName: 'Houben', assignedTo: org.michelle.id, messages: [{ direction: 'in', body: 'Kan ik morgen langskomen?' }] })).conversation.id;
  unassignedId = (await createConversationFixture(db, { municipalityId: roermond, firstName: 'Noor', lastName: 'Smeets', messages: [{ direction: 'in', body: 'Hoi, wie leest dit?' }] })).conversation.id;
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await iso?.destroy();
});

async function signIn(email: string): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(`${stack.baseUrl}/inbox`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/inbox$/);
  return page;
}
const count = (page: Page, view: string) => page.locator(`[data-count="${view}"]`).textContent().then(Number);

describe('live inbox between two colleagues', () => {
  it("shows a colleague's note and the changed counts without a reload", async () => {
    const michelle = await signIn('michelle@oost.test');
    await michelle.goto(`${stack.baseUrl}/inbox/c/${mineId}`);
    await michelle.locator('.st-msg-in', { hasText: 'langskomen' }).waitFor();
    // Marks this page load: a reload would lose it.
    await michelle.evaluate(() => ((window as unknown as { sameLoad: boolean }).sameLoad = true));
    const before = { mine: await count(michelle, 'mine'), unassigned: await count(michelle, 'unassigned'), urgent: await count(michelle, 'urgent') };
    expect(before).toEqual({ mine: 1, unassigned: 1, urgent: 0 });

    // The coordinator, in her own browser, writes a note in the same conversation.
    const karin = await signIn('karin@oost.test');
    await karin.goto(`${stack.baseUrl}/inbox/c/${mineId}`);
    await karin.fill('#note-text', 'Let op: hij werkt ’s ochtends, bel na 14 uur.');
    await karin.click('#note button[type=submit]');
    await karin.waitForURL(new RegExp(`/inbox/c/${mineId}$`));

    const note = michelle.locator('.st-note', { hasText: 'bel na 14 uur' });
    await note.waitFor({ timeout: 10_000 });
    expect(await note.locator('.st-note-label').textContent()).toBe('Interne notitie · niet verstuurd');
    expect(await note.locator('.st-msg-meta').textContent()).toContain('Karin Test');

    // She gives Michelle the unassigned conversation and marks it urgent: Michelle's counts follow.
    await karin.goto(`${stack.baseUrl}/inbox/c/${unassignedId}`);
    await karin.selectOption('#assign-to', org.michelle.id);
    await karin.click('#assign button[type=submit]');
    await karin.waitForURL(new RegExp(`/inbox/c/${unassignedId}$`));
    await karin.click('#urgent-toggle');
    await karin.waitForURL(new RegExp(`/inbox/c/${unassignedId}$`));

    await michelle.waitForFunction(
      () => document.querySelector('[data-count="mine"]')?.textContent === '2' && document.querySelector('[data-count="urgent"]')?.textContent === '1',
      undefined,
      { timeout: 10_000 },
    );
    expect(await count(michelle, 'unassigned')).toBe(0);
    expect(await michelle.evaluate(() => (window as unknown as { sameLoad?: boolean }).sameLoad)).toBe(true);
    await note.scrollIntoViewIfNeeded();
    await michelle.screenshot({ path: `${SCREENSHOTS}inbox-live-note-and-counts.png` });

    // And on the list page: a new urgent conversation for the team shows in "urgent" at once.
    await michelle.goto(`${stack.baseUrl}/inbox?view=team`);
    await michelle.evaluate(() => ((window as unknown as { sameLoad: boolean }).sameLoad = true));
    await karin.goto(`${stack.baseUrl}/inbox/c/${mineId}`);
    await karin.click('#urgent-toggle');
    await michelle.waitForFunction(() => document.querySelector('[data-count="urgent"]')?.textContent === '2', undefined, { timeout: 10_000 });
    expect(await michelle.evaluate(() => (window as unknown as { sameLoad?: boolean }).sameLoad)).toBe(true);
  });
});
