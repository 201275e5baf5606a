import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consents, partners, youngsters } from '../../db/schema/index.js';
import { amsterdamToday } from '../../web/domain/youngster-panel.js';
import { launchBrowser, SCREENSHOTS } from '../helpers/browser.js';
import { createConversationFixture, PASSWORD, twoTeams } from '../helpers/fixtures.js';
import { isolated, runningStack, type Isolated } from '../helpers/isolated.js';

/**
 * The consent ledger in a real browser: a casemanager reads the explanation,
 * records a 17-year-old's consent to work together with a parent's, then a
 * partner consent, sees the badge in the header, and withdraws one.
 */
let iso: Isolated;
let stack: Awaited<ReturnType<typeof runningStack>>;
let browser: Browser;
let conversationId: string;
let youngsterId: string;

beforeAll(async () => {
  iso = await isolated();
  stack = await runningStack(iso, { workers: false });
  const db = iso.ctx.database.db;
  const org = await twoTeams(db);
  const roermond = org.oost.municipalities.Roermond!;
  const f = await createConversationFixture(db, { municipalityId: roermond, firstName: 'Mila', lastName: 'Janssen', assignedTo: org.michelle.id });
  const [y, m, d] = amsterdamToday().split('-').map(Number) as [number, number, number];
  await db.update(youngsters).set({ birthDate: `${y - 17}-${String(m).padStart(2, '0')}-${String(Math.min(d, 28)).padStart(2, '0')}` }).where(eq(youngsters.id, f.youngster.id));
  await db.insert(partners).values([
    { municipalityId: roermond, name: 'Leerwerkloket Midden-Limburg' },
    { municipalityId: roermond, name: 'Schuldhulp Roermond' },
  ]);
  conversationId = f.conversation.id;
  youngsterId = f.youngster.id;
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await iso?.destroy();
});

async function signIn(page: Page) {
  await page.goto(`${stack.baseUrl}/login`);
  await page.fill('input[name=email]', 'michelle@oost.test');
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/inbox/);
}

describe('the consent ledger in the browser', () => {
  it('records, shows and withdraws consent from the youngster panel', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 1200 }, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam' })).newPage();
    await signIn(page);
    await page.goto(`${stack.baseUrl}/inbox/c/${conversationId}`);
    expect(await page.locator('#conv-consent').textContent()).toBe('Nog geen toestemming');

    // Under 18: the browser itself refuses the form without the parent's part.
    await page.selectOption('#yp-cc-via', 'in_person');
    await page.selectOption('#yp-cc-g-rel', '');
    await page.click('.yp-consent-form button[type=submit]');
    expect(await page.locator('#yp-cc-g-rel').evaluate((el) => (el as HTMLSelectElement).validity.valueMissing)).toBe(true);
    await page.selectOption('#yp-cc-g-rel', 'parent');
    await Promise.all([page.waitForURL(/#consent$/), page.click('.yp-consent-form button[type=submit]')]);
    expect(await page.locator('#conv-consent').textContent()).toBe('Toestemming: samenwerken ✓');

    await page.selectOption('#yp-cp-partner', { label: 'Schuldhulp Roermond' });
    await page.check('#yp-cp-cat-that');
    await page.selectOption('#yp-cp-via', 'chat');
    await page.selectOption('#yp-cp-g-rel', 'parent');
    await Promise.all([page.waitForNavigation(), page.click('.yp-consent-form button[type=submit]')]);
    expect(await page.locator('#conv-consent').textContent()).toBe('Toestemming: samenwerken ✓ · 1 partner');
    await page.locator('#consent').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}consent-panel.png`, fullPage: true });
    // The panel scrolls on its own beside the thread: a tall window shows the whole consent section at once.
    await page.setViewportSize({ width: 1280, height: 3200 });
    await page.locator('section#consent').screenshot({ path: `${SCREENSHOTS}consent-panel-section.png` });
    await page.setViewportSize({ width: 1280, height: 1200 });

    // Withdraw the partner consent: the "how" is required.
    const partnerItem = page.locator('.yp-consents li', { hasText: 'Schuldhulp Roermond' });
    await partnerItem.locator('select').selectOption('phone');
    await Promise.all([page.waitForNavigation(), partnerItem.locator('button').click()]);
    expect(await page.locator('#conv-consent').textContent()).toBe('Toestemming: samenwerken ✓');
    expect(await page.locator('.yp-consents-withdrawn').textContent()).toContain('Ingetrokken op');
    const rows = await iso.ctx.database.db.select().from(consents).where(eq(consents.youngsterId, youngsterId));
    expect(rows.map((r) => `${r.kind}:${r.guardianRelation}:${r.withdrawnVia ?? '-'}`).sort()).toEqual(['cooperation:parent:-', 'partner:parent:phone']);
    await page.screenshot({ path: `${SCREENSHOTS}consent-panel-withdrawn.png`, fullPage: true });
  });
});
