import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboxSignal } from '../../core/live-bus.js';
import { channelContacts, conversations, events, messages, teams } from '../../db/schema/index.js';
import { buildWebApp } from '../../bin/services.js';
import { createReplies } from '../../web/domain/replies.js';
import { createEscalationCheck } from '../../worker/escalation.js';
import { createYoungsterWithCard, twoTeams } from '../helpers/fixtures.js';
import { login, until } from '../helpers/http.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

let iso: Isolated;
let org: Awaited<ReturnType<typeof twoTeams>>;
let app: FastifyInstance;
const signals: InboxSignal[] = [];
let stopListening: () => void;

const db = () => iso.ctx.database.db;
/** Team Oost (default hours Mon-Fri 09:00-17:00) escalates after one office hour. */
const LIMIT = 60;
/** Winter time: Amsterdam is UTC+1. 2026-11-30 is a Monday, 2026-12-04 a Friday. */
const local = (isoLocal: string) => new Date(`${isoLocal}+01:00`);
const check = (now: Date) => createEscalationCheck({ database: iso.ctx.database, liveBus: iso.ctx.liveBus, now: () => now })();

beforeAll(async () => {
  iso = await isolated();
  org = await twoTeams(db());
  await db().update(teams).set({ escalationOfficeMinutes: LIMIT }).where(eq(teams.id, org.oost.teamId));
  app = await buildWebApp(iso.ctx);
  stopListening = iso.ctx.liveBus.onInbox((s) => signals.push(s));
  // The subscription is asynchronous: wait until a probe comes back, so no real signal can be missed.
  const probe = randomUUID();
  await until(async () => {
    await iso.ctx.liveBus.publishInbox({ kind: 'conversation', conversationId: probe, municipalityId: 'probe' });
    await new Promise((r) => setTimeout(r, 20));
    return signals.some((s) => s.conversationId === probe);
  });
});
afterAll(async () => {
  stopListening?.();
  await app?.close();
  await iso?.destroy();
});

/** A conversation of Roermond whose youngster wrote at these moments (and nobody answered yet). */
async function waitingConversation(writtenAt: Date[], opts: { urgent?: boolean; optedOut?: boolean } = {}) {
  const roermond = org.oost.municipalities.Roermond!;
  const { youngster } = await createYoungsterWithCard(db(), roermond, org.michelle.id);
  const [contact] = await db()
    .insert(channelContacts)
    .values({
      channel: 'web',
      externalId: randomUUID(),
      youngsterId: youngster.id,
      municipalityId: roermond,
      optedOutAt: opts.optedOut ? writtenAt[0]! : null,
    })
    .returning();
  const [conv] = await db()
    .insert(conversations)
    .values({ municipalityId: roermond, youngsterId: youngster.id, assignedTo: org.michelle.id, urgent: opts.urgent ?? false })
    .returning();
  const c = { id: conv!.id, contactId: contact!.id, monitoringKey: youngster.monitoringKey };
  for (const at of writtenAt) await youngsterWrites(c, at);
  return c;
}

async function youngsterWrites(c: { id: string; contactId: string }, at: Date) {
  await db()
    .insert(messages)
    .values({ conversationId: c.id, contactId: c.contactId, channel: 'web', direction: 'in', body: 'hoi?', status: 'routed', createdAt: at });
  await db().update(conversations).set({ lastInboundAt: at, lastMessageAt: at }).where(eq(conversations.id, c.id));
}

async function outgoing(c: { id: string; contactId: string }, at: Date, by: 'staff' | 'bot') {
  await db()
    .insert(messages)
    .values({
      conversationId: c.id,
      contactId: c.contactId,
      channel: 'web',
      direction: 'out',
      kind: by === 'bot' ? 'bot' : 'text',
      authorStaffId: by === 'staff' ? org.michelle.id : null,
      body: 'antwoord',
      status: 'sent',
      createdAt: at,
    });
}

