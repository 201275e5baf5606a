import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { erasureJobId } from '../../core/queues.js';
import { requestErasure } from '../../db/queries/erasure-requests.js';
import { countsOf, listRetentionMunicipalities, selectRetention, type RetentionCounts, type RetentionSelection } from '../../db/queries/retention.js';
import {
  auditLog,
  cards,
  channelContacts,
  contactAttempts,
  conversations,
  deletionLog,
  erasureRequests,
  events,
  messages,
  municipalities,
  youngsters,
} from '../../db/schema/index.js';
import { newCardToken } from '../../core/tokens.js';
import { eraseRequest } from '../../worker/erasure.js';
import { runRetention } from '../../worker/retention-run.js';
import { RETENTION_SCHEDULER_ID, scheduleRetention } from '../../worker/retention-schedule.js';
import { buildWebApp } from '../../bin/services.js';
import { createStaff, twoTeams } from '../helpers/fixtures.js';
import { login } from '../helpers/http.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

let iso: Isolated;
const db = () => iso.ctx.database.db;
/** The run's moment: every age below is counted back from it. */
const NOW = new Date('2027-06-15T12:00:00Z');
const monthsAgo = (n: number, extraDays = 0) => {
  const d = new Date(NOW);
  d.setUTCMonth(d.getUTCMonth() - n);
  d.setUTCDate(d.getUTCDate() - extraDays);
  return d;
};
const dateOnly = (d: Date) => d.toISOString().slice(0, 10);

/** A youngster with a card made at `cardAt`, optionally a web contact, a conversation and messages. */
async function person(
  municipalityId: string,
  name: string,
  p: {
    cardAt: Date;
    outcomeOn?: Date;
    conversation?: { status?: 'open' | 'waiting' | 'closed'; lastMessageAt: Date };
    messages?: { direction: 'in' | 'out'; at: Date; status?: 'routed' | 'sent' | 'queued' }[];
    attempt?: 'home_visit_spoke' | 'phone' | 'home_visit_not_home';
  },
) {
  const [y] = await db()
    .insert(youngsters)
    .values({ municipalityId, firstName: name, lastName: 'Test', ...(p.outcomeOn ? { outcome: 'werk' as const, outcomeOn: dateOnly(p.outcomeOn) } : {}) })
    .returning();
  await db().insert(cards).values({ youngsterId: y!.id, token: newCardToken(), createdAt: p.cardAt });
  const messageIds: string[] = [];
  let contactId: string | null = null;
  if (p.conversation) {
    const [c] = await db().insert(channelContacts).values({ channel: 'web', externalId: `ret-${name}`, youngsterId: y!.id, municipalityId }).returning();
    contactId = c!.id;
    const [conv] = await db()
      .insert(conversations)
      .values({ municipalityId, youngsterId: y!.id, status: p.conversation.status ?? 'open', lastMessageAt: p.conversation.lastMessageAt })
      .returning();
    for (const m of p.messages ?? []) {
      const [row] = await db()
        .insert(messages)
        .values({
          conversationId: conv!.id,
          contactId,
          channel: 'web',
          direction: m.direction,
          body: `bericht van ${name}`,
          status: m.status ?? (m.direction === 'in' ? 'routed' : 'sent'),
          createdAt: m.at,
        })
        .returning();
      messageIds.push(row!.id);
    }
  }
  if (p.attempt) await db().insert(contactAttempts).values({ youngsterId: y!.id, kind: p.attempt, occurredOn: dateOnly(monthsAgo(7)) });
  await db().insert(events).values([
    { type: 'card.generated', municipalityId, subject: y!.monitoringKey },
    { type: 'youngster.listed', municipalityId, subject: y!.monitoringKey },
  ]);
  return { id: y!.id, contactIds: contactId ? [contactId] : [], messageIds };
}

/** Someone who wrote without a card, last heard of at `lastMessageAt`. */
async function cardless(municipalityId: string, key: string, lastMessageAt: Date) {
  const [c] = await db().insert(channelContacts).values({ channel: 'telegram', externalId: `ret-${key}`, municipalityId }).returning();
  const [conv] = await db().insert(conversations).values({ municipalityId, contactId: c!.id, lastMessageAt }).returning();
  await db()
    .insert(messages)
    .values({ conversationId: conv!.id, contactId: c!.id, channel: 'telegram', direction: 'in', body: 'hallo zonder kaart', status: 'routed', createdAt: lastMessageAt });
  return c!.id;
}

