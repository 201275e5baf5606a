import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboxSignal } from '../../core/live-bus.js';
import { conversationNotes, conversations, events, messages } from '../../db/schema/index.js';
import { buildWebApp } from '../../bin/services.js';
import { createConversationFixture, createStaff, twoTeams } from '../helpers/fixtures.js';
import { login, staffPost } from '../helpers/http.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

let iso: Isolated;
let app: FastifyInstance;
let org: Awaited<ReturnType<typeof twoTeams>>;
type Session = Awaited<ReturnType<typeof login>>;
let michelle: Session;
let yusuf: Session;
let karin: Session;
let bram: Session;
const signals: InboxSignal[] = [];

const db = () => iso.ctx.database.db;

beforeAll(async () => {
  iso = await isolated();
  app = await buildWebApp(iso.ctx);
  org = await twoTeams(db());
  iso.ctx.liveBus.onInbox((s) => signals.push(s));
  michelle = await login(app, 'michelle@oost.test');
  yusuf = await login(app, 'yusuf@oost.test');
  karin = await login(app, 'karin@oost.test');
  bram = await login(app, 'bram@west.test');
});
afterAll(async () => {
  await app?.close();
  await iso?.destroy();
});

async function conv(assignedTo: string | null = org.michelle.id, municipality = org.oost.municipalities.Roermond!) {
  const { conversation } = await createConversationFixture(db(), { municipalityId: municipality, firstName: 'Sigfrid', assignedTo });
  return conversation.id;
}
const row = async (id: string) => (await db().select().from(conversations).where(eq(conversations.id, id)))[0]!;
const notesOf = (id: string) => db().select().from(conversationNotes).where(eq(conversationNotes.conversationId, id));
const messageCount = async () => (await db().select({ id: messages.id }).from(messages)).length;
async function queuedJobs() {
  let n = 0;
  for (const q of iso.ctx.queues.all()) {
    const c = await q.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
    n += Object.values(c).reduce((a, b) => a + b, 0);
  }
  return n;
}
async function waitForSignal(conversationId: string, kind: InboxSignal['kind'] = 'conversation', noteId?: string) {
  for (let i = 0; i < 100; i++) {
    if (signals.some((s) => s.conversationId === conversationId && s.kind === kind && (noteId === undefined || s.noteId === noteId))) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

describe('internal notes', () => {
  it('stores a note, never sends it, records an event without text and signals the inbox', async () => {
    const id = await conv();
    const [msgsBefore, jobsBefore] = [await messageCount(), await queuedJobs()];
    const res = await staffPost(app, michelle, `/inbox/c/${id}/notes`, { body: 'Heeft moeite met brieven lezen; liever bellen.' });
    expect(res.statusCode).toBe(201);
    const notes = await notesOf(id);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ kind: 'note', authorId: org.michelle.id, body: 'Heeft moeite met brieven lezen; liever bellen.' });
    // Not a message, not in any queue: nothing can reach the youngster.
    expect(await messageCount()).toBe(msgsBefore);
    expect(await queuedJobs()).toBe(jobsBefore);
    const [ev] = await db().select().from(events).where(and(eq(events.type, 'note.added'), eq(events.conversationId, id)));
    expect(ev!.data).toEqual({ kind: 'note' });
    expect(JSON.stringify(ev)).not.toContain('brieven');
    // A note-only signal, carrying the note's id (never its text).
    expect(await waitForSignal(id, 'note', notes[0]!.id)).toBe(true);
    expect(JSON.stringify(signals)).not.toContain('brieven');
    // Shown in the thread, labelled, in its own style.
    const page = await app.inject({ method: 'GET', url: `/inbox/c/${id}`, headers: { cookie: michelle.cookie, accept: 'text/html' } });
    expect(page.body).toMatch(/<li class="st-note st-note-note"[\s\S]*Interne notitie[\s\S]*liever bellen/);
  });

  it('works as a plain form post (303 back to the conversation)', async () => {
    const id = await conv();
    const res = await app.inject({
      method: 'POST',
      url: `/inbox/c/${id}/notes`,
      headers: { cookie: michelle.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      payload: new URLSearchParams({ body: 'via formulier', _csrf: michelle.csrf }).toString(),
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/inbox/c/${id}`);
    expect((await notesOf(id)).map((n) => n.body)).toEqual(['via formulier']);
  });

  it('refuses oversized, empty and forged notes and stores nothing', async () => {
    const id = await conv();
    expect((await staffPost(app, michelle, `/inbox/c/${id}/notes`, { body: 'x'.repeat(5000) })).statusCode).toBe(413);
    expect((await staffPost(app, michelle, `/inbox/c/${id}/notes`, { body: 'x'.repeat(200 * 1024) })).statusCode).toBe(413);
    expect((await staffPost(app, michelle, `/inbox/c/${id}/notes`, { body: '   ' })).statusCode).toBe(400);
    expect((await staffPost(app, michelle, `/inbox/c/${id}/notes`, { body: 42 })).statusCode).toBe(400);
    for (const token of [undefined, 'forged', yusuf.csrf]) {
      const res = await app.inject({
        method: 'POST',
        url: `/inbox/c/${id}/notes`,
        headers: { cookie: michelle.cookie, 'content-type': 'application/json', ...(token ? { 'x-csrf-token': token } : {}) },
        payload: JSON.stringify({ body: 'vals' }),
      });
      expect(res.statusCode, `csrf ${token}`).toBe(403);
    }
    expect(await notesOf(id)).toHaveLength(0);
  });
});

describe('assign and transfer', () => {
  it('a transfer needs a handover note, then moves the conversation to the colleague', async () => {
    const id = await conv(org.michelle.id);
    const without = await staffPost(app, michelle, `/inbox/c/${id}/assign`, { staffId: org.yusuf.id });
    expect(without.statusCode).toBe(400);
    expect(without.json().error).toBe('handover_note_required');
    expect((await row(id)).assignedTo).toBe(org.michelle.id);

    const res = await staffPost(app, michelle, `/inbox/c/${id}/assign`, { staffId: org.yusuf.id, note: 'Sigfrid wil naar de bouw; ken jij iemand bij het leerwerkloket?' });
    expect(res.statusCode).toBe(200);
    expect(res.json().conversation.assignedTo).toBe(org.yusuf.id);
    expect((await row(id)).assignedTo).toBe(org.yusuf.id);
    const notes = await notesOf(id);
    expect(notes).toMatchObject([{ kind: 'handover', toStaffId: org.yusuf.id, authorId: org.michelle.id }]);
    const [ev] = await db().select().from(events).where(and(eq(events.type, 'conversation.assigned'), eq(events.conversationId, id)));
    expect(ev!.data).toEqual({ from: org.michelle.id, to: org.yusuf.id, reason: 'transfer', handoverNote: true });
    expect(JSON.stringify(ev)).not.toContain('bouw');
    expect(await waitForSignal(id)).toBe(true);

    // The new owner sees it in "mine", the old one no longer does.
    const mineYusuf = await app.inject({ method: 'GET', url: '/inbox?view=mine', headers: { cookie: yusuf.cookie, accept: 'text/html' } });
    expect(mineYusuf.body).toContain(`data-conversation="${id}"`);
    const mineMichelle = await app.inject({ method: 'GET', url: '/inbox?view=mine', headers: { cookie: michelle.cookie, accept: 'text/html' } });
    expect(mineMichelle.body).not.toContain(`data-conversation="${id}"`);
  });

  it("a casemanager cannot transfer someone else's conversation, nor give away an unassigned one", async () => {
    const id = await conv(org.yusuf.id);
    const res = await staffPost(app, michelle, `/inbox/c/${id}/assign`, { staffId: org.michelle.id, note: 'ik neem het over' });
    expect(res.statusCode).toBe(403);
    expect((await row(id)).assignedTo).toBe(org.yusuf.id);
    const free = await conv(null);
    expect((await staffPost(app, michelle, `/inbox/c/${free}/assign`, { staffId: org.yusuf.id })).statusCode).toBe(403);
    expect((await row(free)).assignedTo).toBeNull();
    expect(await notesOf(id)).toHaveLength(0);
  });

  it('a casemanager may take an unassigned conversation without a note', async () => {
    const id = await conv(null);
    const res = await app.inject({
      method: 'POST',
      url: `/inbox/c/${id}/assign`,
      headers: { cookie: michelle.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      payload: new URLSearchParams({ staffId: org.michelle.id, _csrf: michelle.csrf }).toString(),
    });
    expect(res.statusCode).toBe(303);
    expect((await row(id)).assignedTo).toBe(org.michelle.id);
  });

  it("a coordinator may assign anyone in the team, but not outside it or to an inactive account", async () => {
    const id = await conv(org.yusuf.id);
    const gone = await createStaff(db(), org.oost.teamId, { email: 'weg@oost.test', firstName: 'Weg', active: false });
    for (const target of [org.bram.id, gone.id, '00000000-0000-0000-0000-000000000000']) {
      const res = await staffPost(app, karin, `/inbox/c/${id}/assign`, { staffId: target, note: 'overdracht' });
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toContain('actieve collega van je eigen team');
    }
    expect((await row(id)).assignedTo).toBe(org.yusuf.id);
    const ok = await staffPost(app, karin, `/inbox/c/${id}/assign`, { staffId: org.michelle.id, note: 'Michelle kent de familie al.' });
    expect(ok.statusCode).toBe(200);
    expect((await row(id)).assignedTo).toBe(org.michelle.id);
  });
});

describe('status and urgent flag', () => {
  it('changes status and urgency, records events, and the views follow', async () => {
    const id = await conv();
    expect((await staffPost(app, michelle, `/inbox/c/${id}/status`, { status: 'waiting' })).statusCode).toBe(200);
    expect((await row(id)).status).toBe('waiting');
    expect((await staffPost(app, michelle, `/inbox/c/${id}/status`, { status: 'archived' })).statusCode).toBe(400);
    expect((await row(id)).status).toBe('waiting');
    const [ev] = await db().select().from(events).where(and(eq(events.type, 'conversation.status_changed'), eq(events.conversationId, id)));
    expect(ev!.data).toEqual({ from: 'open', to: 'waiting' });

    // Toggle via the form (no value: flips), then set explicitly via JSON.
    const form = await app.inject({
      method: 'POST',
      url: `/inbox/c/${id}/urgent`,
      headers: { cookie: michelle.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      payload: new URLSearchParams({ _csrf: michelle.csrf }).toString(),
    });
    expect(form.statusCode).toBe(303);
    expect((await row(id)).urgent).toBe(true);
    const urgent = await app.inject({ method: 'GET', url: '/inbox?view=urgent', headers: { cookie: yusuf.cookie, accept: 'text/html' } });
    expect(urgent.body).toContain(`data-conversation="${id}"`);
    expect((await staffPost(app, michelle, `/inbox/c/${id}/urgent`, { urgent: false })).json().urgent).toBe(false);
    expect((await row(id)).urgent).toBe(false);
    const urgency = await db().select().from(events).where(and(eq(events.type, 'conversation.urgency_changed'), eq(events.conversationId, id)));
    expect(urgency.map((e) => e.data)).toEqual([{ urgent: true }, { urgent: false }]);

    expect((await staffPost(app, michelle, `/inbox/c/${id}/status`, { status: 'closed' })).statusCode).toBe(200);
    const closed = await app.inject({ method: 'GET', url: '/inbox?view=closed', headers: { cookie: michelle.cookie, accept: 'text/html' } });
    expect(closed.body).toContain(`data-conversation="${id}"`);
    const mine = await app.inject({ method: 'GET', url: '/inbox?view=mine', headers: { cookie: michelle.cookie, accept: 'text/html' } });
    expect(mine.body).not.toContain(`data-conversation="${id}"`);
  });
});

describe('scope and roles', () => {
  it("another team's conversation does not exist: 404 for every action, whatever the body, and nothing changes", async () => {
    const id = await conv(org.michelle.id);
    const before = { row: await row(id), events: (await db().select().from(events)).length };
    const attempts: [string, unknown][] = [
      ['notes', { body: 'ingebroken' }],
      ['notes', { text: 'ingebroken' }],
      ['assign', { staffId: org.bram.id, note: 'mijn' }],
      ['status', { status: 'closed' }],
      ['urgent', { urgent: true }],
      ['urgent', { nonsense: 1 }],
    ];
    for (const [action, body] of attempts) {
      const res = await staffPost(app, bram, `/inbox/c/${id}/${action}`, body);
      expect(res.statusCode, `${action} ${JSON.stringify(body)}`).toBe(404);
    }
    expect(await row(id)).toEqual(before.row);
    expect(await notesOf(id)).toHaveLength(0);
    expect((await db().select().from(events)).length).toBe(before.events);
  });

  it('admins and privacy officers may not act on conversations', async () => {
    const id = await conv();
    await createStaff(db(), org.oost.teamId, { email: 'admin2@oost.test', firstName: 'Ad', role: 'admin' });
    const admin = await login(app, 'admin2@oost.test');
    const res = await staffPost(app, admin, `/inbox/c/${id}/notes`, { body: 'hoi' });
    expect(res.statusCode).toBe(403);
    expect(await notesOf(id)).toHaveLength(0);
  });
});

describe('replies under concurrency', () => {
  it('two concurrent replies with different client ids are both stored once; the same client id once', async () => {
    const id = await conv();
    const [a, b] = await Promise.all([
      staffPost(app, michelle, `/inbox/c/${id}/replies`, { text: 'eerste', clientId: 'client-aaaa-0001' }),
      staffPost(app, yusuf, `/inbox/c/${id}/replies`, { text: 'tweede', clientId: 'client-bbbb-0002' }),
    ]);
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    const same = await Promise.all(
      Array.from({ length: 4 }, () => staffPost(app, michelle, `/inbox/c/${id}/replies`, { text: 'dubbel', clientId: 'client-cccc-0003' })),
    );
    expect(same.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 201]);
    const out = await db().select().from(messages).where(and(eq(messages.conversationId, id), eq(messages.direction, 'out')));
    expect(out.map((m) => m.body).sort()).toEqual(['dubbel', 'eerste', 'tweede']);
  });
});
