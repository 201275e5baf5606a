import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConversationFixture, PASSWORD, twoTeams } from '../helpers/fixtures.js';
import { launchBrowser, SCREENSHOTS } from '../helpers/browser.js';
import { isolated, runningStack, type Isolated } from '../helpers/isolated.js';

/** The sign-in and inbox mends as a browser sees them: where it goes, what it says, how a row reads. */
let iso: Isolated;
let stack: Awaited<ReturnType<typeof runningStack>>;
let browser: Browser;

beforeAll(async () => {
  iso = await isolated();
  stack = await runningStack(iso, { workers: false });
  const org = await twoTeams(iso.ctx.database.db);
  await createConversationFixture(iso.ctx.database.db, {
    municipalityId: org.oost.municipalities.Roermond!,
    firstName: 'Robin',
    assignedTo: org.michelle.id,
    messages: [{ direction: 'in', body: 'Hoi \u202Eetadpu\u202C ik wil wel even praten' }],
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await iso?.destroy();
});

describe('in a real browser', () => {
  it('stays on our site after signing in with next=/%09/evil.example, and a wrong password reads like any other refusal', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1024, height: 700 }, locale: 'nl-NL' });
    const page = await ctx.newPage();
    await page.goto(`${stack.baseUrl}/login?next=/%09/evil.example`);
    await page.fill('input[name=email]', 'michelle@oost.test');
    await page.fill('input[name=password]', 'niet het wachtwoord');
    await page.click('button[type=submit]');
    await expect.poll(() => page.locator('.st-error').textContent()).toContain('Inloggen lukt zo niet');
    await page.screenshot({ path: `${SCREENSHOTS}login-refused.png` });

    await page.fill('input[name=email]', 'michelle@oost.test');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForLoadState('load');
    expect(new URL(page.url()).origin).toBe(stack.baseUrl);
    expect(new URL(page.url()).pathname).toBe('/inbox');

    // The row preview reads in order; the override did not turn the rest of the row around.
    const row = page.locator('.st-row-preview').first();
    expect(await row.textContent()).toBe('Hoi etadpu ik wil wel even praten');
    await page.screenshot({ path: `${SCREENSHOTS}inbox-bidi-preview.png` });
    await ctx.close();
  });
});
