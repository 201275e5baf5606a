import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { Db } from '../../db/client.js';
import { createContact } from '../../db/queries/contacts.js';
import { closedConversationRow, closeOptedOutConversation, getConversationInScope } from '../../db/queries/conversations.js';
import { dialogueContextRow, dialogueContextStatement, loadDialogueFacts, lockContactWithContext } from '../../db/queries/dialogue-context.js';
import { firstTimeSeen, firstTimeSeenByIds, seenRow } from '../../db/queries/inbound.js';
import { claimForSending, markRouted, markSent, movedRow, recordedRow, recordIncoming, routedRow } from '../../db/queries/messages.js';
import { heldData, heldRow } from '../../db/queries/held-data.js';
import { readRoutingFacts, routingFactsRow } from '../../db/queries/routing.js';
import { findWaiting } from '../../db/queries/escalation.js';
import { insertCards, insertedCardRow, insertedYoungsterRow, insertYoungsters } from '../../db/queries/list-import.js';
import { countMessageOutcomes, countUndelivered, deliveryLatency } from '../../db/queries/metrics.js';
import { totalAttemptMinutes } from '../../db/queries/youngster-panel.js';
import { channelContacts, contactAttempts, conversations, events, messages, municipalities, staffUsers, youngsters } from '../../db/schema/index.js';
import { createConversationFixture, createYoungsterWithCard, twoTeams } from '../helpers/fixtures.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

/**
 * db/README.md: raw SQL only where a comment says why, with its row type
 * checked here against real rows (never at runtime). Timestamps in raw
 * results arrive as text (db/client.ts), so a row type that says Date is
 * wrong there; each query decides once and the types say what arrives.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Every typed raw statement (`.execute<Row>(...)`, `rawRows<Row>(...)`) in db/queries, in file order,
 * and the row type it names. Each `XRow` is `z.infer` of an exported schema parsed below against
 * the rows its statement really returns.
 */
const COVERED: Record<string, string[]> = {
  'db/queries/conversations.ts': ['ClosedConversationRow'],
  // The contact's columns go through the select list that maps timestamps to Dates; compared below with the builder's row.
  'db/queries/dialogue-context.ts': ['Record<string, unknown>', 'DialogueContextRow'],
  'db/queries/inbound.ts': ['SeenRow', 'SeenRow'],
  'db/queries/list-import.ts': ['InsertedYoungsterRow', 'InsertedCardRow'],
  'db/queries/messages.ts': ['MovedRow', 'RecordedRow', 'RoutedRow'],
  'db/queries/routing.ts': ['RoutingFactsRow'],
};

/** A pool whose raw statements' rows are kept, for parsing with their schemas. */
function recording(target: Db) {
  const seen: unknown[] = [];
  const db = new Proxy(target, {
    get(t, prop) {
      if (prop === 'execute') {
        return (statement: Parameters<Db['execute']>[0]) =>
          t.execute(statement).then((rows) => {
            seen.push(...rows);
            return rows;
          });
      }
      const v: unknown = Reflect.get(t, prop, t);
      return typeof v === 'function' ? v.bind(t) : v;
    },
  });
  /** The rows seen since the last call, each parsed with the schema; at least one. */
  const parsedAs = <S extends z.ZodType>(schema: S): z.infer<S>[] => {
    const rows = seen.splice(0);
    expect(rows.length).toBeGreaterThan(0);
    return rows.map((r) => schema.parse(r));
  };
  return { db, parsedAs };
}