const eventCounts = async () =>
  Object.fromEntries(
    (await db().select({ type: events.type, n: sql<number>`count(*)::int` }).from(events).groupBy(events.type)).map((r) => [r.type, r.n]),
  );

let org: Awaited<ReturnType<typeof twoTeams>>;
let P: Record<string, Awaited<ReturnType<typeof person>>>;
let K: { old: string; fresh: string };

beforeAll(async () => {
  iso = await isolated();
  org = await twoTeams(db());
  const roermond = org.oost.municipalities.Roermond!;
  const maasgouw = org.oost.municipalities.Maasgouw!;
  const weert = org.west.municipalities.Weert!;
  // Maasgouw waits only 3 months for a reaction; Weert's contract has ended (exited).
  await db().update(municipalities).set({ retentionNoReactionMonths: 3 }).where(eq(municipalities.id, maasgouw));
  await db().update(municipalities).set({ exitedAt: monthsAgo(1) }).where(eq(municipalities.id, weert));
  P = {
    silent: await person(roermond, 'Stil', { cardAt: monthsAgo(8) }),
    spokeAtDoor: await person(roermond, 'Deur', { cardAt: monthsAgo(8), attempt: 'home_visit_spoke' }),
    notHome: await person(roermond, 'Nietthuis', { cardAt: monthsAgo(8), attempt: 'home_visit_not_home' }),
    wrote: await person(roermond, 'Schreef', {
      cardAt: monthsAgo(20),
      conversation: { lastMessageAt: monthsAgo(2) },
      messages: [
        { direction: 'in', at: monthsAgo(14) },
        { direction: 'out', at: monthsAgo(14), status: 'queued' },
        { direction: 'out', at: monthsAgo(13) },
        { direction: 'in', at: monthsAgo(2) },
      ],
    }),
    outcome: await person(roermond, 'Uitgestroomd', { cardAt: monthsAgo(30), outcomeOn: monthsAgo(13), conversation: { lastMessageAt: monthsAgo(13) }, messages: [{ direction: 'in', at: monthsAgo(14) }] }),
    recentOutcome: await person(roermond, 'Netuit', { cardAt: monthsAgo(30), outcomeOn: monthsAgo(11), conversation: { lastMessageAt: monthsAgo(11) }, messages: [{ direction: 'in', at: monthsAgo(11) }] }),
    closedChat: await person(roermond, 'Dicht', { cardAt: monthsAgo(20), conversation: { status: 'closed', lastMessageAt: monthsAgo(13) }, messages: [{ direction: 'in', at: monthsAgo(13) }] }),
    fresh: await person(roermond, 'Vers', { cardAt: monthsAgo(1) }),
    fourMonths: await person(roermond, 'Viermaand', { cardAt: monthsAgo(4) }),
    alreadyRequested: await person(roermond, 'Alaangevraagd', { cardAt: monthsAgo(8) }),
    maasgouwSilent: await person(maasgouw, 'Maasstil', { cardAt: monthsAgo(4) }),
    weertSilent: await person(weert, 'Weertstil', { cardAt: monthsAgo(8) }),
  };
  K = { old: await cardless(roermond, 'oud', monthsAgo(7)), fresh: await cardless(roermond, 'nieuw', monthsAgo(1)) };
  await requestErasure(db(), { youngsterId: P.alreadyRequested!.id, contactIds: [], municipalityId: roermond, reason: 'opt_out', now: monthsAgo(0, 1) });
});
afterAll(async () => iso?.destroy());

const ids = (s: RetentionSelection) => ({
  noReaction: s.noReaction.map((x) => x.youngsterId).sort(),
  closed: s.closed.map((x) => x.youngsterId).sort(),
  cardless: s.cardless.flatMap((x) => x.contactIds).sort(),
  messages: [...s.messageIds].sort(),
});

