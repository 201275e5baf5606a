import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue, Worker } from 'bullmq';
import { hashesToCheck, suppressionValue } from '../../core/suppression.js';
import { matchKeyOf } from '../../core/list-file/index.js';
import { anyStored } from '../../db/queries/suppression.js';
import {
  cardBatchCards,
  cardBatches,
  cards,
  channelContacts,
  consents,
  contactAttempts,
  conversationNotes,
  conversations,
  erasureRequests,
  events,
  messages,
  staffNotices,
  suppressionEntries,
  youngsters,
} from '../../db/schema/index.js';
import { createListImport } from '../../web/domain/list-import.js';
import { startFakeTelegram } from '../../testing/fake-telegram.js';
import { fakeWhatsApp } from '../helpers/fake-whatsapp.js';
import { twoTeams } from '../helpers/fixtures.js';
import { openChat, postChat, until } from '../helpers/http.js';
import { isolated, runningStack, type Isolated } from '../helpers/isolated.js';
import { findInDatabase, findInRedis } from '../helpers/personal-data-scan.js';
import { telegramEnv, tg, TEST_WEBHOOK_SECRET, TEST_BOT_TOKEN } from '../helpers/telegram-updates.js';

/**
 * The privacy officer's proof, end to end on all three channels: a "Nee
 * bedankt" stops everything (nothing reaches the platform after the goodbye,
 * not even a delayed job a capability registered), then the person is erased
 * everywhere - every table and column of the database, every Redis key and
 * value of the queue prefix, the card PDF - and is remembered without
 * remembering who: the next list skips them, the same Telegram account is
 * asked whether to start again, and monitoring still counts them.
 */
const wa = fakeWhatsApp();
let fake: Awaited<ReturnType<typeof startFakeTelegram>>;
let iso: Isolated;
let stack: Awaited<ReturnType<typeof runningStack>>;
let org: Awaited<ReturnType<typeof twoTeams>>;
let pubsub: Redis;
const published: string[] = [];

beforeAll(async () => {
  fake = await startFakeTelegram(TEST_BOT_TOKEN);
  iso = await isolated({ ...telegramEnv(fake.apiRoot), WHATSAPP_NUMBER: '31612345678' });
  org = await twoTeams(iso.ctx.database.db);
  stack = await runningStack(iso, { makeWhatsAppSocket: wa.makeSocket });
  await until(async () => wa.latest());
  wa.latest()!.open();
  // Everything the live bus publishes under this prefix, to check it carries ids only.
  pubsub = new Redis(iso.env.redisUrl);
  await pubsub.psubscribe(`${iso.env.queuePrefix}*`);
  pubsub.on('pmessage', (_p, channel, message) => published.push(`${channel} ${message}`));
});
afterAll(async () => {
  pubsub?.disconnect();
  await stack?.close();
  await iso?.destroy();
  await fake?.close();
});
const db = () => iso.ctx.database.db;
const ROERMOND = () => org.oost.municipalities.Roermond!;

interface Person {
  firstName: string;
  lastName: string;
  street: string;
  postcode: string;
  birthDate: string;
  secret: string;
}

/** A youngster as a list brings them (every list field filled), with a card, a note, a contact attempt, a consent and a card PDF. */
async function listedYoungster(p: Person) {
  const [y] = await db()
    .insert(youngsters)
    .values({
      municipalityId: ROERMOND(),
      firstName: p.firstName,
      lastName: p.lastName,
      street: p.street,
      houseNumber: '17',
      postcode: p.postcode,
      city: 'Roermond',
      birthDate: p.birthDate,
      matchKey: matchKeyOf({ ...p, namePrefix: null }),
    })
    .returning();
  const token = `tok${p.secret}`.padEnd(24, 'x');
  const [card] = await db().insert(cards).values({ youngsterId: y!.id, token, shortCode: `K${p.secret.slice(0, 7).toUpperCase()}`, casemanagerId: org.michelle.id }).returning();
  await db().insert(contactAttempts).values({ youngsterId: y!.id, staffId: org.michelle.id, kind: 'home_visit_not_home', occurredOn: '2026-11-20', note: `poging-${p.secret}` });
  await db().insert(consents).values({ youngsterId: y!.id, kind: 'cooperation', givenAt: new Date('2026-11-21T10:00:00Z'), givenVia: 'in_person', explanationVersion: '2026-12', recordedBy: org.michelle.id });
  const [batch] = await db().insert(cardBatches).values({ municipalityId: ROERMOND(), status: 'ready', total: 1, done: 1, fileName: `${p.secret}.pdf` }).returning();
  await db().insert(cardBatchCards).values({ batchId: batch!.id, cardId: card!.id, position: 0 });
  await mkdir(iso.env.cards.pdfDir, { recursive: true });
  const pdf = join(iso.env.cards.pdfDir, `${p.secret}.pdf`);
  await writeFile(pdf, `%PDF-1.4 ${p.firstName} ${p.lastName} ${p.street}`);
  return { youngster: y!, card: card!, token, pdf, batchId: batch!.id };
}

