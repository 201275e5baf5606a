import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, OUTCOME_CATEGORIES } from '../../db/schema/index.js';
import { createOrganisation } from '../../db/seed/organisation.js';
import { launchBrowser, SCREENSHOTS, signInAs } from '../helpers/browser.js';
import { createStaff, PASSWORD } from '../helpers/fixtures.js';
import { hashPassword } from '../../web/domain/login.js';
import { isolated, runningStack, type Isolated } from '../helpers/isolated.js';

/**
 * The monitoring report in a real browser: a coordinator's exact page with its charts (wide,
 * phone, print), and the regional account's protected page. The history is anonymous events only.
 */
let iso: Isolated;
let stack: Awaited<ReturnType<typeof runningStack>>;
let browser: Browser;

beforeAll(async () => {
  iso = await isolated();
  stack = await runningStack(iso, { workers: false });
  const db = iso.ctx.database.db;
  const org = await createOrganisation(
    db,
    { region: 'Midden-Limburg', teams: [{ name: 'Doorstroompunt Oost', municipalities: ['Roermond', 'Maasgouw'] }, { name: 'Doorstroompunt West', municipalities: ['Weert'] }] },
    { passwordHash: await hashPassword(PASSWORD) },
  );
  const oost = org.teams['Doorstroompunt Oost']!;
  await createStaff(db, oost.id, { email: 'karin@oost.test', firstName: 'Karin', role: 'coordinator' });
  await createStaff(db, oost.id, { email: 'regio@ml.test', firstName: 'Regio', role: 'regional' });
  // A half year of anonymous history: per municipality a list, cards, chats, outflows.
  const at = (month: number, day: number) => new Date(Date.UTC(2026, month - 1, day, 10));
  const rows: (typeof events.$inferInsert)[] = [];
  const sizes: Record<string, number> = { Roermond: 40, Maasgouw: 22, Weert: 9 };
  for (const [name, size] of Object.entries(sizes)) {
    const m = org.municipalities[name]!;
    rows.push({ type: 'list.imported', municipalityId: m, occurredAt: at(1, 5), data: { listMonth: '2026-01-01', baseline: true, rows: size + 6, newInflow: size + 6, kvk: 3, known: 6, approached: size } });
    for (let i = 0; i < size; i++) {
      const subject = randomUUID();
      const day = 5 + (i % 20);
      rows.push({ type: 'youngster.listed', municipalityId: m, subject, occurredAt: at(1, 5), data: { listMonth: '2026-01-01', age: 22 + (i % 6), newInflow: true, kvk: i % 9 === 0, known: false, approached: true, variant: i % 9 === 0 ? 'entrepreneur' : 'regular', decision: 'approach' } });
      rows.push({ type: 'card.generated', municipalityId: m, subject, occurredAt: at(1, 6), data: { variant: i % 9 === 0 ? 'entrepreneur' : 'regular' } });
      rows.push({ type: 'card.delivered', municipalityId: m, subject, occurredAt: at(1, 8), data: {} });
      if (i % 2 === 0) rows.push({ type: 'card.scanned', municipalityId: m, subject, occurredAt: at(1, day), data: {} });
      if (i % 3 !== 2) {
        rows.push({ type: 'contact.linked', municipalityId: m, subject, occurredAt: at(1, day), data: { via: 'card', channel: i % 3 === 0 ? 'whatsapp' : 'web' } });
        rows.push({ type: 'message.received', municipalityId: m, subject, occurredAt: at(1, day), data: { channel: 'web', kind: 'text' } });
        rows.push({ type: 'contact_attempt.recorded', municipalityId: m, subject, occurredAt: at(2, 2), data: { kind: 'chat', minutes: 20 + i, on: '2026-02-02' } });
      }
      if (i % 4 === 0) rows.push({ type: 'consent.given', municipalityId: m, subject, occurredAt: at(2, 10), data: { kind: 'cooperation', category: null, via: 'chat' } });
      if (i % 5 === 0) rows.push({ type: 'visit.booked', municipalityId: m, subject, occurredAt: at(2, 12), data: { type: 'home', day: '2026-02-20', via: 'chat' } });
      if (i % 3 === 0) rows.push({ type: 'youngster.support_question_set', municipalityId: m, subject, occurredAt: at(2, 15), data: { category: ['werk', 'opleiding', 'zorgtraject'][i % 3 === 0 ? (i / 3) % 3 : 0]! } });
      if (i % 2 === 1) rows.push({ type: 'youngster.outcome_set', municipalityId: m, subject, occurredAt: at(4, 1 + (i % 25)), data: { category: OUTCOME_CATEGORIES[(i * 5) % OUTCOME_CATEGORIES.length]!, on: '2026-04-01' } });
    }
  }
  await db.insert(events).values(rows);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await iso?.destroy();
});