describe('retention', () => {
  let dry: Map<string, RetentionSelection>;

  it('the dry run selects by each municipality\'s own months, and leaves fresh people alone', async () => {
    const ms = await listRetentionMunicipalities(db());
    expect(ms.map((m) => m.name).sort()).toEqual(['Maasgouw', 'Roermond']);
    dry = new Map();
    for (const m of ms) dry.set(m.id, await selectRetention(db(), m, NOW));
    const roermond = ids(dry.get(org.oost.municipalities.Roermond!)!);
    expect(roermond).toEqual({
      noReaction: [P.silent!.id, P.notHome!.id].sort(),
      closed: [P.outcome!.id, P.closedChat!.id].sort(),
      cardless: [K.old],
      // Only Schreef's old message that is done: the queued one is still on its way.
      messages: [P.wrote!.messageIds[0]!, P.wrote!.messageIds[2]!].sort(),
    });
    expect(ids(dry.get(org.oost.municipalities.Maasgouw!)!)).toEqual({ noReaction: [P.maasgouwSilent!.id], closed: [], cardless: [], messages: [] });
    // The dry run wrote nothing.
    expect(await db().select().from(erasureRequests).where(eq(erasureRequests.reason, 'retention'))).toHaveLength(0);
    expect(await db().select().from(deletionLog)).toHaveLength(0);
  });

  it('the real run does exactly what the dry run said, keeps the monitoring figures, logs counts only and purges the old audit log', async () => {
    // The audit purge counts back from the database's own clock (purge_audit_log refuses anything younger than 180 days).
    const realMonthsAgo = (n: number) => new Date(Date.now() - n * 31 * 24 * 3600_000);
    const recentAudit = realMonthsAgo(1);
    await db().insert(auditLog).values([
      { action: 'conversation.view', at: realMonthsAgo(25) },
      { action: 'conversation.view', at: recentAudit },
    ]);
    const eventsBefore = await eventCounts();
    const messagesBefore = (await db().select({ id: messages.id }).from(messages)).map((m) => m.id);

    const summary = await runRetention({ database: iso.ctx.database, queues: iso.ctx.queues, logger: iso.ctx.logger, now: NOW });

    const requests = await db().select().from(erasureRequests).where(eq(erasureRequests.reason, 'retention'));
    const expectedYoungsters = [...dry.values()].flatMap((s) => [...s.noReaction, ...s.closed]).map((s) => s.youngsterId).sort();
    expect(requests.filter((r) => r.youngsterId).map((r) => r.youngsterId).sort()).toEqual(expectedYoungsters);
    expect(requests.filter((r) => !r.youngsterId).map((r) => r.contactIds)).toEqual([[K.old]]);
    // The youngster's request names their messenger contacts; all with the run's moment.
    expect(requests.find((r) => r.youngsterId === P.closedChat!.id)!.contactIds).toEqual(P.closedChat!.contactIds);
    expect(requests.every((r) => r.requestedAt.getTime() === NOW.getTime() && r.requestedBy === null)).toBe(true);
    // Each request is on the queue, with its id only.
    for (const r of requests) {
      const job = await iso.ctx.queues.privacy.getJob(erasureJobId(r.id));
      expect(job?.data).toEqual({ erasureId: r.id });
    }
    expect(summary.municipalities.flatMap((m) => m.erasureIds).sort()).toEqual(requests.map((r) => r.id).sort());

    const deletedMessages = [...dry.values()].flatMap((s) => s.messageIds).sort();
    const messagesAfter = (await db().select({ id: messages.id }).from(messages)).map((m) => m.id);
    expect(messagesBefore.filter((id) => !messagesAfter.includes(id)).sort()).toEqual(deletedMessages);
    expect(messagesAfter).toContain(P.wrote!.messageIds[1]); // queued: still on its way
    expect(messagesAfter).toContain(P.wrote!.messageIds[3]); // recent

    // Fresh people and the exited municipality: untouched, no request.
    const requested = new Set(requests.map((r) => r.youngsterId));
    for (const key of ['fresh', 'fourMonths', 'spokeAtDoor', 'wrote', 'recentOutcome', 'weertSilent', 'alreadyRequested']) expect(requested.has(P[key]!.id), key).toBe(false);
    expect(requests.some((r) => r.contactIds.includes(K.fresh))).toBe(false);
    expect(await db().select().from(youngsters).where(eq(youngsters.id, P.fresh!.id))).toHaveLength(1);

    // One deletion_log row per municipality with numbers only, and one for the audit purge.
    const log = await db().select().from(deletionLog).where(eq(deletionLog.reason, 'retention'));
    const perMunicipality = new Map(log.filter((l) => l.municipalityId).map((l) => [l.municipalityId, l]));
    expect(perMunicipality.size).toBe(2);
    for (const [id, sel] of dry) {
      const row = perMunicipality.get(id)!;
      expect(row.counts).toEqual(countsOf(sel));
      expect(row.staffId).toBeNull();
      expect(row.erasureId).toBeNull();
      expect(Object.values(row.counts).every((v) => typeof v === 'number')).toBe(true);
    }
    expect(perMunicipality.get(org.oost.municipalities.Roermond!)!.counts).toEqual({ noReaction: 2, closed: 2, cardless: 1, messages: 2 });
    const auditRow = log.find((l) => l.municipalityId === null)!;
    expect(auditRow.counts).toEqual({ auditEntries: 1 });
    expect(summary.auditEntriesPurged).toBe(1);
    expect((await db().select().from(auditLog)).map((a) => a.at.getTime())).toEqual([recentAudit.getTime()]);
    expect(JSON.stringify(log)).not.toMatch(/Stil|Schreef|bericht/);

    // Monitoring counts anonymous events: not one row changed.
    expect(await eventCounts()).toEqual(eventsBefore);
  });

  it('a second run the same night adds nothing (the people are already being erased)', async () => {
    const before = (await db().select().from(erasureRequests)).length;
    const again = await runRetention({ database: iso.ctx.database, queues: iso.ctx.queues, logger: iso.ctx.logger, now: NOW });
    expect(again.municipalities.map((m) => m.counts)).toEqual([
      { noReaction: 0, closed: 0, cardless: 0, messages: 0 },
      { noReaction: 0, closed: 0, cardless: 0, messages: 0 },
    ]);
    expect(await db().select().from(erasureRequests)).toHaveLength(before);
  });

  it('processing the requests erases the people and keeps the monitoring figures', async () => {
    const requests = await db().select().from(erasureRequests).where(eq(erasureRequests.reason, 'retention'));
    expect(requests).toHaveLength(6);
    const before = await eventCounts();
    const deps = { database: iso.ctx.database, erasure: iso.ctx.erasure, suppressionKeys: iso.env.suppressionKeys, logger: iso.ctx.logger, now: () => NOW };
    for (const r of requests) expect(await eraseRequest(deps, r.id)).toBe('erased');
    const ys = requests.map((r) => r.youngsterId).filter((x): x is string => x !== null);
    expect(await db().select().from(youngsters).where(inArray(youngsters.id, ys))).toHaveLength(0);
    expect(await db().select().from(channelContacts).where(eq(channelContacts.id, K.old))).toHaveLength(0);
    expect(await db().select().from(youngsters).where(eq(youngsters.id, P.fresh!.id))).toHaveLength(1);
    // Erasure adds one 'youngster.erased' per person; every other figure stays as it was.
    const { ['youngster.erased']: erased, ...rest } = await eventCounts();
    expect(erased).toBe((before['youngster.erased'] ?? 0) + requests.length);
    const { ['youngster.erased']: _before, ...restBefore } = before;
    expect(rest).toEqual(restBefore);
  });

  it('the nightly scheduler exists once, in Amsterdam time, however often workers start', async () => {
    await scheduleRetention(iso.ctx.queues);
    await scheduleRetention(iso.ctx.queues);
    const schedulers = await iso.ctx.queues.privacy.getJobSchedulers();
    expect(schedulers).toHaveLength(1);
    expect(schedulers[0]).toMatchObject({ key: RETENTION_SCHEDULER_ID, name: 'retention', pattern: '0 3 * * *', tz: 'Europe/Amsterdam' });
    expect(schedulers[0]!.template?.data).toEqual({ retention: true });
  });
});

