import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { createStaff, PASSWORD, twoTeams } from '../helpers/fixtures.js';
import { isolated, runningStack, type Isolated } from '../helpers/isolated.js';

/** The availability page and the visit-types admin page in Chromium, with screenshots to look at. */
let iso: Isolated;
let stack: Awaited<ReturnType<typeof runningStack>>;
let browser: Browser;
let org: Awaited<ReturnType<typeof twoTeams>>;
const SHOTS = process.env.SHOTS_DIR ?? '/tmp/shots';

beforeAll(async () => {
  iso = await isolated();
  stack = await runningStack(iso, { workers: false });
  org = await twoTeams(iso.ctx.database.db);
  await createStaff(iso.ctx.database.db, org.oost.teamId, { email: 'admin@oost.test', firstName: 'Ada', role: 'admin' });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await iso?.destroy();
});

async function signIn(email: string, next: string): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nl-NL' });
  const page = await ctx.newPage();
  await page.goto(`${stack.baseUrl}${next}`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL((u) => u.pathname === next);
  return page;
}

describe('availability pages in a browser', () => {
  it('a casemanager fills in the week and an exception', async () => {
    const page = await signIn('michelle@oost.test', '/account/availability');
    await page.fill('input[name=b1_1_from]', '09:00');
    await page.fill('input[name=b1_1_to]', '12:00');
    await page.fill('input[name=b1_2_from]', '13:00');
    await page.fill('input[name=b1_2_to]', '17:00');
    await page.fill('input[name=b3_1_from]', '10:00');
    await page.fill('input[name=b3_1_to]', '15:00');
    await page.click('text=Weektijden opslaan');
    await page.locator('.st-flag', { hasText: 'weektijden zijn opgeslagen' }).waitFor();
    await page.selectOption('select[name=reason]', 'off_holiday');
    await page.click('text=Uitzondering toevoegen');
    await page.locator('.st-flag', { hasText: 'uitzondering is toegevoegd' }).waitFor();
    expect(await page.locator('input[name=b1_2_to]').inputValue()).toBe('17:00');
    await page.screenshot({ path: `${SHOTS}/availability.png`, fullPage: true });
  });

  it('an admin sets the visit types of a municipality', async () => {
    const url = `/admin/team/municipalities/${org.oost.municipalities.Roermond}/visit-types`;
    const page = await signIn('admin@oost.test', url);
    await page.check('input[name=home_twoStaff]');
    await page.fill('input[name=home_duration]', '75');
    await page.click('button:has-text("Opslaan")');
    await page.locator('.st-flag', { hasText: 'opgeslagen' }).waitFor();
    expect(await page.locator('input[name=home_duration]').inputValue()).toBe('75');
    await page.screenshot({ path: `${SHOTS}/visit-types.png`, fullPage: true });
  });
});
