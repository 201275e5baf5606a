import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instantAt, localParts, nextDay, type LocalDate } from '../../core/local-time.js';
import { bookVisit } from '../../db/queries/visits.js';
import { launchBrowser, SCREENSHOTS, signInAs } from '../helpers/browser.js';
import { createConversationFixture, twoTeams } from '../helpers/fixtures.js';
import { isolated, runningStack, type Isolated } from '../helpers/isolated.js';

/**
 * The staff calendar in a real browser: a week with visits of several kinds and statuses,
 * on a wide screen and at phone size, with screenshots to look at.
 */
let iso: Isolated;
let stack: Awaited<ReturnType<typeof runningStack>>;
let browser: Browser;
let monday: LocalDate;
const references: string[] = [];

/** Next week's Monday (Amsterdam), so every visit lies in the future. */
function nextMonday(): LocalDate {
  const p = localParts(new Date());
  let d: LocalDate = { year: p.year, month: p.month, day: p.day };
  d = nextDay(d);
  while (localParts(instantAt(d, 12 * 60)).weekday !== 1) d = nextDay(d);
  return d;
}

beforeAll(async () => {
  iso = await isolated();
  stack = await runningStack(iso, { workers: false });
  const db = iso.ctx.database.db;
  const org = await twoTeams(db);
  const roermond = org.oost.municipalities.Roermond!;
  monday = nextMonday();
  const plan = [
    { name: 'Sigfrid', day: 0, at: 9 * 60, len: 60, type: 'home', staff: [org.michelle.id] },
    { name: 'Mila', day: 0, at: 14 * 60, len: 45, type: 'office', staff: [org.michelle.id] },
    { name: 'Daan', day: 1, at: 10 * 60 + 30, len: 60, type: 'walk', staff: [org.michelle.id, org.yusuf.id] },
    { name: 'Noor', day: 2, at: 11 * 60, len: 30, type: 'phone', staff: [org.michelle.id] },
    { name: 'Ayoub', day: 3, at: 15 * 60, len: 30, type: 'video', staff: [org.michelle.id] },
    { name: 'Femke', day: 4, at: 9 * 60 + 30, len: 60, type: 'home', staff: [org.michelle.id] },
  ] as const;
  for (const v of plan) {
    const f = await createConversationFixture(db, { municipalityId: roermond, firstName: v.name, lastName: 'Voorbeeld', assignedTo: org.michelle.id });
    let d = monday;
    for (let i = 0; i < v.day; i++) d = nextDay(d);
    const startsAt = instantAt(d, v.at);
    const booked = await db.transaction((tx) =>
      bookVisit(tx, { youngsterId: f.youngster.id, municipalityId: roermond, type: v.type, slot: { startsAt, endsAt: new Date(startsAt.getTime() + v.len * 60_000), staffIds: [...v.staff] }, place: null, bookedVia: 'chat', createdBy: null }),
    );
    references.push(booked.reference);
  }
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await iso?.destroy();
});

const signIn = (page: Page) => signInAs(page, stack.baseUrl, 'michelle@oost.test');

describe('the calendar in the browser', () => {
  it('shows the week with every visit, and links to the conversation', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const date = `${monday.year}-${String(monday.month).padStart(2, '0')}-${String(monday.day).padStart(2, '0')}`;
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam' })).newPage();
    await signIn(page);
    await page.click('nav.st-nav a[href="/calendar"]');
    await page.goto(`${stack.baseUrl}/calendar?view=week&date=${date}&who=me`);
    expect(await page.locator('.cal-day').count()).toBe(7);
    expect(await page.locator('.cal-visit').count()).toBe(6);
    for (const ref of references) expect(await page.locator('.cal-days').textContent()).toContain(ref);
    // Seven columns side by side on a wide screen, none wider than the page.
    const widths = await page.locator('.cal-day').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
    expect(Math.max(...widths)).toBeLessThan(1400 / 5);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'calendar-week.png'), fullPage: true });
    mkdirSync('/tmp/shots', { recursive: true });
    await page.screenshot({ path: '/tmp/shots/calendar.png', fullPage: true });

    await page.click('.cal-visit >> text=Sigfrid');
    await page.waitForURL(/\/inbox\/c\//);
    // The panel names the visit, its reference, and (before it starts) offers only cancelling.
    expect(await page.locator('#panel').textContent()).toContain(references[0]!);
    expect(await page.locator(`#panel form[action$="/result"] button`).textContent()).toContain('Afspraak afzeggen');
    await page.locator('#visit').scrollIntoViewIfNeeded();
    await page.screenshot({ path: '/tmp/shots/panel-visit.png' });

    const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam' })).newPage();
    await signIn(phone);
    await phone.goto(`${stack.baseUrl}/calendar?view=week&date=${date}`);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await phone.screenshot({ path: '/tmp/shots/calendar-phone.png', fullPage: true });
  });
});