const escalationEvents = (conversationId: string) =>
  db()
    .select()
    .from(events)
    .where(and(eq(events.type, 'conversation.escalated'), eq(events.conversationId, conversationId)));
const escalatedAt = async (id: string) =>
  (await db().select({ at: conversations.escalatedAt }).from(conversations).where(eq(conversations.id, id)))[0]!.at;

describe('escalation check', () => {
  it('escalates a message unanswered longer than the limit once, records it and tells the team live', async () => {
    const c = await waitingConversation([local('2026-11-30T10:00')]);
    const now = local('2026-11-30T11:01');
    expect((await check(now)).escalated).toContain(c.id);
    expect(await escalatedAt(c.id)).toEqual(now);
    const recorded = await escalationEvents(c.id);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({
      municipalityId: org.oost.municipalities.Roermond,
      subject: c.monitoringKey,
      data: { reason: 'waiting', officeMinutes: 61 },
    });
    const signal = await until(async () => signals.find((s) => s.conversationId === c.id));
    expect(signal).toEqual({ kind: 'conversation', conversationId: c.id, municipalityId: org.oost.municipalities.Roermond });

    // The next passes leave it alone: one alert per waiting period.
    expect((await check(local('2026-11-30T16:00'))).escalated).not.toContain(c.id);
    expect(await escalationEvents(c.id)).toHaveLength(1);
    expect(await escalatedAt(c.id)).toEqual(now);
  });

  it('does not escalate inside the limit, nor when a person answered (a bot answer is no answer)', async () => {
    const inside = await waitingConversation([local('2026-11-30T10:00')]);
    expect((await check(local('2026-11-30T10:59'))).escalated).not.toContain(inside.id);
    expect((await check(local('2026-11-30T11:00'))).escalated).not.toContain(inside.id); // exactly the limit is not longer
    expect(await escalatedAt(inside.id)).toBeNull();

    const answered = await waitingConversation([local('2026-11-30T10:00')]);
    await outgoing(answered, local('2026-11-30T10:05'), 'staff');
    const botOnly = await waitingConversation([local('2026-11-30T10:00')]);
    await outgoing(botOnly, local('2026-11-30T10:00'), 'bot');
    const result = await check(local('2026-12-01T15:00'));
    expect(result.escalated).not.toContain(answered.id);
    expect(result.escalated).toContain(botOnly.id);
    expect(await escalationEvents(answered.id)).toHaveLength(0);
  });

  it('counts office hours only: a Friday-afternoon message has not waited over the weekend', async () => {
    const c = await waitingConversation([local('2026-12-04T16:30')]);
    expect((await check(local('2026-12-05T12:00'))).escalated).not.toContain(c.id);
    expect((await check(local('2026-12-07T09:20'))).escalated).not.toContain(c.id); // 30 + 20 office minutes
    const monday = await check(local('2026-12-07T09:31'));
    expect(monday.escalated).toContain(c.id);
    expect((await escalationEvents(c.id))[0]!.data).toEqual({ reason: 'waiting', officeMinutes: 61 });
  });

  it('escalates an urgent conversation at once, whatever the hour', async () => {
    const c = await waitingConversation([local('2026-12-05T23:00')], { urgent: true });
    expect((await check(local('2026-12-05T23:01'))).escalated).toContain(c.id);
    expect((await escalationEvents(c.id))[0]!.data).toEqual({ reason: 'urgent', officeMinutes: 0 });
  });

  it('measures from the first unanswered message: writing again does not push the alert back', async () => {
    const c = await waitingConversation([local('2026-11-30T10:00'), local('2026-11-30T10:50')]);
    expect((await check(local('2026-11-30T11:01'))).escalated).toContain(c.id);
  });

  it('never escalates for a youngster who opted out', async () => {
    const c = await waitingConversation([local('2026-11-30T10:00')], { optedOut: true });
    expect((await check(local('2026-12-02T10:00'))).escalated).not.toContain(c.id);
    expect(await escalatedAt(c.id)).toBeNull();
  });

  it('escalates once when two workers check at the same moment', async () => {
    const c = await waitingConversation([local('2026-11-30T10:00')]);
    const now = local('2026-11-30T12:00');
    const [a, b] = await Promise.all([check(now), check(now)]);
    expect([...a.escalated, ...b.escalated].filter((id) => id === c.id)).toHaveLength(1);
    expect(await escalationEvents(c.id)).toHaveLength(1);
  });

  it('is cleared by a staff reply; the next unanswered message starts a new waiting period', async () => {
    const c = await waitingConversation([local('2026-11-30T10:00')]);
    expect((await check(local('2026-11-30T11:01'))).escalated).toContain(c.id);

    const replies = createReplies({ database: iso.ctx.database, queues: iso.ctx.queues, logger: iso.ctx.logger });
    const michelle = {
      ...org.michelle,
      teamName: 'Team Oost',
      municipalityIds: Object.values(org.oost.municipalities),
    };
    await replies.send(michelle, c.id, 'Hoi! Sorry voor het wachten.', null);
    expect(await escalatedAt(c.id)).toBeNull();
    expect((await check(local('2026-11-30T16:00'))).escalated).not.toContain(c.id);

    await youngsterWrites(c, local('2026-12-01T10:00'));
    expect((await check(local('2026-12-01T10:30'))).escalated).not.toContain(c.id);
    expect((await check(local('2026-12-01T11:01'))).escalated).toContain(c.id);
    expect(await escalationEvents(c.id)).toHaveLength(2);
  });
});

