import { eq } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { teamMunicipalities, teams } from '../../db/schema/index.js';
import { launchBrowser, SCREENSHOTS } from '../helpers/browser.js';
import { createConversationFixture, createStaff, createYoungsterWithCard, PASSWORD, twoTeams } from '../helpers/fixtures.js';
import { isolated, runningStack, type Isolated } from '../helpers/isolated.js';

/** An admin hands Roermond to the other team of the region, in a real browser: choose, read what happens, confirm. */
let iso: Isolated;
let stack: Awaited<ReturnType<typeof runningStack>>;
let browser: Browser;
let org: Awaited<ReturnType<typeof twoTeams>>;
let noordTeamId: string;

beforeAll(async () => {
  iso = await isolated();
  stack = await runningStack(iso, { workers: false });
  const db = iso.ctx.database.db;
  org = await twoTeams(db);
  const [oost] = await db.select().from(teams).where(eq(teams.id, org.oost.teamId));
  noordTeamId = (await db.insert(teams).values({ regionId: oost!.regionId, name: 'Team Oost-Noord' }).returning())[0]!.id;
  await createStaff(db, org.oost.teamId, { email: 'ada@oost.test', firstName: 'Ada', role: 'admin' });
  const roermond = org.oost.municipalities.Roermond!;
  await createConversationFixture(db, { municipalityId: roermond, firstName: 'Anouk', assignedTo: org.michelle.id });
  await createConversationFixture(db, { municipalityId: roermond, firstName: 'Bas', assignedTo: org.yusuf.id });
  await createConversationFixture(db, { municipalityId: roermond, firstName: 'Cem' });
  await createYoungsterWithCard(db, roermond, org.michelle.id);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await iso?.destroy();
});

describe('municipality handover in the browser', () => {
  it('picks a team of the region, shows what happens, and hands over on confirmation', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
    await page.goto(`${stack.baseUrl}/login`);
    await page.fill('input[name=email]', 'ada@oost.test');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.goto(`${stack.baseUrl}/admin/team`);
    await page.screenshot({ path: `${SCREENSHOTS}municipality-handover-team-page.png` });
    await page.locator('.st-team-municipalities li', { hasText: 'Roermond' }).locator('a[href$="/handover"]').click();
    await page.waitForURL(new RegExp(`/admin/team/municipalities/${org.oost.municipalities.Roermond}/handover$`));
    expect(await page.locator('#handover-to option').allTextContents()).toEqual(['Kies een team…', 'Team Oost-Noord']);
    await page.selectOption('#handover-to', noordTeamId);
    await page.click('text=Bekijk wat er gebeurt');
    await page.locator('#handover-confirm').waitFor();
    expect(await page.locator('#handover-open').textContent()).toContain('Open gesprekken: 3');
    await page.screenshot({ path: `${SCREENSHOTS}municipality-handover-preview.png`, fullPage: true });

    await page.click('#handover-confirm');
    await page.waitForURL(/\/admin\/team\?handedOver=1$/);
    expect(await page.locator('.st-flag').first().textContent()).toContain('De gemeente is overgedragen');
    expect(await page.locator('.st-team-municipalities').textContent()).not.toContain('Roermond');
    const [row] = await iso.ctx.database.db.select().from(teamMunicipalities).where(eq(teamMunicipalities.municipalityId, org.oost.municipalities.Roermond!));
    expect(row!.teamId).toBe(noordTeamId);

    await page.goto(`${stack.baseUrl}/audit`);
    const transfer = page.locator('td[data-type="municipality.transferred"]');
    expect(await transfer.textContent()).toBe('Gemeente overgedragen aan een ander team (van Team Oost naar Team Oost-Noord)');
    await page.screenshot({ path: `${SCREENSHOTS}municipality-handover-audit.png`, fullPage: true });
  });
});
