import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runErasureLog } from '../../bin/erasure-log-command.js';
import { channelContacts, erasureRequests, suppressionEntries, youngsters } from '../../db/schema/index.js';
import { requestErasure } from '../../db/queries/erasure-requests.js';
import { eraseRequest } from '../../worker/erasure.js';
import { createYoungsterWithCard, twoTeams } from '../helpers/fixtures.js';
import { isolated, type Isolated } from '../helpers/isolated.js';
import { TEST_PG_BASE, dbUrl, testEnv } from '../helpers/test-env.js';
import { createDatabase } from '../../db/client.js';

/**
 * How an erasure reaches a restored backup (docs/privacy.md, "Backups"): the
 * erasure log exported from the live database (ids, moments, keyed hashes) is
 * replayed into a copy made before the erasure, and the person goes again.
 */
let live: Isolated;
let backupName: string;
const opened: { close(): Promise<void> }[] = [];
beforeAll(async () => {
  live = await isolated();
});
afterAll(async () => {
  for (const d of opened) await d.close();
  await live?.destroy();
  const admin = postgres(TEST_PG_BASE, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${backupName} with (force)`).finally(() => admin.end());
});

describe('npm run privacy:erasure-log', () => {
  it('export from the live database, replay into an older backup: the person erased since is erased there too', async () => {
    const db = live.ctx.database.db;
    const org = await twoTeams(db);
    const { youngster } = await createYoungsterWithCard(db, org.oost.municipalities.Roermond!, org.michelle.id, { firstName: 'Hersteld' });
    await db.insert(channelContacts).values({ channel: 'telegram', externalId: '55501234', youngsterId: youngster.id });

    // The backup is taken now, before the opt-out.
    backupName = `${live.dbName}_backup`;
    const admin = postgres(TEST_PG_BASE, { max: 1, onnotice: () => {} });
    try {
      await live.ctx.database.close();
      await admin.unsafe(`create database ${backupName} template ${live.dbName}`);
    } finally {
      await admin.end();
    }
    // A template copy needs the source without connections: the live side reconnects on a pool of its own.
    const liveDatabase = createDatabase(live.env.databaseUrl, { max: 4 });
    opened.push(liveDatabase);
    const liveDb = liveDatabase.db;

    const contacts = (await liveDb.select().from(channelContacts).where(eq(channelContacts.youngsterId, youngster.id))).map((c) => c.id);
    const { id } = await requestErasure(liveDb, { youngsterId: youngster.id, contactIds: contacts, municipalityId: org.oost.municipalities.Roermond!, reason: 'opt_out' });
    expect(await eraseRequest({ database: liveDatabase, erasure: live.ctx.erasure, suppressionKeys: live.env.suppressionKeys, logger: live.ctx.logger }, id)).toBe('erased');

    const exported = await runErasureLog(['export', '--since', '2026-01-01'], live.env);
    expect(exported.code).toBe(0);
    expect(exported.stdout).not.toContain('Hersteld');
    expect(exported.stdout).not.toContain('55501234');
    const file = join(await mkdtemp(join(tmpdir(), 'erasure-log-')), 'log.json');
    await writeFile(file, exported.stdout);

    // The restore: the backup still holds the person.
    const backupEnv = testEnv({ DATABASE_URL: dbUrl(backupName), CARD_PDF_DIR: live.env.cards.pdfDir });
    const backup = createDatabase(backupEnv.databaseUrl, { max: 2 });
    try {
      expect(await backup.db.select().from(youngsters).where(eq(youngsters.id, youngster.id))).toHaveLength(1);
      const replayed = await runErasureLog(['replay', file], backupEnv);
      expect(replayed).toMatchObject({ code: 0, stdout: 'replayed 1 erasures: 1 erased again, 0 not in this database\n' });
      expect(await backup.db.select().from(youngsters).where(eq(youngsters.id, youngster.id))).toHaveLength(0);
      expect(await backup.db.select().from(channelContacts).where(eq(channelContacts.externalId, '55501234'))).toHaveLength(0);
      expect((await backup.db.select().from(suppressionEntries)).length).toBeGreaterThanOrEqual(1);
      const [request] = await backup.db.select().from(erasureRequests).where(eq(erasureRequests.id, id));
      expect(request!.erasedAt).not.toBeNull();
      // Twice is harmless.
      expect((await runErasureLog(['replay', file], backupEnv)).stdout).toBe('replayed 1 erasures: 0 erased again, 1 not in this database\n');
    } finally {
      await backup.close();
    }
  });

  it('refuses a file that is not an erasure log, and a bad command, with a clear message', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'erasure-log-')), 'bad.json');
    await writeFile(file, JSON.stringify({ erasures: [{ id: 'nope' }], suppression: [] }));
    const bad = await runErasureLog(['replay', file], live.env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('not an erasure log');
    expect((await runErasureLog(['shred'], live.env)).code).toBe(2);
    expect((await runErasureLog(['replay'], live.env)).stderr).toContain('usage');
  });
});
