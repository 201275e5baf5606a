import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cards, youngsters } from '../../db/schema/index.js';
import { launchBrowser, SCREENSHOTS } from '../helpers/browser.js';
import { PASSWORD, twoTeams } from '../helpers/fixtures.js';
import { isolated, runningStack, type Isolated } from '../helpers/isolated.js';

/** A coordinator goes from the monthly CSV to a printable PDF of personal cards, in a real browser. */
const SAMPLE = fileURLToPath(new URL('../fixtures/lists/jib-lijst-2026-11.csv', import.meta.url));
let iso: Isolated;
let stack: Awaited<ReturnType<typeof runningStack>>;
let browser: Browser;

beforeAll(async () => {
  iso = await isolated();
  stack = await runningStack(iso);
  await twoTeams(iso.ctx.database.db);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await iso?.destroy();
});

describe('the monthly list in the browser', () => {
  it('upload -> preview (nothing stored) -> import -> result -> PDF with progress -> download', async () => {
    const db = iso.ctx.database.db;
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${stack.baseUrl}/login`);
    await page.fill('input[name=email]', 'karin@oost.test');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/inbox/);
    await page.click('text=Lijsten en kaarten');
    await page.waitForURL(/\/lists$/);
    await page.setInputFiles('#list-file', SAMPLE);
    await page.fill('#list-month', '2026-11');
    await page.screenshot({ path: `${SCREENSHOTS}lists-upload.png`, fullPage: true });
    await page.click('#list-upload');
    await page.waitForURL(/\/lists\/preview\//);
    expect(await page.locator('#preview-file').textContent()).toContain('60 rijen');
    expect(await page.locator('#preview-cards tbody tr').count()).toBe(12);
    expect(await page.locator('#preview-counts').textContent()).toContain('Roermond');
    await page.screenshot({ path: `${SCREENSHOTS}lists-preview.png`, fullPage: true });
    expect((await db.select({ n: sql<number>`count(*)::int` }).from(youngsters))[0]!.n).toBe(0);

    await page.click('#preview-import');
    await page.waitForURL(/\/lists\/imports\//);
    expect(await page.locator('#import-summary').textContent()).toContain('12 krijgen een kaart');
    expect((await db.select({ n: sql<number>`count(*)::int` }).from(cards))[0]!.n).toBe(12);

    await page.click('#make-cards');
    await page.waitForURL(/\/lists\/imports\/.*#batches$/);
    // The page follows the worker until both PDFs (Roermond, Maasgouw) are ready.
    await page.locator('[data-batch][data-status="ready"]').nth(1).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: `${SCREENSHOTS}lists-result.png`, fullPage: true });
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-batch-download]').first().click()]);
    const pdf = await readFile((await download.path())!);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(download.suggestedFilename()).toMatch(/^kaarten-.*\.pdf$/);
    await context.close();
  }, 90_000);
});