function rawRowTypes(text: string): string[] {
  const source = ts.createSourceFile('q.ts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    const callee = ts.isCallExpression(node)
      ? ts.isPropertyAccessExpression(node.expression)
        ? node.expression.name.text
        : ts.isIdentifier(node.expression)
          ? node.expression.text
          : null
      : null;
    if (ts.isCallExpression(node) && (callee === 'execute' || callee === 'rawRows') && node.typeArguments?.[0]) {
      found.push(node.typeArguments[0].getText(source));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

let iso: Isolated;
const db = () => iso.ctx.database.db;
let org: Awaited<ReturnType<typeof twoTeams>>;

beforeAll(async () => {
  iso = await isolated();
  org = await twoTeams(db());
});
afterAll(async () => iso?.destroy());

describe('raw statements in db/queries', () => {
  it('each typed raw statement has its row type checked in this file', () => {
    const dir = join(ROOT, 'db/queries');
    const found: Record<string, string[]> = {};
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
      const file = `db/queries/${name}`;
      const types = rawRowTypes(readFileSync(join(dir, name), 'utf8'));
      if (types.length) found[file] = types;
    }
    expect(found).toEqual(COVERED);
  });

  it("the list import's bulk inserts return what their row types say", async () => {
    const { db: rec, parsedAs } = recording(db());
    const [y] = await insertYoungsters(rec, [
      { municipalityId: org.oost.municipalities.Roermond!, firstName: 'Rij', namePrefix: null, lastName: 'Type', street: null, houseNumber: null, postcode: '6041 AA', city: null, birthDate: '2001-01-01', listInflowDate: null, newInflow: true, kvkRegistered: false, knownToMunicipality: false, matchKey: 'rij||type|2001-01-01|6041 AA', firstListMonth: '2026-11-01', lastListMonth: '2026-11-01' },
    ]);
    expect(parsedAs(insertedYoungsterRow)).toHaveLength(1);
    const [stored] = await db().select().from(youngsters).where(eq(youngsters.id, y!.id));
    expect(stored).toMatchObject({ firstName: 'Rij', newInflow: true, birthDate: '2001-01-01', matchKey: 'rij||type|2001-01-01|6041 AA' });
    expect(await insertCards(rec, [{ youngsterId: y!.id, token: 'row-type-token-0123456789', shortCode: 'RWTP2345', casemanagerId: null, variant: 'entrepreneur', language: 'nl', listImportId: null }])).toEqual([
      { id: expect.any(String), youngsterId: y!.id, shortCode: 'RWTP2345' },
    ]);
    expect(parsedAs(insertedCardRow)).toHaveLength(1);
  });

  it('lockContactWithContext returns exactly the contact row the query builder returns, Dates and all', async () => {
    const roermond = org.oost.municipalities.Roermond!;
    const { youngster, card } = await createYoungsterWithCard(db(), roermond, org.michelle.id);
    const [full] = await db()
      .insert(channelContacts)
      .values({
        channel: 'whatsapp',
        externalId: '123456789@lid',
        externalAltId: '31600000000@s.whatsapp.net',
        youngsterId: youngster.id,
        municipalityId: roermond,
        cardId: card.id,
        language: 'en',
        dialogueState: 'chatting',
        lastOfficeNoticeAt: new Date('2026-11-30T18:00:00.123Z'),
        optedOutAt: new Date('2026-12-01T08:00:00Z'),
      })
      .returning();
    // Every column set, so every column's type is seen.
    expect(Object.values(full!).filter((v) => v === null)).toEqual([]);

    const viaAlt = await db().transaction((tx) => lockContactWithContext(tx, 'whatsapp', ['31600000000@s.whatsapp.net']));
    expect(viaAlt?.contact).toStrictEqual(full);
    for (const key of ['lastOfficeNoticeAt', 'optedOutAt', 'createdAt'] as const) expect(viaAlt?.contact[key]).toBeInstanceOf(Date);
    expect(viaAlt?.facts.municipalityId).toBe(roermond);

    expect(await db().transaction((tx) => lockContactWithContext(tx, 'telegram', ['4242']))).toBeNull();
    const created = await db().transaction(async (tx) => {
      await createContact(tx, 'telegram', '4242', null);
      return lockContactWithContext(tx, 'telegram', ['4242']);
    });
    const [stored] = await db().select().from(channelContacts).where(eq(channelContacts.id, created!.contact.id));
    expect(created?.contact).toStrictEqual(stored);
    expect(created?.facts.municipalityId).toBeNull();
  });

  it('the dialogue context row parses for a contact with everything and for one with nothing', async () => {
    const roermond = org.oost.municipalities.Roermond!;
    await db()
      .update(municipalities)
      .set({ textOverrides: { nl: { 'bot.greeting': 'Hoi {voornaam}!' } } })
      .where(eq(municipalities.id, roermond));
    const away = new Date('2099-01-01T09:30:00.250Z');
    const wasAway = new Date('2026-01-01T12:00:00Z');
    await db().update(staffUsers).set({ absentUntil: away, absenceDelegateId: org.yusuf.id }).where(eq(staffUsers.id, org.michelle.id));
    await db().update(staffUsers).set({ absentUntil: wasAway }).where(eq(staffUsers.id, org.yusuf.id));
    const { youngster, card } = await createYoungsterWithCard(db(), roermond, org.michelle.id, { firstName: 'Sigfrid' });
    const [web] = await db()
      .insert(channelContacts)
      .values({ channel: 'web', externalId: 'device-hash-1', youngsterId: youngster.id, municipalityId: roermond, cardId: card.id })
      .returning();
    await db()
      .insert(channelContacts)
      .values({ channel: 'telegram', externalId: '777', youngsterId: youngster.id, optedOutAt: new Date() });
    await db().insert(conversations).values({ municipalityId: roermond, youngsterId: youngster.id, assignedTo: org.michelle.id });
    const [stranger] = await db().insert(channelContacts).values({ channel: 'telegram', externalId: '888' }).returning();

    const rowOf = async (contactId: string) => (await db().execute(dialogueContextStatement(contactId)))[0];
    const everything = dialogueContextRow.parse(await rowOf(web!.id));
    expect(Object.entries(everything).filter(([, v]) => v === null)).toEqual([]);
    expect(everything.person_opted_out).toBe(true);
    const nothing = dialogueContextRow.parse(await rowOf(stranger!.id));
    expect(Object.entries(nothing).filter(([, v]) => v !== null)).toEqual([['person_opted_out', false]]);

    const facts = await db().transaction((tx) => loadDialogueFacts(tx, web!.id));
    expect(facts?.coachFirstName).toBe('Michelle');
    expect(facts?.coachAbsentUntil).toStrictEqual(away);
    expect(facts?.delegateFirstName).toBe('Yusuf');
    expect(facts?.delegateAbsentUntil).toStrictEqual(wasAway);
    expect(facts?.textOverrides).toEqual({ nl: { 'bot.greeting': 'Hoi {voornaam}!' } });
  });
});

describe('the row schemas parse the rows their statements return', () => {
  it("a youngster's turn, its routing, a delivery, the platform key and an opt-out", async () => {
    const rec = recording(db());
    const roermond = org.oost.municipalities.Roermond!;
    const { conversation, contact } = await createConversationFixture(db(), { municipalityId: roermond, firstName: 'Rowan', channel: 'whatsapp', messages: [] });
    // (WhatsApp: the metrics test below counts this file's Telegram deliveries.)
    await db().update(staffUsers).set({ absentUntil: new Date('2099-01-01T00:00:00Z') }).where(eq(staffUsers.id, org.yusuf.id));

    const thread = { conversationId: conversation.id, contactId: contact.id, channel: 'whatsapp' as const };
    const turn = await recordIncoming(rec.db, thread, {
      incoming: { kind: 'text', body: 'hoi', status: 'received', externalId: 'tg-1' },
      replies: [{ body: 'Hoi!', menu: null, isOptOutAck: false }],
      monitoring: { municipalityId: roermond, subject: null },
      clock: { inbound: true, urgent: false },
    });
    expect(rec.parsedAs(recordedRow)).toHaveLength(2);

    await readRoutingFacts(rec.db, turn.incomingId!);
    const [facts] = rec.parsedAs(routingFactsRow);
    expect(facts?.team?.length).toBe(3);
    expect(facts?.team?.find((m) => m.id === org.yusuf.id)?.absent_until).not.toBeNull();

    await markRouted(rec.db, { messageId: turn.incomingId!, conversationId: conversation.id, municipalityId: roermond, assignee: { from: null, to: org.michelle.id }, reason: 'least_loaded' });
    expect(rec.parsedAs(routedRow)).toEqual([{ conversation_ok: true, routed: true }]);

    const { claimed } = await claimForSending(db(), turn.replyIds[0]!);
    await markSent(rec.db, claimed!, '77', { municipalityId: roermond, subject: null });
    expect(rec.parsedAs(movedRow)).toEqual([{ id: turn.replyIds[0], contactId: contact.id, conversationId: conversation.id, municipalityId: roermond }]);

    expect(await firstTimeSeen(rec.db, contact, 'tg-2', new Date())).toBe(true);
    rec.parsedAs(seenRow);
    expect(await firstTimeSeenByIds(rec.db, 'whatsapp', [contact.externalId], 'tg-3', new Date())).toBe(true);
    rec.parsedAs(seenRow);

    const at = new Date();
    await db().update(channelContacts).set({ optedOutAt: at }).where(eq(channelContacts.id, contact.id));
    await closeOptedOutConversation(rec.db, { conversationId: conversation.id, cardId: null, youngsterId: contact.youngsterId });
    expect(rec.parsedAs(closedConversationRow)).toEqual([{ municipality_id: roermond, old_status: 'open', old_assignee: org.michelle.id, new_assignee: org.michelle.id }]);

    const held = await heldData(rec.db, contact);
    rec.parsedAs(heldRow);
    expect(held).toMatchObject({ messages: true, consents: [] });
  });
});

describe('rows that were typed by hand now say what arrives', () => {
  it("a conversation's opted-out moment is a Date", async () => {
    const at = new Date('2026-11-20T10:00:00.500Z');
    const { conversation, contact } = await createConversationFixture(db(), { municipalityId: org.oost.municipalities.Maasgouw!, firstName: 'Noor' });
    await db().update(channelContacts).set({ optedOutAt: at }).where(eq(channelContacts.id, contact.id));
    const c = await getConversationInScope(db(), conversation.id, [org.oost.municipalities.Maasgouw!]);
    expect(c?.optedOutAt).toBeInstanceOf(Date);
    expect(c?.optedOutAt).toStrictEqual(at);
    expect(c?.youngsterFirstName).toBe('Noor');
  });

  it("escalation's wait starts at a Date", async () => {
    const written = new Date('2026-11-30T08:15:00Z');
    const { conversation } = await createConversationFixture(db(), { municipalityId: org.oost.municipalities.Roermond!, firstName: 'Daan' });
    await db().update(messages).set({ createdAt: written }).where(eq(messages.conversationId, conversation.id));
    await db().update(conversations).set({ lastInboundAt: written }).where(eq(conversations.id, conversation.id));
    const [waiting] = await findWaiting(db(), new Date('2026-12-01T12:00:00Z'), conversation.id);
    expect(waiting?.waitingSince).toStrictEqual(written);
    expect(waiting?.municipalityId).toBe(org.oost.municipalities.Roermond);
  });

  it("the contact attempts' total is a number", async () => {
    const { youngster } = await createYoungsterWithCard(db(), org.west.municipalities.Weert!, org.bram.id);
    expect(await totalAttemptMinutes(db(), youngster.id)).toBe(0);
    for (const minutes of [30, 45]) {
      await db().insert(contactAttempts).values({ youngsterId: youngster.id, staffId: org.bram.id, kind: 'home_visit_spoke', occurredOn: '2026-11-30', minutes });
    }
    expect(await totalAttemptMinutes(db(), youngster.id)).toBe(75);
  });

  it('the metrics are numbers per channel and status', async () => {
    const { conversation, contact } = await createConversationFixture(db(), {
      municipalityId: org.west.municipalities.Weert!,
      firstName: 'Metric',
      channel: 'telegram',
    });
    const out = (status: 'queued' | 'sending' | 'failed' | 'sent', extra: Partial<typeof messages.$inferInsert> = {}) => ({
      conversationId: conversation.id,
      contactId: contact.id,
      channel: 'telegram' as const,
      direction: 'out' as const,
      kind: 'text' as const,
      body: 'x',
      status,
      ...extra,
    });
    const created = new Date(Date.now() - 60_000);
    await db()
      .insert(messages)
      .values([
        out('queued'),
        out('queued'),
        out('failed'),
        out('sent', { createdAt: created, sentAt: new Date(created.getTime() + 2_000) }),
        out('sent', { createdAt: created, sentAt: new Date(created.getTime() + 4_000) }),
      ]);
    await db()
      .insert(events)
      .values([
        { type: 'message.sent', data: { channel: 'telegram' } },
        { type: 'message.sent', data: { channel: 'telegram' } },
        { type: 'message.failed', data: {} },
      ]);

    const undelivered = await countUndelivered(db());
    expect(undelivered).toEqual(
      expect.arrayContaining([
        { channel: 'telegram', status: 'queued', n: 2 },
        { channel: 'telegram', status: 'failed', n: 1 },
      ]),
    );
    const [latency] = (await deliveryLatency(db(), 15)).filter((r) => r.channel === 'telegram');
    expect(latency).toEqual({ channel: 'telegram', p50: 3, p95: expect.closeTo(3.9, 5), p99: expect.closeTo(3.98, 5) });
    const outcomes = await countMessageOutcomes(db());
    expect(outcomes).toEqual(
      expect.arrayContaining([
        { type: 'message.sent', channel: 'telegram', n: 2 },
        { type: 'message.failed', channel: null, n: 1 },
      ]),
    );
  });
});