describe('escalation check when Redis is away', () => {
  it('keeps the stored escalation and reports the lost live signal after the pass', async () => {
    const c = await waitingConversation([local('2026-11-30T10:00')]);
    const broken = { ...iso.ctx.liveBus, publishInbox: () => Promise.reject(new Error('redis down')) };
    const run = createEscalationCheck({ database: iso.ctx.database, liveBus: broken, now: () => local('2026-11-30T12:00') });
    await expect(run()).rejects.toThrow(/live signal/);
    expect(await escalatedAt(c.id)).toEqual(local('2026-11-30T12:00'));
    expect(await escalationEvents(c.id)).toHaveLength(1);
  });
});

describe('what staff see', () => {
  it('marks an escalated conversation in the inbox and on its page, and only that one', async () => {
    const late = await waitingConversation([local('2026-11-30T10:00')]);
    const calm = await waitingConversation([local('2026-11-30T10:00')]);
    await outgoing(calm, local('2026-11-30T10:01'), 'staff');
    await check(local('2026-11-30T12:00'));

    const s = await login(app, 'yusuf@oost.test');
    const inbox = await app.inject({ method: 'GET', url: '/inbox?view=team', headers: { cookie: s.cookie, accept: 'text/html' } });
    expect(inbox.statusCode).toBe(200);
    const row = (id: string) => new RegExp(`<li class="([^"]*)" data-conversation="${id}">([\\s\\S]*?)</li>`).exec(inbox.body);
    expect(row(late.id)?.[1]).toContain('st-escalated');
    expect(row(late.id)?.[2]).toContain('wacht te lang');
    expect(row(calm.id)?.[1]).not.toContain('st-escalated');
    expect(row(calm.id)?.[2]).not.toContain('wacht te lang');

    const page = await app.inject({ method: 'GET', url: `/inbox/c/${late.id}`, headers: { cookie: s.cookie, accept: 'text/html' } });
    expect(page.body).toContain('wacht te lang op antwoord');
    const calmPage = await app.inject({ method: 'GET', url: `/inbox/c/${calm.id}`, headers: { cookie: s.cookie, accept: 'text/html' } });
    expect(calmPage.statusCode).toBe(200);
    expect(calmPage.body).not.toContain('wacht te lang op antwoord');
  });
});
