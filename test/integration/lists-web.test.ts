import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardBatches, cards, channelContacts, events, youngsters } from '../../db/schema/index.js';
import { createStaff } from '../helpers/fixtures.js';
import { csrfFrom, login } from '../helpers/http.js';
import { multipartForm } from '../helpers/multipart.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { waitUntil } from '../helpers/wait.js';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../fixtures/lists/${name}`, import.meta.url)));

let s: TestStack;
let karin: Awaited<ReturnType<typeof login>>;
const app = () => s.stack.app;
const count = async (table: typeof youngsters | typeof cards | typeof events) => (await s.db.select({ n: sql<number>`count(*)::int` }).from(table))[0]!.n;

async function upload(who: { cookie: string; csrf: string }, file: Buffer, fields: Record<string, string> = {}) {
  const form = multipartForm({ _csrf: who.csrf, month: '2026-11', ...fields }, { name: 'file', filename: 'lijst.csv', content: file });
  return app().inject({ method: 'POST', url: '/lists/upload', headers: { cookie: who.cookie, 'content-type': form.contentType, accept: 'text/html' }, payload: form.payload });
}
const page = (who: { cookie: string }, url: string) => app().inject({ method: 'GET', url, headers: { cookie: who.cookie, accept: 'text/html' } });
const post = (who: { cookie: string }, url: string, form: Record<string, string>) =>
  app().inject({ method: 'POST', url, headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, payload: new URLSearchParams(form).toString() });

beforeAll(async () => {
  s = await startTestStack();
  karin = await login(app(), 'karin@oost.test');
});
afterAll(async () => {
  await s?.close();
});

