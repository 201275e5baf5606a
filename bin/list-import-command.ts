import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ListFileRefused, MAX_LIST_BYTES } from '../core/list-file/index.js';
import type { Env } from '../core/env.js';
import { ConflictError } from '../core/errors.js';
import { createDatabase } from '../db/client.js';
import { findTeamByName, teamNames } from '../db/queries/list-import.js';
import { refusalText } from '../templates/staff/index.js';
import { listImportText } from '../templates/staff/list-import.js';
import { createListImport, currentListMonth, listDateOf, type ImportResult } from '../web/domain/list-import.js';
import { localDatabaseUrl } from './demo-links-command.js';

/**
 * `npm run list:import -- <file.csv> --team "<team>" [--month YYYY-MM] [--baseline] [--dry-run] [--json] [--lang nl|en]`:
 * the monthly list from the command line, through the same service as the web
 * page (web/domain/list-import.ts). Exit 0: imported (rows with errors are
 * reported, not fatal); 1: the file was refused whole (or another import got
 * there first), nothing stored; 2: a
 * usage error (an unknown team: the message lists the names).
 */
export const USAGE =
  'usage: npm run list:import -- <file.csv> --team "<team name>" [--month YYYY-MM] [--baseline] [--dry-run] [--json] [--lang nl|en]';

export interface CommandOutput {
  code: 0 | 1 | 2;
  stdout: string;
  stderr: string;
}

class UsageError extends Error {}

export async function runListImport(argv: string[], env: Env, now = new Date()): Promise<CommandOutput> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        team: { type: 'string' },
        month: { type: 'string' },
        baseline: { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        lang: { type: 'string', default: 'nl' },
      },
    });
  } catch (err) {
    return { code: 2, stdout: '', stderr: `${(err as Error).message}\n${USAGE}\n` };
  }
  const { values, positionals } = args;
  const lang = values.lang === 'en' ? 'en' : 'nl';
  const database = createDatabase(await localDatabaseUrl(env), { max: 2 });
  try {
    if (positionals.length !== 1) throw new UsageError('give exactly one file');
    if (!values.team) throw new UsageError('--team is required');
    const month = values.month ?? currentListMonth(now);
    const listDate = listDateOf(month);
    if (!listDate) throw new UsageError(`--month must be YYYY-MM, not "${month}"`);
    const team = await findTeamByName(database.db, values.team);
    if (!team) throw new UsageError(`unknown team "${values.team}"; teams: ${(await teamNames(database.db)).map((n) => `"${n}"`).join(', ') || '(none)'}`);
    const path = positionals[0]!;
    const size = await stat(path).then((s) => s.size, () => null);
    if (size === null) throw new UsageError(`cannot read ${path}`);

    const service = createListImport({ database, suppressionKeys: env.suppressionKeys });
    try {
      // Checked before reading, so an enormous file is not loaded to be refused.
      if (size > MAX_LIST_BYTES) throw new ListFileRefused('file_too_large', { max: Math.round(MAX_LIST_BYTES / 1024 / 1024) });
      const file = await service.read(team.id, await readFile(path), { listDate });
      const plan = await service.plan(team.id, file, { listMonth: listDate, baseline: values.baseline });
      const result: ImportResult = values['dry-run']
        ? { ...(await service.summarise(plan)), importId: null, perMunicipality: plan.perMunicipality }
        : await service.commit(team.id, plan, { staffId: null });
      const json = {
        encoding: result.encoding,
        delimiter: result.delimiter,
        rows: result.rows,
        imported: result.imported,
        updated: result.updated,
        approached: result.approached,
        skipped: result.skipped,
        errors: plan.errors.map((e) => ({ row: e.row, field: e.field, message: listImportText(lang, e.code, e.vars ?? {}) })),
      };
      if (values.json) return { code: 0, stdout: `${JSON.stringify({ ...json, dryRun: values['dry-run'] })}\n`, stderr: '' };
      return { code: 0, stdout: humanSummary(json, team.name, month, values['dry-run'], result), stderr: '' };
    } catch (err) {
      if (err instanceof ConflictError) {
        // Another import stored some of these people while this one was being planned: nothing was stored.
        const message = refusalText(lang, err.code);
        return values.json ? { code: 1, stdout: `${JSON.stringify({ refused: err.code, message })}\n`, stderr: '' } : { code: 1, stdout: '', stderr: `${message}\n` };
      }
      if (!(err instanceof ListFileRefused)) throw err;
      const message = listImportText(lang, err.code, err.vars);
      if (values.json) return { code: 1, stdout: `${JSON.stringify({ refused: err.code, message })}\n`, stderr: '' };
      return { code: 1, stdout: '', stderr: `refused, nothing stored: ${message}\n` };
    }
  } catch (err) {
    if (err instanceof UsageError) return { code: 2, stdout: '', stderr: `${err.message}\n${USAGE}\n` };
    throw err;
  } finally {
    await database.close();
  }
}

function humanSummary(
  j: { encoding: string; delimiter: string; rows: number; imported: number; updated: number; approached: number; skipped: Record<string, number>; errors: { row: number; field: string; message: string }[] },
  team: string,
  month: string,
  dryRun: boolean,
  result: ImportResult,
): string {
  const lines = [
    `${dryRun ? 'dry run (nothing stored)' : 'imported'}: ${team}, list ${month} (${j.encoding}, "${j.delimiter}")`,
    `rows ${j.rows}, new ${j.imported}, updated ${j.updated}, approached ${j.approached}`,
    `skipped: ${Object.entries(j.skipped).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    ...result.perMunicipality.map((m) => `  ${m.name}: ${m.rows} on the list, ${m.approached} approached`),
    ...(j.errors.length ? [`${j.errors.length} rejected:`, ...j.errors.map((e) => `  row ${e.row} (${e.field}): ${e.message}`)] : []),
  ];
  return `${lines.join('\n')}\n`;
}