const signIn = (page: Page, email: string) => signInAs(page, stack.baseUrl, email);

describe('the monitoring report in the browser', () => {
  it("a coordinator's page: exact tables, three charts, downloads; fits a phone; prints without the controls", async () => {
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam' })).newPage();
    await signIn(page, 'karin@oost.test');
    await page.click('nav.st-nav a[href="/reports/monitoring"]');
    await page.fill('input[name=from]', '2026-01-01');
    await page.fill('input[name=peildatum]', '2026-06-30');
    await page.click('.rp-period button[type=submit]');
    await page.waitForURL(/peildatum=2026-06-30/);
    expect(await page.locator('.rp-section').count()).toBeGreaterThanOrEqual(10);
    expect(await page.locator('.rp-charts svg').count()).toBe(3);
    // Exact counts for the own team: Roermond and Maasgouw, not Weert; no "<5" anywhere.
    const results = page.locator('#i2_results');
    expect(await results.locator('tbody th').allTextContents()).toEqual(['Maasgouw', 'Roermond']);
    expect(await page.locator('.rp-hidden').count()).toBe(0);
    // Cards made: 40 + 22 in the funnel's total.
    expect(await page.locator('#funnel_municipality tfoot td').first().textContent()).toBe('62');
    await page.screenshot({ path: `${SCREENSHOTS}monitoring-coordinator.png`, fullPage: true });

    const download = page.waitForEvent('download');
    await page.click('button[formaction="/reports/monitoring.xlsx"]');
    expect((await download).suggestedFilename()).toBe('monitoring-2026-01-01-2026-06-30.xlsx');

    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.rp-downloads').isVisible()).toBe(false);
    await page.screenshot({ path: `${SCREENSHOTS}monitoring-print.png`, fullPage: true });

    const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam' })).newPage();
    await signIn(phone, 'karin@oost.test');
    await phone.goto(`${stack.baseUrl}/reports/monitoring?from=2026-01-01&peildatum=2026-06-30`);
    // The page itself never scrolls sideways; a wide table scrolls inside its own box.
    expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await phone.screenshot({ path: `${SCREENSHOTS}monitoring-phone.png` });
  });

  it("the regional account's page: the whole region, small counts as <5, no inbox", async () => {
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam' })).newPage();
    await signIn(page, 'regio@ml.test');
    await page.waitForURL(/\/reports\/monitoring/);
    await page.goto(`${stack.baseUrl}/reports/monitoring?from=2026-01-01&peildatum=2026-06-30`);
    expect(await page.locator('#i2_results tbody th').allTextContents()).toEqual(['Maasgouw', 'Roermond', 'Weert']);
    expect(await page.locator('.rp-hidden').count()).toBeGreaterThan(0);
    expect(await page.locator('.rp-protected').count()).toBe(1);
    expect(await page.locator('nav.st-nav a[href="/inbox"]').count()).toBe(0);
    expect(await page.locator('input[name=outside]').count()).toBe(0);
    // Counts only (a share or a median is not a count).
    const cells = await page.locator('#i2_outflow .rp-table td, #i1_age .rp-table td, #funnel_municipality .rp-table td:not(:last-child)').allTextContents();
    expect(cells.length).toBeGreaterThan(40);
    expect(cells.filter((c) => /^[1-4]$/.test(c.trim()))).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}monitoring-regional.png`, fullPage: true });
  });
});
