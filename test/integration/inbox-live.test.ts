import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countInboxViews, type InboxCounts } from '../../db/queries/inbox.js';
import { conversations } from '../../db/schema/index.js';
import { createConversationFixture, twoTeams } from '../helpers/fixtures.js';
import { login, staffPost } from '../helpers/http.js';
import { isolated, runningStack, type Isolated } from '../helpers/isolated.js';
import { openSse, type SseEvent } from '../helpers/sse.js';

/**
 * The inbox stream (/inbox/events) beyond the conversation list: notes added
 * by a colleague, and the navigation counts (mine, unassigned, team, urgent,
 * waiting, closed), both re-read with the viewer's scope - never forwarded.
 */
let iso: Isolated;
let stack: Awaited<ReturnType<typeof runningStack>>;
let org: Awaited<ReturnType<typeof twoTeams>>;
type Session = Awaited<ReturnType<typeof login>>;
let michelle: Session;
let yusuf: Session;
let karin: Session;
let bram: Session;

const db = () => iso.ctx.database.db;

beforeAll(async () => {
  iso = await isolated();
  stack = await runningStack(iso, { workers: false });
  org = await twoTeams(db());
  michelle = await login(stack.app, 'michelle@oost.test');
  yusuf = await login(stack.app, 'yusuf@oost.test');
  karin = await login(stack.app, 'karin@oost.test');
  bram = await login(stack.app, 'bram@west.test');
});
afterAll(async () => {
  await stack?.close();
  await iso?.destroy();
});

async function live(session: Session) {
  const stream = openSse(`${stack.baseUrl}/inbox/events`, { cookie: session.cookie });
  expect(await stream.ready).toBe(200);
  return stream;
}
const conv = (assignedTo: string | null, municipalityId = org.oost.municipalities.Roermond!) =>
  createConversationFixture(db(), { municipalityId, firstName: 'Sigfrid', assignedTo }).then((c) => c.conversation.id);
const countsIn = (e: SseEvent) => (e.data as { counts: InboxCounts }).counts;
const isCounts = (want: InboxCounts) => (e: SseEvent) => e.event === 'counts' && JSON.stringify(countsIn(e)) === JSON.stringify(want);

describe('inbox stream: notes', () => {
  it("pushes a colleague's note into the open conversation, in scope only", async () => {
    const id = await conv(org.michelle.id);
    const [m, b] = [await live(michelle), await live(bram)];
    const res = await staffPost(stack.app, yusuf, `/inbox/c/${id}/notes`, { body: 'Moeder belde: liever na 16 uur.' });
    expect(res.statusCode).toBe(201);
    const pushed = await m.waitFor((e) => e.event === 'inbox' && (e.data as { note?: unknown }).note != null);
    expect((pushed.data as { note: unknown }).note).toMatchObject({
      id: res.json().noteId,
      conversationId: id,
      kind: 'note',
      body: 'Moeder belde: liever na 16 uur.',
      authorName: 'Yusuf Test',
    });
    expect((pushed.data as { conversation: { id: string } }).conversation.id).toBe(id);
    // A handover note comes with the transfer, naming who takes over.
    await staffPost(stack.app, michelle, `/inbox/c/${id}/assign`, { staffId: org.yusuf.id, note: 'Yusuf kent haar broer.' });
    const handover = await m.waitFor((e) => e.event === 'inbox' && (e.data as { note?: { kind: string } }).note?.kind === 'handover');
    expect((handover.data as { note: unknown }).note).toMatchObject({ body: 'Yusuf kent haar broer.', toStaffName: 'Yusuf Test', authorName: 'Michelle Test' });
    // The other team hears nothing of it: no note, no conversation, no counts.
    await new Promise((r) => setTimeout(r, 500));
    expect(b.received.map((e) => e.event)).toEqual(['ready']);
    m.close();
    b.close();
  });
});