describe('the monthly list in the web app', () => {
  let previewUrl = '';
  let importUrl = '';

  it('is for coordinators and admins only', async () => {
    expect((await page(karin, '/lists')).statusCode).toBe(200);
    const michelle = await login(app(), 'michelle@oost.test');
    expect((await page(michelle, '/lists')).statusCode).toBe(403);
  });

  it('refuses a file with BSNs with a clear message and stores nothing', async () => {
    const res = await upload(karin, fixture('bsn-hidden.csv'));
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatch(/BSN/i);
    expect(res.body).not.toMatch(/\b\d{9}\b/);
    expect(await count(youngsters)).toBe(0);
  });

  it('refuses a missing, oversized or odd upload clearly, and stores nothing', async () => {
    const none = multipartForm({ _csrf: karin.csrf, month: '2026-11' }, null);
    const missing = await app().inject({ method: 'POST', url: '/lists/upload', headers: { cookie: karin.cookie, 'content-type': none.contentType, accept: 'text/html' }, payload: none.payload });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('Kies eerst een bestand');
    const huge = await upload(karin, Buffer.alloc(6 * 1024 * 1024, 'a;'));
    expect(huge.statusCode).toBe(413);
    const month = await upload(karin, fixture('jib-lijst-2026-11.csv'), { month: '11-2026' });
    expect(month.statusCode).toBe(400);
    expect(month.body).toContain('JJJJ-MM');
    const binary = await upload(karin, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]));
    expect(binary.statusCode).toBe(422);
    const noCsrf = multipartForm({ month: '2026-11' }, { name: 'file', filename: 'x.csv', content: fixture('jib-lijst-2026-11.csv') });
    const forged = await app().inject({ method: 'POST', url: '/lists/upload', headers: { cookie: karin.cookie, 'content-type': noCsrf.contentType, accept: 'text/html' }, payload: noCsrf.payload });
    expect(forged.statusCode).toBe(403);
    expect(await count(youngsters)).toBe(0);
  });

  it('asks for the column mapping when the headers differ, remembers it, and then previews', async () => {
    const res = await upload(karin, fixture('other-headers.csv'));
    expect(res.statusCode).toBe(303);
    const url = res.headers.location!;
    const mapping = await page(karin, url);
    expect(mapping.statusCode).toBe(422);
    expect(mapping.body).toContain('id="preview-mapping"');
    expect(mapping.body).toContain('<option value="Roepnaam"');
    const mapped = await post(karin, url, { _csrf: csrfFrom(mapping.body), month: '2026-11', action: 'refresh', map_lastName: 'Naam', map_firstName: 'Roepnaam', map_street: 'Adres' });
    expect(mapped.statusCode).toBe(303);
    const preview = await page(karin, url);
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('id="preview-counts"');
    expect(preview.body).toMatch(/<option value="Roepnaam" selected>/);
    // "Nieuw in beeld" is not recognised as new inflow: the page says so, rather than quietly approaching nobody.
    expect(preview.body).toContain('id="preview-unmapped"');
    expect(preview.body).toContain('Nieuwe instroom');
    await post(karin, url, { _csrf: csrfFrom(preview.body), action: 'cancel' });
    expect((await page(karin, url)).statusCode).toBe(404);
    expect(await count(youngsters)).toBe(0);
  });

  it('shows a preview of the upload and stores nothing yet', async () => {
    const res = await upload(karin, fixture('jib-lijst-2026-11.csv'));
    expect(res.statusCode).toBe(303);
    previewUrl = res.headers.location!;
    expect(previewUrl).toMatch(/^\/lists\/preview\/[A-Za-z0-9_-]+$/);
    const preview = await page(karin, previewUrl);
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('utf-8');
    expect(preview.body).toContain('Çağlar Kuipers');
    expect(preview.body).toContain('Roermond');
    // Its first list: the page asks whether this is the nulmeting.
    expect(preview.body).toContain('id="preview-first"');
    // Rows of the other team's municipalities are reported, with their row number.
    expect(preview.body).toContain('Leudal');
    expect(await count(youngsters)).toBe(0);
    expect(await count(events)).toBe(0);
    // Somebody else's preview is nobody's business.
    const yusuf = await createStaff(s.db, s.org.oost.teamId, { email: 'coord2@oost.test', firstName: 'Coördinator', role: 'coordinator' });
    void yusuf;
    const other = await login(app(), 'coord2@oost.test');
    const theirs = await page(other, previewUrl);
    expect(theirs.statusCode).toBe(404);
    expect(theirs.body).not.toContain('Kuipers');
  });

  it('lets the coordinator choose the casemanager of a card, then imports', async () => {
    const preview = await page(karin, previewUrl);
    const csrf = csrfFrom(preview.body);
    const row = /name="assign_(\d+)" aria-label="[^"]*Çağlar Kuipers"/.exec(preview.body)![1]!;
    const refreshed = await post(karin, previewUrl, { _csrf: csrf, month: '2026-11', action: 'refresh', [`assign_${row}`]: s.org.yusuf.id });
    expect(refreshed.statusCode).toBe(303);
    const again = await page(karin, previewUrl);
    expect(again.body).toMatch(new RegExp(`name="assign_${row}"[^>]*>(?:(?!</select>).)*value="${s.org.yusuf.id}" selected`, 's'));
    const done = await post(karin, previewUrl, { _csrf: csrf, month: '2026-11', action: 'import' });
    expect(done.statusCode).toBe(303);
    importUrl = done.headers.location!;
    expect(importUrl).toMatch(/^\/lists\/imports\/[0-9a-f-]{36}$/);
    expect(await count(youngsters)).toBe(12);
    const [caglar] = await s.db.select().from(youngsters).where(eq(youngsters.firstName, 'Çağlar'));
    const [card] = await s.db.select().from(cards).where(eq(cards.youngsterId, caglar!.id));
    expect(card!.casemanagerId).toBe(s.org.yusuf.id);
    expect(card!.variant).toBe('entrepreneur');
    // The preview is gone once imported.
    expect((await page(karin, previewUrl)).statusCode).toBe(404);
  });

  it('shows the result with the rejected rows as a download', async () => {
    const result = await page(karin, importUrl);
    expect(result.statusCode).toBe(200);
    expect(result.body).toContain('id="import-summary"');
    const csv = await page(karin, `${importUrl}/rejected.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain('Leudal');
    expect(csv.body.split('\n').length).toBeGreaterThan(39);
  });

  it('makes the PDF in the worker, shows its progress and lets the coordinator download it', async () => {
    const result = await page(karin, importUrl);
    const make = await post(karin, `${importUrl}/cards`, { _csrf: csrfFrom(result.body), layout: 'a6', addressSheets: '1', language: 'en' });
    expect(make.statusCode).toBe(303);
    const batches = await s.db.select().from(cardBatches);
    expect(batches).toHaveLength(2); // Roermond and Maasgouw
    for (const b of batches) {
      await waitUntil(async () => (await s.db.select().from(cardBatches).where(eq(cardBatches.id, b.id)))[0]!.status === 'ready', 30_000);
      const status = await app().inject({ method: 'GET', url: `/lists/batches/${b.id}`, headers: { cookie: karin.cookie, accept: 'application/json' } });
      expect(status.json()).toMatchObject({ status: 'ready', done: b.total, total: b.total });
      const pdf = await app().inject({ method: 'GET', url: `/lists/batches/${b.id}/download`, headers: { cookie: karin.cookie } });
      expect(pdf.statusCode).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
      const [after] = await s.db.select().from(cardBatches).where(eq(cardBatches.id, b.id));
      expect(after!.downloadedAt).not.toBeNull();
      expect(after!.expiresAt!.getTime()).toBeLessThan(Date.now() + 4 * 86_400_000);
    }
    expect((await s.db.select().from(cards)).every((c) => c.language === 'en')).toBe(true);
    const generated = await s.db.select().from(events).where(eq(events.type, 'card.generated'));
    expect(generated).toHaveLength(12);
  }, 60_000);

  it('revokes a lost card: its link shows the neutral page, a new card replaces it', async () => {
    const [old] = await s.db.select().from(cards).limit(1);
    const result = await page(karin, importUrl);
    const res = await post(karin, `/cards/${old!.id}/revoke`, { _csrf: csrfFrom(result.body), back: `${importUrl}#batches` });
    expect(res.statusCode).toBe(303);
    const gone = await app().inject({ method: 'GET', url: `/k/${old!.token}`, headers: { accept: 'text/html' } });
    expect(gone.statusCode).toBe(404);
    const goneCode = await app().inject({ method: 'GET', url: `/c/${old!.shortCode}` });
    expect(goneCode.statusCode).toBe(404);
    const [fresh] = await s.db.select().from(cards).where(eq(cards.youngsterId, old!.youngsterId)).orderBy(sql`${cards.createdAt} desc`).limit(1);
    expect(fresh!.id).not.toBe(old!.id);
    expect(fresh!.status).toBe('active');
    // The short link leads to the same landing page as the QR code, however the code is typed.
    const code = fresh!.shortCode!;
    const short = await app().inject({ method: 'GET', url: `/c/${code.slice(0, 4).toLowerCase()}-${code.slice(4)}` });
    expect(short.statusCode).toBe(303);
    expect(short.headers.location).toBe(`/k/${fresh!.token}`);
    expect((await s.db.select().from(events).where(eq(events.type, 'card.revoked'))).length).toBe(1);
  });

  it('shows a casemanager the cards they deliver (with the address), and only theirs', async () => {
    const michelle = await login(app(), 'michelle@oost.test');
    const mine = await page(michelle, '/cards');
    expect(mine.statusCode).toBe(200);
    const active = await s.db
      .select({ casemanagerId: cards.casemanagerId, firstName: youngsters.firstName, lastName: youngsters.lastName, street: youngsters.street })
      .from(cards)
      .innerJoin(youngsters, eq(youngsters.id, cards.youngsterId))
      .where(eq(cards.status, 'active'));
    const hers = active.filter((c) => c.casemanagerId === s.org.michelle.id);
    expect(hers.length).toBeGreaterThan(0);
    for (const c of hers) expect(mine.body).toContain(`${c.firstName}`);
    expect(mine.body).toContain(hers[0]!.street!);
    // Çağlar's card went to Yusuf in the preview: it is not on Michelle's list.
    expect(mine.body).not.toContain('Çağlar');
    await createStaff(s.db, s.org.oost.teamId, { email: 'privacy@oost.test', firstName: 'Priv', role: 'privacy_officer' });
    expect((await page(await login(app(), 'privacy@oost.test'), '/cards')).statusCode).toBe(403);
  });

  it('marks cards delivered once each, counted anonymously', async () => {
    const result = await page(karin, importUrl);
    const res = await post(karin, `${importUrl}/delivered`, { _csrf: csrfFrom(result.body) });
    expect(res.statusCode).toBe(303);
    const again = await post(karin, `${importUrl}/delivered`, { _csrf: csrfFrom(result.body) });
    expect(again.statusCode).toBe(303);
    const delivered = await s.db.select().from(events).where(eq(events.type, 'card.delivered'));
    // 12 cards, one revoked: its replacement is not in this import's list of active cards... it is (same import).
    expect(delivered.length).toBe((await s.db.select().from(cards).where(eq(cards.status, 'active'))).length);
  });

  it('links someone who types the code from the card into a messenger, as if they scanned it', async () => {
    const [card] = await s.db.select().from(cards).where(eq(cards.status, 'active')).limit(1);
    const code = `${card!.shortCode!.slice(0, 4)}-${card!.shortCode!.slice(4)}`;
    await s.stack.channels.dialogue.handle({ channel: 'telegram', externalContactId: '555001', externalMessageId: 'm1', event: { type: 'text', text: code } });
    const [contact] = await s.db.select().from(channelContacts).where(eq(channelContacts.externalId, '555001'));
    expect(contact!.youngsterId).toBe(card!.youngsterId);
    // A wrong code is just a message.
    await s.stack.channels.dialogue.handle({ channel: 'telegram', externalContactId: '555002', externalMessageId: 'm2', event: { type: 'text', text: 'ZZZZ-ZZZZ' } });
    const [stranger] = await s.db.select().from(channelContacts).where(eq(channelContacts.externalId, '555002'));
    expect(stranger!.youngsterId).toBeNull();
  });

  it('keeps another team out of every list page, batch and card', async () => {
    await createStaff(s.db, s.org.west.teamId, { email: 'coord@west.test', firstName: 'Wessel', role: 'coordinator' });
    const west = await login(app(), 'coord@west.test');
    const [batch] = await s.db.select().from(cardBatches).limit(1);
    const [card] = await s.db.select().from(cards).limit(1);
    for (const url of [importUrl, `${importUrl}/rejected.csv`, `/lists/batches/${batch!.id}`, `/lists/batches/${batch!.id}/download`]) {
      const res = await page(west, url);
      expect(res.statusCode, url).toBe(404);
      expect(res.body, url).not.toContain('Kuipers');
    }
    const lists = await page(west, '/lists');
    expect(lists.body).not.toContain(importUrl);
    const before = await s.db.select().from(cards).where(eq(cards.id, card!.id));
    for (const action of ['revoke', 'regenerate', 'delivered']) {
      const res = await post(west, `/cards/${card!.id}/${action}`, { _csrf: west.csrf });
      expect(res.statusCode, action).toBe(404);
    }
    expect(await s.db.select().from(cards).where(eq(cards.id, card!.id))).toEqual(before);
  });
});
