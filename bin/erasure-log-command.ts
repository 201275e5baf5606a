import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { Env } from '../core/env.js';
import { createLogger } from '../core/logger.js';
import { createDatabase } from '../db/client.js';
import { erasedSince, reopenForReplay } from '../db/queries/erasure-requests.js';
import { personExists } from '../db/queries/erasure.js';
import { allSuppression, storeSuppression } from '../db/queries/suppression.js';
import { ERASURE_REASONS, SUPPRESSION_KINDS } from '../db/schema/privacy.js';
import { eraseRequest } from '../worker/erasure.js';
import { localDatabaseUrl } from './demo-links-command.js';
import { buildErasureRegistry } from './erasure-steps.js';

/**
 * `npm run privacy:erasure-log -- export [--since <ISO date>]` and `... replay <file.json>`:
 * how an erasure reaches a restored backup (docs/privacy.md, "Backups"). The export holds ids,
 * moments and keyed hashes - no personal data - so it may be kept apart from the backups; replay
 * loads it into a restored database and erases again everyone erased since that backup.
 */
export const USAGE = 'usage: npm run privacy:erasure-log -- export [--since YYYY-MM-DD] | replay <file.json>';

const logFile = z.object({
  erasures: z.array(
    z.object({
      id: z.uuid(),
      municipalityId: z.uuid().nullable(),
      youngsterId: z.uuid().nullable(),
      contactIds: z.array(z.uuid()),
      reason: z.enum(ERASURE_REASONS),
      requestedAt: z.coerce.date(),
      erasedAt: z.coerce.date().nullable(),
    }),
  ),
  suppression: z.array(z.object({ kind: z.enum(SUPPRESSION_KINDS), keyVersion: z.number().int(), hash: z.string().min(20) })),
});

export async function runErasureLog(argv: string[], env: Env): Promise<{ code: 0 | 1 | 2; stdout: string; stderr: string }> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { since: { type: 'string' } } });
  const [verb, path] = positionals;
  if (verb !== 'export' && verb !== 'replay') return { code: 2, stdout: '', stderr: `${USAGE}\n` };
  if (verb === 'replay' && !path) return { code: 2, stdout: '', stderr: `${USAGE}\n` };
  const since = values.since ? new Date(values.since) : new Date(0);
  if (Number.isNaN(since.getTime())) return { code: 2, stdout: '', stderr: `--since is not a date\n${USAGE}\n` };
  const database = createDatabase(await localDatabaseUrl(env), { max: 2 });
  try {
    if (verb === 'export') {
      const out = { erasures: await erasedSince(database.db, since), suppression: await allSuppression(database.db) };
      return { code: 0, stdout: `${JSON.stringify(out)}\n`, stderr: '' };
    }
    const parsed = logFile.safeParse(JSON.parse(await readFile(path!, 'utf8')));
    if (!parsed.success) return { code: 1, stdout: '', stderr: `not an erasure log: ${parsed.error.issues[0]?.path.join('.')}\n` };
    const now = new Date();
    // Only people this copy still holds: one created after the backup was made is simply not there.
    const present: typeof parsed.data.erasures = [];
    for (const e of parsed.data.erasures) if (await personExists(database.db, e)) present.push(e);
    const opened = await database.db.transaction(async (tx) => {
      await storeSuppression(tx, parsed.data.suppression);
      return reopenForReplay(tx, present, now);
    });
    // The replay runs without Redis: a restored database's visits have no reminder jobs to remove.
    const noQueues = { cancelReminders: async () => {} };
    const deps = { database, erasure: buildErasureRegistry({ pdfDir: env.cards.pdfDir, queues: noQueues }), suppressionKeys: env.suppressionKeys, logger: createLogger({ level: 'warn' }) };
    let erased = 0;
    for (const id of opened) if ((await eraseRequest(deps, id)) === 'erased') erased += 1;
    const notHere = parsed.data.erasures.length - present.length;
    return { code: 0, stdout: `replayed ${parsed.data.erasures.length} erasures: ${erased} erased again, ${notHere} not in this database\n`, stderr: '' };
  } finally {
    await database.close();
  }
}
