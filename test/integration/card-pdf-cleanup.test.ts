import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logger.js';
import { cardBatches } from '../../db/schema/index.js';
import { cardBatchJobId } from '../../core/queues.js';
import { createCardBatchSweep, createCardPdfCleanup } from '../../worker/card-batch-processor.js';
import { twoTeams } from '../helpers/fixtures.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

let iso: Isolated;
let dir: string;

beforeAll(async () => {
  iso = await isolated();
  dir = await mkdtemp(join(tmpdir(), 'lijntje-cleanup-'));
});
afterAll(async () => {
  await iso?.destroy();
  await rm(dir, { recursive: true, force: true });
});

describe('card PDF cleanup (personal data on disk)', () => {
  it('deletes the files of batches past their time and keeps the others', async () => {
    const db = iso.ctx.database.db;
    const org = await twoTeams(db);
    const municipalityId = org.oost.municipalities.Roermond!;
    const make = async (name: string, expiresAt: Date) => {
      await writeFile(join(dir, name), '%PDF-1.7 names and addresses');
      const [b] = await db.insert(cardBatches).values({ municipalityId, status: 'ready', fileName: name, expiresAt, total: 1, done: 1 }).returning();
      return b!;
    };
    const old = await make('old.pdf', new Date(Date.now() - 60_000));
    const fresh = await make('fresh.pdf', new Date(Date.now() + 86_400_000));
    const [gone] = await db.insert(cardBatches).values({ municipalityId, status: 'ready', fileName: 'already-gone.pdf', expiresAt: new Date(Date.now() - 1000) }).returning();
    const cleanup = createCardPdfCleanup({ database: iso.ctx.database, pdfDir: dir, logger: createLogger({ level: 'silent' }) });
    expect(await cleanup()).toBe(2);
    expect(existsSync(join(dir, 'old.pdf'))).toBe(false);
    expect(existsSync(join(dir, 'fresh.pdf'))).toBe(true);
    const status = async (id: string) => (await db.select().from(cardBatches).where(eq(cardBatches.id, id)))[0]!;
    expect(await status(old.id)).toMatchObject({ status: 'expired', fileName: null });
    expect(await status(gone!.id)).toMatchObject({ status: 'expired', fileName: null });
    expect(await status(fresh.id)).toMatchObject({ status: 'ready', fileName: 'fresh.pdf' });
    expect(await cleanup()).toBe(0);
  });

  it('enqueues a batch again that waits too long (its job lost with Redis), and only that one', async () => {
    const db = iso.ctx.database.db;
    const [first] = await db.select({ municipalityId: cardBatches.municipalityId }).from(cardBatches).limit(1);
    const municipalityId = first!.municipalityId;
    const [old] = await db.insert(cardBatches).values({ municipalityId, status: 'queued', createdAt: new Date(Date.now() - 10 * 60_000) }).returning();
    const [young] = await db.insert(cardBatches).values({ municipalityId, status: 'queued' }).returning();
    const sweep = createCardBatchSweep({ database: iso.ctx.database, queues: iso.ctx.queues, logger: createLogger({ level: 'silent' }) });
    expect(await sweep()).toBe(1);
    expect(await iso.ctx.queues.cards.getJob(cardBatchJobId(old!.id))).toBeDefined();
    expect(await iso.ctx.queues.cards.getJob(cardBatchJobId(young!.id))).toBeUndefined();
    // Again: the same job id, still one job.
    await sweep();
    expect(await iso.ctx.queues.cards.getJobCounts('waiting')).toEqual({ waiting: 1 });
  });
});