describe('inbox stream: navigation counts', () => {
  it('starts with the viewer’s counts and follows assignments, status and urgency', async () => {
    const unassigned = await conv(null);
    const m = await live(michelle);
    expect(countsIn(m.received[0]!)).toEqual(await countInboxViews(db(), Object.values(org.oost.municipalities), org.michelle.id));

    // A coordinator gives Michelle a conversation: her "mine" goes up, "unassigned" down.
    const before = await countInboxViews(db(), Object.values(org.oost.municipalities), org.michelle.id);
    await staffPost(stack.app, karin, `/inbox/c/${unassigned}/assign`, { staffId: org.michelle.id });
    await m.waitFor(isCounts({ ...before, mine: before.mine + 1, unassigned: before.unassigned - 1 }));

    // Urgent and waiting, set by a colleague.
    await staffPost(stack.app, yusuf, `/inbox/c/${unassigned}/urgent`, { urgent: true });
    await m.waitFor(isCounts({ ...before, mine: before.mine + 1, unassigned: before.unassigned - 1, urgent: before.urgent + 1 }));
    await staffPost(stack.app, karin, `/inbox/c/${unassigned}/status`, { status: 'waiting' });
    await m.waitFor(isCounts({ ...before, mine: before.mine + 1, unassigned: before.unassigned - 1, urgent: before.urgent + 1, waiting: before.waiting + 1 }));
    m.close();
  });

  it('counts a burst of signals once per moment, ending on the true state; a note alone counts nothing', async () => {
    const ids = await Promise.all(Array.from({ length: 20 }, () => conv(null)));
    const m = await live(karin);
    // Twenty conversations become urgent at once (as a worker would signal them): a handful of recounts, not twenty.
    for (const id of ids) {
      await db().update(conversations).set({ urgent: true }).where(eq(conversations.id, id));
      void iso.ctx.liveBus.publishInbox({ kind: 'conversation', conversationId: id, municipalityId: org.oost.municipalities.Roermond! });
    }
    const final = await countInboxViews(db(), Object.values(org.oost.municipalities), org.karin.id);
    await m.waitFor(isCounts(final));
    await new Promise((r) => setTimeout(r, 800));
    const recounts = m.received.filter((e) => e.event === 'counts');
    expect(recounts.length).toBeGreaterThanOrEqual(1);
    expect(recounts.length).toBeLessThanOrEqual(4);
    expect(countsIn(recounts.at(-1)!)).toEqual(final);

    const seen = m.received.length;
    await staffPost(stack.app, yusuf, `/inbox/c/${ids[0]}/notes`, { body: 'Alleen een notitie.' });
    await m.waitFor((e) => e.event === 'inbox' && (e.data as { note?: unknown }).note != null);
    await new Promise((r) => setTimeout(r, 800));
    expect(m.received.slice(seen).map((e) => e.event)).toEqual(['inbox']);
    m.close();
  });

  it('never counts for another team', async () => {
    const b = await live(bram);
    const id = await conv(null);
    await staffPost(stack.app, karin, `/inbox/c/${id}/urgent`, { urgent: true });
    await new Promise((r) => setTimeout(r, 800));
    expect(b.received.map((e) => e.event)).toEqual(['ready']);
    expect(countsIn(b.received[0]!)).toEqual(await countInboxViews(db(), Object.values(org.west.municipalities), org.bram.id));
    b.close();
  });
});

describe('inbox stream: a conversation page catching up', () => {
  it("starts with the open conversation's newest messages as they are now - and only inside the viewer's scope", async () => {
    const id = await conv(org.michelle.id);
    const westId = await conv(org.bram.id, org.west.municipalities.Weert!);
    const messagesIn = (e: SseEvent) => (e.data as { messages: { conversationId: string; body: string; status: string }[] }).messages;

    const m = openSse(`${stack.baseUrl}/inbox/events?conversation=${id}`, { cookie: michelle.cookie });
    expect(await m.ready).toBe(200);
    const ready = await m.waitFor((e) => e.event === 'ready');
    expect(messagesIn(ready)).toEqual([expect.objectContaining({ conversationId: id, body: 'hoi van Sigfrid', status: 'routed' })]);

    // Another team's conversation named in the address: the stream starts as usual, without its messages.
    const nosy = openSse(`${stack.baseUrl}/inbox/events?conversation=${westId}`, { cookie: michelle.cookie });
    expect(messagesIn(await nosy.waitFor((e) => e.event === 'ready'))).toEqual([]);
    // Without a conversation, or with something that is no id: no messages either.
    const plain = openSse(`${stack.baseUrl}/inbox/events?conversation=x'--`, { cookie: michelle.cookie });
    expect(messagesIn(await plain.waitFor((e) => e.event === 'ready'))).toEqual([]);
    for (const s of [m, nosy, plain]) s.close();
  });
});