describe('the retention page', () => {
  it('shows the next night\'s counts per municipality and rule, and the last runs', async () => {
    const app = await buildWebApp(iso.ctx);
    try {
      await createStaff(db(), org.oost.teamId, { email: 'admin@oost.test', firstName: 'Anne', role: 'admin' });
      const admin = await login(app, 'admin@oost.test');
      // Someone in Maasgouw whose card is two years old by the real clock (the page counts from now).
      await person(org.oost.municipalities.Maasgouw!, 'Paginastil', { cardAt: new Date(Date.now() - 2 * 365 * 24 * 3600_000) });
      const expected = new Map<string, RetentionCounts>();
      for (const m of await listRetentionMunicipalities(db(), Object.values(org.oost.municipalities))) expected.set(m.id, countsOf(await selectRetention(db(), m, new Date())));
      expect(expected.get(org.oost.municipalities.Maasgouw!)!.noReaction).toBeGreaterThan(0);

      const page = await app.inject({ method: 'GET', url: '/admin/team/retention', headers: { cookie: admin.cookie, accept: 'text/html' } });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('De volgende nachtelijke ronde wist:');
      for (const [id, counts] of expected) {
        const row = new RegExp(`<tr data-municipality="${id}">([\\s\\S]*?)</tr>`).exec(page.body)?.[1] ?? '';
        for (const [rule, n] of Object.entries(counts)) expect(row, `${id} ${rule}`).toContain(`<td data-rule="${rule}">${n}</td>`);
      }
      expect(page.body).toContain('Nachtelijke ronde');
      expect(page.body).toContain('2 geen reactie, 2 afgesloten, 1 zonder kaart, 2 berichten');
      expect(page.body).not.toContain('Paginastil');
      expect(page.body).not.toContain('Weert');
    } finally {
      await app.close();
    }
  });

  it('stores each municipality\'s months within 1-120 and says clearly what is wrong', async () => {
    const app = await buildWebApp(iso.ctx);
    try {
      const admin = await login(app, 'admin@oost.test');
      const roermond = org.oost.municipalities.Roermond!;
      const post = (fields: Record<string, string>) =>
        app.inject({
          method: 'POST',
          url: `/admin/team/municipalities/${roermond}/retention`,
          headers: { cookie: admin.cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ ...fields, _csrf: admin.csrf }).toString(),
        });
      const settings = async () => (await db().select().from(municipalities).where(eq(municipalities.id, roermond)))[0]!;
      const before = await settings();
      for (const [fields, field] of [
        [{ noReactionMonths: '0', closedMonths: '12', messageMonths: '12' }, '"geen reactie"'],
        [{ noReactionMonths: '6', closedMonths: '121', messageMonths: '12' }, '"afgesloten"'],
        [{ noReactionMonths: '6', closedMonths: '12', messageMonths: '2,5' }, '"chatberichten"'],
        [{ noReactionMonths: '6', closedMonths: '12', messageMonths: '' }, '"chatberichten"'],
      ] as const) {
        const res = await post(fields);
        expect(res.statusCode, JSON.stringify(fields)).toBe(400);
        expect(res.body).toContain(`Vul bij ${field.replaceAll('"', '&quot;')} een heel aantal maanden in, van 1 tot en met 120. Er is niets opgeslagen.`);
      }
      expect(await settings()).toEqual(before);
      const changed = (await db().select().from(events).where(eq(events.type, 'team.settings_changed'))).length;
      const ok = await post({ noReactionMonths: '9', closedMonths: '24', messageMonths: '18' });
      expect(ok.statusCode).toBe(303);
      expect(ok.headers.location).toBe('/admin/team/retention?saved=1');
      expect(await settings()).toMatchObject({ retentionNoReactionMonths: 9, retentionClosedMonths: 24, retentionMessageMonths: 18 });
      const evs = await db().select().from(events).where(eq(events.type, 'team.settings_changed'));
      expect(evs).toHaveLength(changed + 1);
      expect(evs.at(-1)).toMatchObject({ municipalityId: roermond, data: { setting: 'retention', noReactionMonths: 9, closedMonths: 24, messageMonths: 18 } });
      // Another team's municipality: not found, nothing stored.
      const west = await app.inject({
        method: 'POST',
        url: `/admin/team/municipalities/${org.west.municipalities.Weert!}/retention`,
        headers: { cookie: admin.cookie, accept: 'application/json', 'content-type': 'application/json', 'x-csrf-token': admin.csrf },
        payload: JSON.stringify({ noReactionMonths: 1, closedMonths: 1, messageMonths: 1 }),
      });
      expect(west.statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });
});
