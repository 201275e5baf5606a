import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelContacts, erasureRequests, events, messages, youngsters } from '../../db/schema/index.js';
import { eraseRequest } from '../../worker/erasure.js';
import { createErasureSweep } from '../../worker/privacy-processor.js';
import { createYoungsterWithCard, twoTeams } from '../helpers/fixtures.js';
import { login, openChat, postChat, until } from '../helpers/http.js';
import { isolated, runningStack, type Isolated } from '../helpers/isolated.js';

/**
 * The erasure's safety nets: the sweeper finishes what a crash between goodbye
 * and erasure left (even with Redis's job gone), the 24-hour horizon holds
 * when the goodbye never leaves, and an opt-out a casemanager records (said at
 * the door) erases at once, without a message.
 */
let iso: Isolated;
let stack: Awaited<ReturnType<typeof runningStack>> | null = null;
let org: Awaited<ReturnType<typeof twoTeams>>;

beforeAll(async () => {
  // The erasure job waits an hour after the goodbye here: the worker is "killed" before it runs.
  iso = await isolated({ ERASURE_DELAY_MS: '3600000', ERASURE_GRACE_MS: '3600000' });
  org = await twoTeams(iso.ctx.database.db);
  stack = await runningStack(iso);
});
afterAll(async () => {
  await stack?.close();
  await iso?.destroy();
});
const db = () => iso.ctx.database.db;
const deps = () => ({ database: iso.ctx.database, erasure: iso.ctx.erasure, suppressionKeys: iso.env.suppressionKeys, logger: iso.ctx.logger });
const requestOf = async (youngsterId: string) => (await db().select().from(erasureRequests).where(eq(erasureRequests.youngsterId, youngsterId)))[0]!;

async function optOutInChat(token: string) {
  const chat = await openChat(stack!.app, token);
  await postChat(stack!.app, token, chat.cookie, { text: 'hoi' });
  await postChat(stack!.app, token, chat.cookie, { choice: 'optout' });
  await postChat(stack!.app, token, chat.cookie, { choice: 'optout_yes' });
}

describe('an opt-out recorded by a casemanager', () => {
  it('needs how it was said; then everything stops and the erasure runs without a goodbye', async () => {
    const { token, youngster } = await createYoungsterWithCard(db(), org.oost.municipalities.Roermond!, org.michelle.id, { firstName: 'Deurtje' });
    const chat = await openChat(stack!.app, token);
    const first = await postChat(stack!.app, token, chat.cookie, { text: 'misschien later' });
    const conversationId = (await db().select().from(messages).where(eq(messages.id, first.json().message.id)))[0]!.conversationId;
    const michelle = await login(stack!.app, 'michelle@oost.test');
    const post = (body: unknown) =>
      stack!.app.inject({
        method: 'POST',
        url: `/inbox/c/${conversationId}/opt-out`,
        headers: { cookie: michelle.cookie, 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': michelle.csrf },
        payload: JSON.stringify(body),
      });

    const refused = await post({ how: 'telepathy' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().message).toContain('Kies hoe de jongere');
    expect(await db().select().from(erasureRequests).where(eq(erasureRequests.youngsterId, youngster.id))).toHaveLength(0);

    const sentBefore = (await db().select().from(messages).where(eq(messages.conversationId, conversationId))).filter((m) => m.direction === 'out').length;
    const done = await post({ how: 'door' });
    expect(done.statusCode).toBe(202);
    const request = await requestOf(youngster.id);
    expect(request).toMatchObject({ reason: 'staff_opt_out', requestedBy: org.michelle.id, goodbyeMessageId: null });
    // Stopped at once: the contact, and nothing new was written to the youngster.
    const [contact] = await db().select().from(channelContacts).where(eq(channelContacts.youngsterId, youngster.id));
    expect(contact!.optedOutAt).not.toBeNull();
    const out = (await db().select().from(messages).where(eq(messages.conversationId, conversationId))).filter((m) => m.direction === 'out');
    expect(out).toHaveLength(sentBefore);
    const [recorded] = await db().select().from(events).where(eq(events.type, 'optout.confirmed'));
    expect(recorded).toMatchObject({ actorStaffId: org.michelle.id, data: { via: 'door' }, subject: youngster.monitoringKey });

    // The job was enqueued at once (no goodbye to wait for); the worker erases.
    await until(async () => (await requestOf(youngster.id)).erasedAt);
    expect(await db().select().from(youngsters).where(eq(youngsters.id, youngster.id))).toHaveLength(0);
  });
});

describe('the 24-hour horizon', () => {
  it('a goodbye that never leaves holds the erasure back only until the horizon', async () => {
    const { token, youngster } = await createYoungsterWithCard(db(), org.oost.municipalities.Roermond!, org.michelle.id);
    await optOutInChat(token);
    const request = await requestOf(youngster.id);
    // As if the platform were down: the goodbye is still waiting.
    await db().update(messages).set({ status: 'queued' }).where(eq(messages.id, request.goodbyeMessageId!));
    const at = (ms: number) => ({ ...deps(), now: () => new Date(request.requestedAt.getTime() + ms) });
    expect(await eraseRequest(at(3600_000), request.id)).toBe('waiting');
    expect(await db().select().from(youngsters).where(eq(youngsters.id, youngster.id))).toHaveLength(1);
    expect(await eraseRequest(at(24 * 3600_000 + 1000), request.id)).toBe('erased');
    expect(await db().select().from(youngsters).where(eq(youngsters.id, youngster.id))).toHaveLength(0);
    // Twice is harmless.
    expect(await eraseRequest(at(25 * 3600_000), request.id)).toBe('gone');
  });
});

describe('a worker killed between the goodbye and the erasure', () => {
  it('leaves the request open; the sweeper of the next worker finishes it, even with the job lost from Redis', async () => {
    const { token, youngster } = await createYoungsterWithCard(db(), org.oost.municipalities.Roermond!, org.michelle.id, { firstName: 'Onderbroken' });
    await optOutInChat(token);
    await until(async () => {
      const r = await requestOf(youngster.id);
      const [goodbye] = await db().select().from(messages).where(eq(messages.id, r.goodbyeMessageId!));
      return goodbye?.status === 'sent';
    });
    // The erasure job is waiting (delayed); the worker process dies, and Redis loses the job as well.
    expect(await iso.ctx.queues.privacy.getJobCountByTypes('delayed')).toBeGreaterThan(0);
    await stack!.close();
    stack = null;
    await iso.ctx.queues.privacy.obliterate({ force: true });
    expect((await requestOf(youngster.id)).erasedAt).toBeNull();
    expect(await db().select().from(youngsters).where(eq(youngsters.id, youngster.id))).toHaveLength(1);

    // A worker starts again: its erasure sweep (a maintenance timer, not a Redis schedule) finds the open request.
    const sweep = createErasureSweep({ ...deps(), graceMs: 0 });
    expect(await sweep()).toBe(1);
    expect((await requestOf(youngster.id)).erasedAt).not.toBeNull();
    expect(await db().select().from(youngsters).where(eq(youngsters.id, youngster.id))).toHaveLength(0);
    expect(await sweep()).toBe(0);
  });
});
