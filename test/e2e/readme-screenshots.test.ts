import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { eq, sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../bin/demo-run.js';
import { contactAttempts, conversationNotes, messages, municipalities, staffUsers, teams, youngsters } from '../../db/schema/index.js';
import { seedDemo, type DemoSummary } from '../../db/seed/demo.js';
import { hashPassword } from '../../web/domain/login.js';
import { launchBrowser } from '../helpers/browser.js';
import { createConversationFixture } from '../helpers/fixtures.js';
import { login, staffPost, until } from '../helpers/http.js';
import { isolated, runningStack, type Isolated } from '../helpers/isolated.js';

/**
 * The README's screenshots, made by the real app in a real browser, so they
 * show what Lijntje looks like today: the youngster's web chat on a phone, the
 * shared inbox, and a conversation with the youngster panel. Invented data
 * (the demo region plus a few conversations). Written to docs/img/.
 */
const IMG = fileURLToPath(new URL('../../docs/img/', import.meta.url));
let iso: Isolated;
let stack: Awaited<ReturnType<typeof runningStack>>;
let browser: Browser;
let demo: DemoSummary;

beforeAll(async () => {
  mkdirSync(IMG, { recursive: true });
  // The demo's own address, so the privacy link in the greeting reads as it would on a laptop.
  iso = await isolated({ PUBLIC_URL: 'http://localhost:3000' });
  stack = await runningStack(iso);
  demo = await seedDemo(iso.ctx.database.db, await hashPassword(DEMO_PASSWORD));
  // Whenever the test runs, it is office time: no "outside office hours" notice in the pictures.
  const allDay: [string, string][] = [['00:00', '24:00']];
  // The pinned times below lie in the past: no "waiting too long" alarms in the pictures either.
  await iso.ctx.database.db
    .update(teams)
    .set({ officeHours: { '1': allDay, '2': allDay, '3': allDay, '4': allDay, '5': allDay, '6': allDay, '7': allDay }, escalationOfficeMinutes: 1_000_000 });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await iso?.destroy();
});

const db = () => iso.ctx.database.db;
/** Dutch clock and language, as the people in the pictures would have. */
const LOCAL = { locale: 'nl-NL', timezoneId: 'Europe/Amsterdam' };

/** Sigfrid's first message; every other time in the pictures is fixed too, so a new run gives the same images. */
const T0 = '2026-11-30T10:12:00+01:00';

/**
 * Replaces the clock times of this run with fixed ones: Sigfrid's messages a
 * minute apart from T0, the other conversations' messages a minute apart up to
 * their fixed last moment, the note after Michelle's reply, the card a week
 * earlier. Deterministic for the rows that exist, so it can run again later.
 */
async function pinTimes(conversationId: string, monitoringKey: string) {
  await db().execute(sql`
    with ranked as (
      select m.id, m.conversation_id, row_number() over (partition by m.conversation_id order by m.seq) as k,
             count(*) over (partition by m.conversation_id) as n
      from messages m
    ), pinned as (
      select r.id, case when r.conversation_id = ${conversationId}::uuid
                        then ${T0}::timestamptz + make_interval(mins => (r.k - 1)::int)
                        else c.last_message_at - make_interval(mins => (r.n - r.k)::int) end as at
      from ranked r join conversations c on c.id = r.conversation_id
    )
    update messages m set created_at = p.at, sent_at = case when m.sent_at is null then null else p.at end
    from pinned p where m.id = p.id`);
  await db().execute(sql`
    update conversations set last_message_at = (select max(created_at) from messages where conversation_id = ${conversationId}::uuid)
    where id = ${conversationId}::uuid`);
  await db().execute(sql`
    update conversation_notes n set created_at = (
      select m.created_at + interval '20 seconds' from messages m
      where m.conversation_id = n.conversation_id and m.author_staff_id is not null order by m.seq desc limit 1)
    where n.conversation_id = ${conversationId}::uuid`);
  await db().execute(sql`update events set occurred_at = ${T0}::timestamptz where subject = ${monitoringKey}::uuid or conversation_id = ${conversationId}::uuid`);
  await db().execute(sql`update cards set created_at = '2026-11-23T09:00:00+01:00'`);
}

async function staffId(email: string) {
  const [s] = await db().select().from(staffUsers).where(eq(staffUsers.email, email));
  return s!.id;
}

/** Other youngsters in the team's inbox, in the states a real morning has. */
async function otherConversations() {
  const [roermond] = await db().select().from(municipalities).where(eq(municipalities.name, 'Roermond'));
  const [maasgouw] = await db().select().from(municipalities).where(eq(municipalities.name, 'Maasgouw'));
  const michelle = await staffId('michelle@oost.demo');
  const yusuf = await staffId('yusuf@oost.demo');
  await createConversationFixture(db(), {
    municipalityId: maasgouw!.id, firstName: 'Jayden', lastName: 'Maessen', assignedTo: michelle, channel: 'whatsapp', lastMessageAt: new Date('2026-11-30T09:47:00+01:00'),
    messages: [{ direction: 'in', body: 'Ik heb een eigen bedrijfje maar er komt weinig werk binnen. Kunnen jullie daar iets mee?' }],
  });
  await createConversationFixture(db(), {
    municipalityId: roermond!.id, firstName: 'Noor', lastName: 'van Dijk', assignedTo: yusuf, status: 'waiting', channel: 'telegram', lastMessageAt: new Date('2026-11-30T08:55:00+01:00'),
    messages: [
      { direction: 'in', body: 'Ik wil wel een opleiding doen, maar ik weet niet welke.' },
      { direction: 'out', body: 'Zullen we donderdag samen naar de open dag van het Gilde gaan? Ik haal je om 14:00 op.', authorStaffId: yusuf },
    ],
  });
  await createConversationFixture(db(), {
    municipalityId: roermond!.id, firstName: 'Amira', lastName: 'El Idrissi', channel: 'web', lastMessageAt: new Date('2026-11-27T16:20:00+01:00'),
    messages: [{ direction: 'in', body: 'Hoi, ik kreeg een kaartje. Wat willen jullie van me?' }],
  });
  await createConversationFixture(db(), {
    municipalityId: maasgouw!.id, firstName: 'Daan', lastName: 'Claessens', assignedTo: yusuf, channel: 'whatsapp', lastMessageAt: new Date('2026-11-26T15:05:00+01:00'),
    messages: [
      { direction: 'in', body: 'Dank je, het gesprek bij de uitzender ging goed!' },
      { direction: 'out', body: 'Wat goed om te horen! Laat je weten wanneer je begint?', authorStaffId: yusuf },
    ],
  });
}

async function signIn(page: Page) {
  await page.goto(`${stack.baseUrl}/inbox`);
  await page.fill('input[name=email]', 'michelle@oost.demo');
  await page.fill('input[name=password]', DEMO_PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/inbox$/);
}

describe('README screenshots (docs/img)', () => {
  it('the youngster chat on a phone, the inbox, and a conversation with the youngster panel', async () => {
    const sigfrid = demo.cards.find((c) => c.youngster === 'Sigfrid')!;

    // Sigfrid scans his card and chats with Michelle.
    const phoneCtx = await browser.newContext({ ...LOCAL, viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const phone = await phoneCtx.newPage();
    await phone.goto(`${stack.baseUrl}/k/${sigfrid.token}/chat`);
    await phone.locator('.yt-option').first().waitFor({ timeout: 10_000 });
    await phone.fill('#text', 'Hoi! Ik zoek werk, kun je helpen?');
    await phone.click('#send');
    await phone.locator('.yt-msg-bot', { hasText: 'Michelle leest het' }).waitFor({ timeout: 10_000 });

    const [person] = await db().select().from(youngsters).where(eq(youngsters.firstName, 'Sigfrid'));
    const conversationId = (
      await until(async () => {
        const [m] = await db().select().from(messages).where(eq(messages.body, 'Hoi! Ik zoek werk, kun je helpen?'));
        return m?.status === 'routed' ? m : null;
      })
    ).conversationId;
    const michelleSession = await login(stack.app, 'michelle@oost.demo', DEMO_PASSWORD);
    const reply = await staffPost(stack.app, michelleSession, `/inbox/c/${conversationId}/replies`, {
      text: 'Hoi Sigfrid, leuk! Zullen we donderdag samen koffie drinken?',
      clientId: 'readme-reply-1',
    });
    expect(reply.statusCode).toBe(201);
    await phone.locator('.yt-msg-coach', { hasText: 'koffie drinken' }).waitFor({ timeout: 10_000 });
    // An internal note for the team, before his answer comes in.
    const michelle = await staffId('michelle@oost.demo');
    await db().insert(conversationNotes).values({
      conversationId,
      authorId: michelle,
      body: 'Zoekt werk, liefst buiten. Voorstel: donderdag koffie bij de bibliotheek.',
    });
    await otherConversations();
    await pinTimes(conversationId, person!.monitoringKey);
    await phone.reload();
    await phone.locator('.yt-msg-coach', { hasText: 'koffie drinken' }).waitFor({ timeout: 10_000 });
    await phone.waitForTimeout(300);
    // From the greeting to the coach's answer on one phone screen (the page title scrolled just out of view).
    const fits = await phone.evaluate(() => {
      const first = document.querySelector('#thread > li')!;
      window.scrollTo(0, first.getBoundingClientRect().top + window.scrollY - 8);
      const last = document.querySelector('#thread > li:last-child')!.getBoundingClientRect();
      return last.bottom <= document.getElementById('compose')!.getBoundingClientRect().top;
    });
    // Should the texts ever grow past one screen, the picture shows the whole chat rather than half of it.
    await phone.screenshot({ path: `${IMG}youngster-chat.png`, fullPage: !fits });
    // His answer comes in while Michelle looks at the conversation.
    await phone.fill('#text', 'Ja, donderdag is goed!');
    await phone.click('#send');
    await phone.locator('.yt-msg-me', { hasText: 'donderdag is goed' }).waitFor();

    // What Michelle recorded so far: the card, a home visit, the support question.
    await db().insert(contactAttempts).values([
      { youngsterId: person!.id, staffId: michelle, kind: 'card_delivered', occurredOn: '2026-11-23', minutes: 15 },
      { youngsterId: person!.id, staffId: michelle, kind: 'home_visit_not_home', occurredOn: '2026-11-27', minutes: 30, note: 'Niet thuis, kaartje nog een keer in de bus gedaan.' },
    ]);
    await db().update(youngsters).set({ supportQuestion: 'werk', processStep: 'contact' }).where(eq(youngsters.id, person!.id));
    await pinTimes(conversationId, person!.monitoringKey);

    // The shared inbox: the whole team's conversations.
    const staffCtx = await browser.newContext({ ...LOCAL, viewport: { width: 1280, height: 720 } });
    const staff = await staffCtx.newPage();
    await signIn(staff);
    await staff.goto(`${stack.baseUrl}/inbox?view=team`);
    await staff.locator('.st-row', { hasText: 'Amira' }).waitFor();
    expect(await staff.locator('.st-row').count()).toBe(5);
    await staff.screenshot({ path: `${IMG}inbox.png` });

    // Sigfrid's conversation with the youngster panel, as it opens: at the newest message.
    await staff.goto(`${stack.baseUrl}/inbox/c/${conversationId}`);
    await staff.locator('#panel').waitFor();
    await staff.locator('.st-thread > li:last-child', { hasText: 'donderdag is goed' }).waitFor({ timeout: 10_000 });
    await staff.waitForTimeout(300);
    await staff.screenshot({ path: `${IMG}conversation.png` });

    await staffCtx.close();
    await phoneCtx.close();
  });
});
