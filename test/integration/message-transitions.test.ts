import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IllegalTransitionError } from '../../core/errors.js';
import { MESSAGE_STATUSES, MOVES, type MessageStatus } from '../../core/message-lifecycle.js';
import type { Db } from '../../db/client.js';
import {
  cancelWaitingFor,
  claimForSending,
  markFailed,
  markRefused,
  markRouted,
  markSent,
  markStaleInDoubt,
  requeueClaim,
  requeueForRetry,
  requeueStaleClaims,
  type Claim,
} from '../../db/queries/messages.js';
import { events, messages } from '../../db/schema/index.js';
import { createTeam } from '../helpers/fixtures.js';
import { isolated, type Isolated } from '../helpers/isolated.js';
import { seedTelegramOutbox } from '../helpers/outbox-seed.js';

/**
 * Every function of db/queries/messages.ts that changes a status, tried on a
 * row in every status: from the statuses its move leaves from it succeeds
 * (with its event where it has one); from any other, a function whose caller
 * relies on the row's state throws an IllegalTransitionError naming the row
 * and both statuses, and one where "nothing to do" is normal says so - and in
 * both cases nothing changes, no event either.
 */
let iso: Isolated;
let db: Db;
let thread: { conversationId: string; contactId: string; municipalityId: string };

beforeAll(async () => {
  iso = await isolated();
  db = iso.ctx.database.db;
  const team = await createTeam(db, 'Transities', ['Roermond']);
  const municipalityId = team.municipalities.Roermond!;
  const seeded = await seedTelegramOutbox(db, { municipalityId, chats: 1, perChat: 1 });
  // Only the contact's first message stays: each case brings its own row.
  await db.delete(messages).where(eq(messages.id, seeded.messages[0]!.id));
  const [inbound] = await db.select().from(messages).where(eq(messages.direction, 'in'));
  thread = { conversationId: inbound!.conversationId, contactId: inbound!.contactId!, municipalityId };
});
afterAll(async () => iso?.destroy());

/** A row in `status`, as a worker's first claim would leave it (attempt 1); not stale for the sweeper. */
async function rowIn(status: MessageStatus, o: { direction?: 'in' | 'out'; stale?: 'claim' | 'hand-over' } = {}) {
  const old = sql`now() - interval '1 hour'`;
  const [row] = await db
    .insert(messages)
    .values({
      conversationId: thread.conversationId,
      contactId: thread.contactId,
      channel: 'telegram',
      direction: o.direction ?? 'out',
      body: `in ${status}`,
      status,
      attempts: 1,
      claimedAt: o.stale ? old : null,
      sendingSince: o.stale === 'hand-over' ? old : null,
    })
    .returning();
  return row!;
}
const claimOf = (row: typeof messages.$inferSelect): Claim => ({ ...row, contactId: row.contactId, menu: row.menu ?? null });
const read = async (id: string) => (await db.select().from(messages).where(eq(messages.id, id)))[0];
const eventCount = async () => (await db.select({ n: sql<number>`count(*)::int` }).from(events))[0]!.n;
const at = () => ({ municipalityId: thread.municipalityId, subject: null });

type Outcome = 'moved' | 'nothing';
interface Case {
  name: string;
  direction?: 'in' | 'out';
  /** Throws when the row is not in a from-status (the caller relied on it); otherwise returns 'nothing'. */
  strict: boolean;
  /** The event the move records, if any. */
  event: string | null;
  run(row: typeof messages.$inferSelect): Promise<Outcome>;
}

/** Every move, with every function that makes it (a new move without a case here does not compile). */
const CASES: Record<keyof typeof MOVES, Case[]> = {
  route: [
    {
      name: 'markRouted',
      direction: 'in',
      strict: false,
      event: 'conversation.routed',
      run: async (row) => {
        const r = await markRouted(db, {
          messageId: row.id,
          conversationId: thread.conversationId,
          municipalityId: thread.municipalityId,
          assignee: { from: null, to: null },
          reason: 'unassigned',
        });
        return r === 'routed' ? 'moved' : 'nothing';
      },
    },
  ],
  claim: [{ name: 'claimForSending', strict: false, event: null, run: async (row) => ((await claimForSending(db, row.id)).claimed ? 'moved' : 'nothing') }],
  send: [{ name: 'markSent', strict: true, event: 'message.sent', run: async (row) => (await markSent(db, claimOf(row), 'm1', at()), 'moved') }],
  fail: [{ name: 'markFailed', strict: true, event: 'message.failed', run: async (row) => (await markFailed(db, claimOf(row), 'Error', at()), 'moved') }],
  refuse: [
    { name: 'markRefused', strict: true, event: 'message.cancelled', run: async (row) => (await markRefused(db, claimOf(row), 'opted_out', at()), 'moved') },
  ],
  requeue: [
    { name: 'requeueClaim', strict: true, event: null, run: async (row) => (await requeueClaim(db, claimOf(row), 'rate_limited'), 'moved') },
    {
      name: 'requeueStaleClaims',
      strict: false,
      event: null,
      run: async (row) => {
        await db.update(messages).set({ claimedAt: sql`now() - interval '1 hour'` }).where(eq(messages.id, row.id));
        return (await requeueStaleClaims(db, { staleMs: 60_000 })).length ? 'moved' : 'nothing';
      },
    },
  ],
  doubt: [
    {
      name: 'markStaleInDoubt',
      strict: false,
      event: 'message.in_doubt',
      run: async (row) => {
        await db.update(messages).set({ sendingSince: sql`now() - interval '1 hour'` }).where(eq(messages.id, row.id));
        return (await markStaleInDoubt(db, { staleMs: 60_000 })).length ? 'moved' : 'nothing';
      },
    },
  ],
  retry: [
    {
      name: 'requeueForRetry',
      strict: true,
      event: 'message.retried',
      run: async (row) => {
        const r = { messageId: row.id, conversationId: thread.conversationId, municipalityId: thread.municipalityId, channel: 'telegram' as const };
        await requeueForRetry(db, { ...r, staffId: '00000000-0000-4000-8000-000000000001' });
        return 'moved';
      },
    },
  ],
  cancelWaiting: [
    { name: 'cancelWaitingFor', strict: false, event: null, run: async () => ((await cancelWaitingFor(db, [thread.contactId])) ? 'moved' : 'nothing') },
  ],
};

