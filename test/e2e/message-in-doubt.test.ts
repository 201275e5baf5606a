import { eq, sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../../db/schema/index.js';
import { launchBrowser, SCREENSHOTS } from '../helpers/browser.js';
import { createConversationFixture, PASSWORD, twoTeams } from '../helpers/fixtures.js';
import { until } from '../helpers/http.js';
import { isolated, runningStack, type Isolated } from '../helpers/isolated.js';

/**
 * A reply whose worker died while handing it to the platform: nobody knows
 * whether it arrived. The casemanager watching the conversation sees it turn
 * into "misschien niet aangekomen" without a reload, and sends it again.
 */
let iso: Isolated;
let stack: Awaited<ReturnType<typeof runningStack>>;
let browser: Browser;

beforeAll(async () => {
  iso = await isolated();
  stack = await runningStack(iso);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await iso?.destroy();
});

describe('a message that may not have arrived', () => {
  it('shows up live as in doubt, with the retry button, and goes when a person says so', async () => {
    const db = iso.ctx.database.db;
    const org = await twoTeams(db);
    const { conversation, contact } = await createConversationFixture(db, {
      municipalityId: org.oost.municipalities.Roermond!,
      firstName: 'Sigfrid',
      lastName: 'Houben',
      assignedTo: org.michelle.id,
      messages: [{ direction: 'in', body: 'Kan ik morgen langskomen?' }],
    });
    // On the wire for ten minutes: handed to the platform by a worker that has not been heard of since.
    const tenMinutesAgo = sql`now() - interval '10 minutes'`;
    const [reply] = await db
      .insert(messages)
      .values({
        conversationId: conversation.id,
        contactId: contact.id,
        channel: 'web',
        direction: 'out',
        authorStaffId: org.michelle.id,
        body: 'Morgen om 10 uur past goed.',
        status: 'sending',
        attempts: 1,
        claimedAt: tenMinutesAgo,
        sendingSince: tenMinutesAgo,
      })
      .returning();

    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${stack.baseUrl}/login?next=/inbox/c/${conversation.id}`);
    await page.fill('input[name=email]', 'michelle@oost.test');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(new RegExp(`/inbox/c/${conversation.id}$`));
    const row = page.locator(`[data-message="${reply!.id}"]`);
    expect(await row.locator('.st-status').textContent()).toBe('wordt verstuurd');
    await page.evaluate(() => ((window as unknown as { sameLoad: boolean }).sameLoad = true));

    expect(await stack.workers!.sweep()).toMatchObject({ inDoubt: 1 });
    await row.locator('.st-status[data-status="in_doubt"]').waitFor({ timeout: 10_000 });
    expect(await row.locator('.st-status').textContent()).toBe('misschien niet aangekomen');
    expect(await row.locator('.st-retry button').textContent()).toBe('Opnieuw versturen');
    expect(await page.evaluate(() => (window as unknown as { sameLoad?: boolean }).sameLoad)).toBe(true);
    await page.screenshot({ path: `${SCREENSHOTS}message-in-doubt.png` });

    // After a reload the server renders the same.
    await page.reload();
    expect(await row.locator('.st-status').textContent()).toBe('misschien niet aangekomen');

    await row.locator('.st-retry button').click();
    await page.waitForURL(new RegExp(`/inbox/c/${conversation.id}`));
    const sent = await until(async () => {
      const [m] = await db.select().from(messages).where(eq(messages.id, reply!.id));
      return m?.status === 'sent' ? m : null;
    });
    expect(sent.attempts).toBe(2);
    await row.locator('.st-status[data-status="sent"]').waitFor({ timeout: 10_000 });
    expect(await row.locator('.st-retry').count()).toBe(0);
  });
});