async function addNote(youngsterId: string, secret: string) {
  const [conv] = await db().select().from(conversations).where(eq(conversations.youngsterId, youngsterId));
  await db().insert(conversationNotes).values({ conversationId: conv!.id, authorId: org.michelle.id, body: `notitie-${secret}` });
  return conv!;
}

const erased = (youngsterId: string) =>
  until(async () => {
    const [r] = await db().select().from(erasureRequests).where(eq(erasureRequests.youngsterId, youngsterId));
    return r?.erasedAt ? r : null;
  }, 20_000);

function webhook(update: unknown) {
  return fetch(`${stack.baseUrl}/telegram/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TEST_WEBHOOK_SECRET },
    body: JSON.stringify(update),
  });
}
const tgTexts = (chat: number) => fake.sent(chat).map((c) => String(c.payload.text));

const WEB: Person = { firstName: 'Quirina', lastName: 'Zandvoortje', street: 'Zonnebloemhof', postcode: '6041 XK', birthDate: '2004-05-17', secret: 'webgeheim1' };
const TG: Person = { firstName: 'Tjalling', lastName: 'Oosterbroek', street: 'Kastanjewal', postcode: '6042 AB', birthDate: '2003-02-11', secret: 'tggeheim22' };
const WA: Person = { firstName: 'Wubbina', lastName: 'Heemstede', street: 'Lindelaantje', postcode: '6043 CD', birthDate: '2005-09-23', secret: 'wageheim33' };
const TG_CHAT = 987650001;
const WA_LID = '73519924680@lid';
const WA_PHONE = '31655501234';
const GOODBYE = 'je hoort niets meer van ons';

const needles = (p: Person, extra: string[]) => [p.firstName, p.lastName, p.street, p.postcode, p.postcode.replace(' ', ''), p.birthDate, p.secret, ...extra];

describe('an opt-out on each channel, then the erasure', () => {
  const people: { person: Person; youngsterId: string; monitoringKey: string; pdf: string; batchId: string; extra: string[] }[] = [];
  let reminderJobGone = false;
  let sentAfterGoodbye = { telegram: 0, whatsapp: 0 };

  it('web chat: "Nee bedankt" -> the goodbye is shown, then everything of the person is erased', async () => {
    const made = await listedYoungster(WEB);
    const chat = await openChat(stack.app, made.token);
    await postChat(stack.app, made.token, chat.cookie, { text: `mijn geheime vraag ${WEB.secret}` });
    await addNote(made.youngster.id, WEB.secret);
    await postChat(stack.app, made.token, chat.cookie, { choice: 'optout' });
    await postChat(stack.app, made.token, chat.cookie, { choice: 'optout_yes' });
    // The browser that said it reads the goodbye before the erasure takes it (ERASURE_DELAY_MS).
    const shown = await until(async () => {
      const res = await stack.app.inject({ method: 'GET', url: `/k/${made.token}/messages`, headers: { cookie: chat.cookie } });
      const body = res.json() as { messages: { body: string }[] };
      return body.messages?.some((m) => m.body.includes(GOODBYE)) ? body : null;
    });
    expect(shown.messages.length).toBeGreaterThan(1);
    await erased(made.youngster.id);
    // A reason tapped under the goodbye after the erasure finds no chat: not counted.
    expect((await postChat(stack.app, made.token, chat.cookie, { choice: 'why:al_hulp' })).statusCode).toBe(404);
    expect(await db().select().from(events).where(and(eq(events.type, 'optout.reason_given'), eq(events.subject, made.youngster.monitoringKey)))).toEqual([]);
    people.push({ person: WEB, youngsterId: made.youngster.id, monitoringKey: made.youngster.monitoringKey, pdf: made.pdf, batchId: made.batchId, extra: [made.token] });
  });

  it('Telegram: a delayed reminder registered through the cancel registry never goes out; nothing after the goodbye', async () => {
    const made = await listedYoungster(TG);
    await webhook(tg.start(TG_CHAT, made.token));
    await until(async () => fake.sent(TG_CHAT).length >= 2);
    await webhook(tg.text(TG_CHAT, `mijn geheime vraag ${TG.secret}`));
    await until(async () => (await db().select().from(messages).where(eq(messages.body, `mijn geheime vraag ${TG.secret}`))).length === 1);
    await addNote(made.youngster.id, TG.secret);

    // A capability (reminders, later) schedules a send of its own - a delayed job on its own queue whose
    // worker calls the platform - and registers its cancel step with the registry.
    const reminders = new Queue<{ chatId: number }>('test-reminders', { connection: iso.ctx.workerConnection(), prefix: iso.env.queuePrefix });
    const worker = new Worker<{ chatId: number }>(
      'test-reminders',
      async (job) => {
        await fetch(`${fake.apiRoot}/bot${TEST_BOT_TOKEN}/sendMessage`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ chat_id: job.data.chatId, text: `Herinnering-${TG.secret}` }),
        });
      },
      { connection: iso.ctx.workerConnection(), prefix: iso.env.queuePrefix },
    );
    const jobId = `reminder-${made.youngster.id}`;
    await reminders.add('remind', { chatId: TG_CHAT }, { jobId, delay: 4000 });
    const unregister = iso.ctx.erasure.register({
      name: 'test-reminders',
      async cancel(_tx, s) {
        const id = `reminder-${s.youngsterId}`;
        return async () => {
          await reminders.remove(id);
        };
      },
    });
    try {
      await webhook(tg.text(TG_CHAT, 'stop'));
      await until(async () => tgTexts(TG_CHAT).some((t) => t.includes('Weet je het zeker')));
      await webhook(tg.button(TG_CHAT, 'optout_yes'));
      await until(async () => tgTexts(TG_CHAT).some((t) => t.includes(GOODBYE)));
      const atGoodbye = fake.sent(TG_CHAT).length;
      reminderJobGone = (await reminders.getJob(jobId)) === undefined;
      await erased(made.youngster.id);
      // A reason tapped under the goodbye after the erasure finds nobody: not counted, and no new
      // contact is made for it (nor asked whether to start again: nothing is sent, see below).
      expect((await webhook(tg.button(TG_CHAT, 'why:al_hulp'))).status).toBe(200);
      expect(await db().select().from(channelContacts).where(eq(channelContacts.externalId, String(TG_CHAT)))).toEqual([]);
      expect(await db().select().from(events).where(eq(events.type, 'optout.reason_given'))).toEqual([]);
      // Past the reminder's delay: still nothing more.
      await new Promise((r) => setTimeout(r, 4500));
      sentAfterGoodbye = { ...sentAfterGoodbye, telegram: fake.sent(TG_CHAT).length - atGoodbye };
    } finally {
      unregister();
      await worker.close();
      await reminders.obliterate({ force: true });
      await reminders.close();
    }
    expect(tgTexts(TG_CHAT).join('\n')).not.toContain('Herinnering');
    people.push({ person: TG, youngsterId: made.youngster.id, monitoringKey: made.youngster.monitoringKey, pdf: made.pdf, batchId: made.batchId, extra: [made.token, String(TG_CHAT)] });
  });

  it('WhatsApp (fake socket): opt-out by typing ("nee bedankt", then "1"), then nothing more to that JID', async () => {
    const made = await listedYoungster(WA);
    const sock = wa.latest()!;
    const toThem = () => sock.sent.filter((s) => s.jid === WA_LID);
    sock.receive({ jid: WA_LID, alt: `${WA_PHONE}@s.whatsapp.net`, id: 'WA-E1', text: `Hoi! Mijn kaartcode is ${made.token}` });
    await until(async () => toThem().length >= 2);
    sock.receive({ jid: WA_LID, alt: `${WA_PHONE}@s.whatsapp.net`, id: 'WA-E2', text: `mijn geheime vraag ${WA.secret}` });
    await until(async () => (await db().select().from(messages).where(eq(messages.body, `mijn geheime vraag ${WA.secret}`))).length === 1);
    await addNote(made.youngster.id, WA.secret);
    sock.receive({ jid: WA_LID, id: 'WA-E3', text: 'nee bedankt' });
    await until(async () => toThem().some((s) => s.text.includes('Weet je het zeker')));
    sock.receive({ jid: WA_LID, id: 'WA-E4', text: '1' });
    await until(async () => toThem().some((s) => s.text.includes(GOODBYE)));
    const atGoodbye = toThem().length;
    await erased(made.youngster.id);
    await new Promise((r) => setTimeout(r, 1000));
    sentAfterGoodbye = { ...sentAfterGoodbye, whatsapp: toThem().length - atGoodbye };
    people.push({ person: WA, youngsterId: made.youngster.id, monitoringKey: made.youngster.monitoringKey, pdf: made.pdf, batchId: made.batchId, extra: [made.token, WA_PHONE, WA_LID.split('@')[0]!] });
  });

  it('nothing reached a platform after the goodbye, and the registered step removed the delayed job', () => {
    expect(reminderJobGone).toBe(true);
    expect(sentAfterGoodbye).toEqual({ telegram: 0, whatsapp: 0 });
  });

  it('no table, column, Redis key or value, pub/sub message or file holds anything of them any more', async () => {
    expect(people).toHaveLength(3);
    const all = people.flatMap((p) => needles(p.person, p.extra));
    expect(await findInDatabase(db(), all)).toEqual([]);
    const redis = await findInRedis(iso.ctx.redis, iso.env.queuePrefix, all);
    expect(redis.keys).toBeGreaterThan(0);
    expect(redis.hits).toEqual([]);
    expect(published.length).toBeGreaterThan(0);
    expect(published.filter((m) => all.some((n) => m.toLowerCase().includes(n.toLowerCase())))).toEqual([]);
    for (const p of people) {
      await expect(stat(p.pdf)).rejects.toMatchObject({ code: 'ENOENT' });
      const [batch] = await db().select().from(cardBatches).where(eq(cardBatches.id, p.batchId));
      expect(batch).toMatchObject({ status: 'expired', fileName: null });
    }
  });

  it('what stays: keyed hashes (no values), anonymous monitoring events with outcome and age, counts in the deletion log', async () => {
    const entries = await db().select().from(suppressionEntries);
    // Per person: name + birth date + postcode, name + birth date, and each messenger identity.
    expect(entries.length).toBeGreaterThanOrEqual(3 * 2 + 1 + 1 + 2);
    expect(entries.every((e) => /^[A-Za-z0-9_-]{43}$/.test(e.hash) && e.keyVersion === 1)).toBe(true);
    for (const p of people) {
      const left = await db().select().from(events).where(eq(events.subject, p.monitoringKey));
      const types = left.map((e) => e.type);
      expect(types).toEqual(expect.arrayContaining(['optout.confirmed', 'youngster.erased', 'youngster.outcome_set']));
      expect(left.find((e) => e.type === 'youngster.outcome_set')!.data).toMatchObject({ category: 'afzien_van_deelname' });
      expect(left.find((e) => e.type === 'youngster.erased')!.data).toMatchObject({ reason: 'opt_out', age: expect.any(Number) });
      const [request] = await db().select().from(erasureRequests).where(eq(erasureRequests.youngsterId, p.youngsterId));
      expect(request!.counts).toMatchObject({ youngsters: 1, cards: 1, notes: 1, contact_attempts: 1, consents: 1 });
      expect(request!.counts!.messages).toBeGreaterThan(2);
    }
    // The casemanager was told, without content.
    const notices = await db().select().from(staffNotices).where(eq(staffNotices.staffId, org.michelle.id));
    expect(notices.length).toBeGreaterThanOrEqual(3);
    expect(Object.keys(notices[0]!).sort()).toEqual(['createdAt', 'id', 'kind', 'municipalityId', 'readAt', 'staffId']);
  });

  it('the next list: the opted-out person is skipped and counted; the same name and birth date elsewhere (moved?) is held back', async () => {
    const service = createListImport({ database: iso.ctx.database, suppressionKeys: iso.env.suppressionKeys });
    const header = 'achternaam;tussenvoegsel;voornaam;geboortedatum;straat;huisnummer;postcode;woonplaats;gemeente;datum_instroom;nieuwe_instroom;kvk_inschrijving;bekend_bij_gemeente';
    const dmy = (iso8601: string) => iso8601.split('-').reverse().join('-');
    const csv = [
      header,
      `${WEB.lastName};;${WEB.firstName};${dmy(WEB.birthDate)};${WEB.street};17;${WEB.postcode};Roermond;Roermond;01-11-2026;ja;nee;nee`,
      `${TG.lastName};;${TG.firstName};${dmy(TG.birthDate)};Elders;3;6049 ZZ;Roermond;Roermond;01-11-2026;ja;nee;nee`,
      `Nieuwkomer;;Femke;01-01-2006;Markt;1;6041 EE;Roermond;Roermond;01-11-2026;ja;nee;nee`,
    ].join('\r\n');
    const file = await service.read(org.oost.teamId, Buffer.from(csv), { listDate: '2026-12-01' });
    const plan = await service.plan(org.oost.teamId, file, { listMonth: '2026-12-01', baseline: false });
    expect(plan.rows.map((r) => [r.row.firstName, r.decision])).toEqual([
      [WEB.firstName, 'suppressed'],
      [TG.firstName, 'held_back'],
      ['Femke', 'approach'],
    ]);
    const before = (await db().select().from(youngsters)).length;
    const result = await service.commit(org.oost.teamId, plan, { staffId: org.karin.id });
    expect(result.skipped).toMatchObject({ suppressed: 1, held_back: 1 });
    expect(result.approached).toBe(1);
    expect((await db().select().from(youngsters)).length).toBe(before + 1);
    const [imported] = await db().select().from(events).where(and(eq(events.type, 'list.imported'), eq(events.municipalityId, ROERMOND())));
    expect(imported!.data).toMatchObject({ suppressed: 1, heldBack: 1 });
    expect(JSON.stringify(await db().select().from(events).where(eq(events.type, 'youngster.held_back')))).not.toContain(TG.firstName);

    // The coordinator decides to approach the held-back row after all: only then is it stored.
    const approved = await service.plan(org.oost.teamId, file, { listMonth: '2026-12-01', baseline: false, approveHeldBack: [3] });
    expect(approved.rows.map((r) => r.decision)).toEqual(['suppressed', 'approach', 'update']);
  });

  it('the same Telegram account writing again is asked whether to start again; "yes" starts fresh, with no link to the old', async () => {
    const identity = hashesToCheck(iso.env.suppressionKeys, 'channel', suppressionValue.channel('telegram', String(TG_CHAT)));
    expect(await anyStored(db(), identity)).toBe(true);
    const before = fake.sent(TG_CHAT).length;
    await webhook(tg.text(TG_CHAT, 'hoi, ik ben het weer'));
    await until(async () => fake.sent(TG_CHAT).length > before);
    expect(tgTexts(TG_CHAT).at(-1)).toContain('Wil je opnieuw beginnen?');
    const [asked] = await db().select().from(channelContacts).where(eq(channelContacts.externalId, String(TG_CHAT)));
    expect(asked).toMatchObject({ dialogueState: 'restart_offered', youngsterId: null, municipalityId: null });
    // Their words reach nobody while they decide.
    const [conv] = await db().select().from(conversations).where(eq(conversations.contactId, asked!.id));
    expect(conv?.municipalityId ?? null).toBeNull();

    await webhook(tg.button(TG_CHAT, 'restart_yes'));
    await until(async () => tgTexts(TG_CHAT).some((t) => t.includes('Fijn dat je er (weer) bent')));
    const [fresh] = await db().select().from(channelContacts).where(eq(channelContacts.externalId, String(TG_CHAT)));
    expect(fresh).toMatchObject({ dialogueState: 'ask_municipality', youngsterId: null, cardId: null, optedOutAt: null });
    expect(await anyStored(db(), identity)).toBe(false);
  });
});