const runs = Object.entries(CASES).flatMap(([move, cases]) =>
  cases.flatMap((c) => MESSAGE_STATUSES.map((from) => ({ move: move as keyof typeof MOVES, c, from, label: `${c.name}: ${from}` }))),
);

describe('every status change, from every status', () => {
  it.each(runs)('$label', async ({ move, c, from }) => {
    const m = MOVES[move];
    const row = await rowIn(from, { direction: c.direction });
    const eventsBefore = await eventCount();
    const allowed = (m.from as readonly MessageStatus[]).includes(from);
    try {
      if (allowed) {
        expect(await c.run(row)).toBe('moved');
        expect((await read(row.id))!.status).toBe(m.to);
        expect(await eventCount()).toBe(eventsBefore + (c.event ? 1 : 0));
        if (c.event) {
          const [last] = await db.select().from(events).orderBy(sql`${events.id} desc`).limit(1);
          expect(last).toMatchObject({ type: c.event, conversationId: thread.conversationId, municipalityId: thread.municipalityId });
        }
        return;
      }
      const before = await read(row.id);
      if (c.strict) {
        const err = await c.run(row).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(IllegalTransitionError);
        expect(err).toMatchObject({ messageId: row.id, from, to: m.to });
      } else {
        expect(await c.run(row)).toBe('nothing');
      }
      // Nothing changed: not the row (the arrangement above aside), not the event log.
      const after = await read(row.id);
      expect({ ...after, claimedAt: null, sendingSince: null }).toEqual({ ...before, claimedAt: null, sendingSince: null });
      expect(after!.status).toBe(from);
      expect(await eventCount()).toBe(eventsBefore);
    } finally {
      await db.delete(messages).where(eq(messages.id, row.id));
    }
  });
});

describe('a claim that is not ours any more', () => {
  it('cannot be marked sent, failed, refused or requeued: the error names the attempt it relied on', async () => {
    const row = await rowIn('sending');
    // The sweeper gave our stalled claim back, and another worker claimed it again (attempt 2).
    await db.update(messages).set({ attempts: 2 }).where(eq(messages.id, row.id));
    const ours = claimOf(row);
    for (const attempt of [
      () => markSent(db, ours, null, at()),
      () => markFailed(db, ours, 'Error', at()),
      () => markRefused(db, ours, 'opted_out', at()),
      () => requeueClaim(db, ours, 'rate_limited'),
    ]) {
      await expect(attempt()).rejects.toMatchObject({ name: 'IllegalTransitionError', messageId: row.id, from: 'sending', expected: 'attempt 1' });
    }
    expect(await read(row.id)).toMatchObject({ status: 'sending', attempts: 2 });
  });

  it('of a row that was erased meanwhile says so', async () => {
    const row = await rowIn('sending');
    await db.delete(messages).where(eq(messages.id, row.id));
    await expect(markSent(db, claimOf(row), null, at())).rejects.toMatchObject({ messageId: row.id, from: 'absent', to: 'sent' });
  });
});

describe('cancelling for an opt-out', () => {
  it('cancels what waits for the contacts, keeps the goodbye, and leaves other contacts alone', async () => {
    const waiting = await rowIn('queued');
    const goodbye = await rowIn('queued');
    const going = await rowIn('sending');
    const other = await seedTelegramOutbox(db, { municipalityId: thread.municipalityId, chats: 1, perChat: 1, firstChat: 8_000_000 });
    expect(await cancelWaitingFor(db, [thread.contactId], { keep: [goodbye.id] })).toBe(1);
    const rows = await db.select().from(messages).where(inArray(messages.id, [waiting.id, goodbye.id, going.id, other.messages[0]!.id]));
    const status = new Map(rows.map((r) => [r.id, r]));
    expect(status.get(waiting.id)).toMatchObject({ status: 'cancelled', lastError: 'opted_out' });
    expect(status.get(goodbye.id)!.status).toBe('queued');
    expect(status.get(going.id)!.status).toBe('sending');
    expect(status.get(other.messages[0]!.id)!.status).toBe('queued');
    await db.delete(messages).where(and(eq(messages.contactId, thread.contactId), eq(messages.direction, 'out')));
  });
});
