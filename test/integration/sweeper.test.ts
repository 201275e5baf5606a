import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logger.js';
import { outboundJobId } from '../../core/queues.js';
import { messages } from '../../db/schema/index.js';
import { createOutboxSweeper } from '../../worker/sweeper.js';
import { createSendSpacer } from '../../worker/send-spacer.js';
import { twoTeams } from '../helpers/fixtures.js';
import { isolated, type Isolated } from '../helpers/isolated.js';
import { seedTelegramOutbox } from '../helpers/outbox-seed.js';

/**
 * What the sweeper does with rows a dead worker left in 'sending': a claim
 * that never reached the platform goes again; one that was handed over (on the
 * wire) is flagged for a person, never resent.
 */
let iso: Isolated;
beforeAll(async () => {
  iso = await isolated();
});
afterAll(async () => iso?.destroy());

describe('the outbox sweeper after a worker died', () => {
  it('requeues a claim that was never handed over, flags one that was, and leaves fresh claims alone', async () => {
    const db = iso.ctx.database.db;
    const org = await twoTeams(db);
    const { messages: out } = await seedTelegramOutbox(db, { municipalityId: org.oost.municipalities.Roermond!, chats: 3, perChat: 1 });
    const [neverLeft, onTheWire, fresh] = out.map((m) => m.id) as [string, string, string];
    const old = sql`now() - interval '10 minutes'`;
    await db.update(messages).set({ status: 'sending', attempts: 1, claimedAt: old, sendingSince: null }).where(eq(messages.id, neverLeft));
    await db.update(messages).set({ status: 'sending', attempts: 1, claimedAt: old, sendingSince: old }).where(eq(messages.id, onTheWire));
    await db.update(messages).set({ status: 'sending', attempts: 1, claimedAt: sql`now()`, sendingSince: null }).where(eq(messages.id, fresh));

    const sweep = createOutboxSweeper({ ...iso.ctx, logger: createLogger({ level: 'silent' }), graceMs: 1000, staleSendingMs: 60_000 });
    const result = await sweep();
    expect(result.reclaimed).toBe(1);
    expect(result.inDoubt).toBe(1);

    const rows = new Map((await db.select().from(messages).where(inArray(messages.id, out.map((m) => m.id)))).map((r) => [r.id, r]));
    expect(rows.get(neverLeft)!.status).toBe('queued');
    expect(rows.get(onTheWire)!).toMatchObject({ status: 'in_doubt', lastError: 'interrupted' });
    expect(rows.get(fresh)!.status).toBe('sending');
    // The requeued row has a job of its next round; nothing was queued for the one in doubt.
    expect(await iso.ctx.queues.outbound.telegram.getJob(outboundJobId(neverLeft, 1))).toBeTruthy();
    const jobs = await iso.ctx.queues.outbound.telegram.getJobs(['waiting', 'delayed', 'prioritized']);
    expect(jobs.map((j) => j.data.messageId)).not.toContain(onTheWire);

    // A second pass changes nothing more.
    expect(await sweep()).toMatchObject({ reclaimed: 0, inDoubt: 0 });
  });
});

describe('the send spacer', () => {
  it('hands out slots at least 1/rate apart, across callers, and a pause pushes them all back', async () => {
    const key = `${iso.env.queuePrefix}:spacing:test`;
    const a = createSendSpacer(iso.ctx.redis, key, 50); // 20 ms apart
    const b = createSendSpacer(iso.ctx.redis, key, 50);
    const at: number[] = [];
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).wait().then(() => at.push(performance.now()))));
    at.sort((x, y) => x - y);
    // Ten slots 20 ms apart span 180 ms by Redis's clock; seen from here, minus the few ms a
    // round trip to Redis can differ. Unspaced, the ten would be done within a few ms.
    expect(at.at(-1)! - at[0]!).toBeGreaterThanOrEqual(165);
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    expect(Math.min(...gaps)).toBeGreaterThan(10);

    await a.pause(300);
    const t0 = performance.now();
    await b.wait();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
  });
});
