import { ConflictError } from '../../core/errors.js';
import { readListFile, type ColumnMapping, type ListFile, type ParsedRow, type RowError } from '../../core/list-file/index.js';
import { newShortCode } from '../../core/short-codes.js';
import { newCardToken } from '../../core/tokens.js';
import type { SuppressionKeys } from '../../core/suppression.js';
import type { Database } from '../../db/client.js';
import { recordEvents, type AnonymousEvent } from '../../db/queries/events.js';
import {
  findListedYoungsters,
  insertCards,
  insertListImport,
  insertYoungsters,
  lockTeamImports,
  saveListMapping,
  servedMunicipalities,
  suppressedMatchKeys,
  teamCasemanagers,
  updateListedYoungsters,
  type NewCard,
  type ServedMunicipality,
} from '../../db/queries/list-import.js';
import { pickCasemanagers } from './list-assignment.js';
import { suppressionOfRows } from './list-suppression.js';
import {
  countPerMunicipality,
  summaryCounts,
  type Decision,
  type ImportPlan,
  type ImportResult,
  type ImportSummary,
  type PlannedRow,
} from './list-import-plan.js';

/**
 * Step 1 of the work process (domain.md): the monthly list, filtered. The
 * same code path for the web page and `npm run list:import`: read the file
 * (core/list-file), plan what would happen (`plan`, read-only - the preview,
 * and --dry-run), then `commit` the plan in one transaction. Only the people
 * approached are stored (with a card); everyone else on the list is counted
 * in anonymous events and otherwise left out: data minimisation.
 */

export type { Decision, ImportPlan, ImportResult, ImportSummary, MunicipalityCounts, PlannedRow, SkipReason } from './list-import-plan.js';

const nameKey = (s: string) => s.trim().toLocaleLowerCase('nl-NL');

/** 'YYYY-MM' -> the month's first day; a clear refusal otherwise. */
export function listDateOf(month: string): string | null {
  const m = /^(\d{4})-(\d{2})$/.exec(month.trim());
  if (!m) return null;
  const mm = Number(m[2]);
  const yyyy = Number(m[1]);
  if (mm < 1 || mm > 12 || yyyy < 2000 || yyyy > 2100) return null;
  return `${m[1]}-${m[2]}-01`;
}

export function currentListMonth(now: Date): string {
  return now.toISOString().slice(0, 7);
}

export function createListImport(deps: { database: Database; suppressionKeys: SuppressionKeys }) {
  const { db } = deps.database;

  /** The file as read, with the team's remembered mapping when the caller gives none. */
  async function read(teamId: string, bytes: Uint8Array, opts: { listDate: string; mapping?: ColumnMapping }): Promise<ListFile> {
    let mapping = opts.mapping;
    if (!mapping) {
      const remembered = (await servedMunicipalities(db, teamId)).find((m) => m.listMapping)?.listMapping;
      if (remembered) {
        // Offered again only where it still fits: a header this file lacks would refuse the file.
        try {
          return readListFile(bytes, { listDate: opts.listDate, mapping: remembered as ColumnMapping });
        } catch {
          mapping = undefined;
        }
      }
    }
    return readListFile(bytes, { listDate: opts.listDate, mapping });
  }

  async function plan(
    teamId: string,
    file: ListFile,
    opts: { listMonth: string; baseline: boolean; assign?: Record<number, string>; approveHeldBack?: readonly number[] },
  ): Promise<ImportPlan> {
    const served = await servedMunicipalities(db, teamId);
    const byName = new Map(served.map((m) => [nameKey(m.name), m]));
    const casemanagers = await teamCasemanagers(db, teamId);
    const errors: RowError[] = [...file.errors];
    const inScope: { row: ParsedRow; municipality: ServedMunicipality }[] = [];
    const rejectedRows = [...file.rejectedRows];
    for (const row of file.rows) {
      const municipality = byName.get(nameKey(row.municipality));
      if (municipality) {
        inScope.push({ row, municipality });
        continue;
      }
      errors.push({ row: row.row, field: 'municipality', code: 'municipality_not_served', vars: { name: row.municipality } });
      rejectedRows.push({ row: row.row, cells: row.cells });
    }
    const ids = [...new Set(inScope.map((r) => r.municipality.id))];
    const existing = await findListedYoungsters(db, ids, inScope.map((r) => r.row.matchKey));
    const known = new Map(existing.map((y) => [`${y.municipalityId}|${y.matchKey}`, y]));
    // Still in the database (erasure within 24 hours of an opt-out) or already erased (the suppression entries).
    const suppressed = new Map<string, Set<string>>();
    for (const id of ids) {
      suppressed.set(id, await suppressedMatchKeys(db, id, inScope.filter((r) => r.municipality.id === id).map((r) => r.row.matchKey)));
    }
    const verdicts = await suppressionOfRows(db, deps.suppressionKeys, inScope.map((r) => r.row));
    const approved = new Set(opts.approveHeldBack ?? []);

    const rows: PlannedRow[] = inScope.map(({ row, municipality }) => {
      const found = known.get(`${municipality.id}|${row.matchKey}`) ?? null;
      const variant = row.kvk ? 'entrepreneur' : 'regular';
      const verdict = verdicts.get(row.row);
      const decision: Decision =
        suppressed.get(municipality.id)?.has(row.matchKey) || verdict === 'suppressed'
        ? 'suppressed'
        : verdict === 'held_back' && !approved.has(row.row)
          ? 'held_back'
        : row.knownToMunicipality
          ? 'known_to_municipality'
          : !(opts.baseline || row.newInflow)
            ? 'not_new_inflow'
            : found?.hasActiveCard
              ? 'update'
              : 'approach';
      return { row, municipality, decision, existing: found, variant, casemanagerId: null };
    });
    pickCasemanagers(rows.filter((r) => r.decision === 'approach'), casemanagers, opts.assign ?? {});

    return {
      file,
      listMonth: opts.listMonth,
      baseline: opts.baseline,
      rows,
      errors: errors.sort((a, b) => a.row - b.row),
      rejectedRows: rejectedRows.sort((a, b) => a.row - b.row),
      perMunicipality: countPerMunicipality(served, rows),
      casemanagers,
      municipalities: served,
      firstListOf: served.filter((m) => !m.listedBefore && rows.some((r) => r.municipality.id === m.id)).map((m) => m.name),
    };
  }

  /** Stores the plan in one transaction: youngsters, cards, the import and its anonymous events - or nothing. */
  async function commit(teamId: string, p: ImportPlan, actor: { staffId: string | null }): Promise<ImportResult> {
    return db.transaction(async (tx) => {
      await lockTeamImports(tx, teamId);
      // Planned before the lock: if another import stored some of these people meanwhile, the plan is stale.
      const fresh = p.rows.filter((r) => r.decision === 'approach' && !r.existing);
      const ids = [...new Set(fresh.map((r) => r.municipality.id))];
      if ((await findListedYoungsters(tx, ids, fresh.map((r) => r.row.matchKey))).length) {
        throw new ConflictError('people of this list were imported meanwhile', 'list_changed');
      }
      const created = await insertListImport(tx, {
        teamId,
        listMonth: p.listMonth,
        baseline: p.baseline,
        importedBy: actor.staffId,
        counts: summaryCounts(p) as unknown as Record<string, unknown>,
      });
      const inserted = await insertYoungsters(
        tx,
        fresh.map(({ row, municipality }) => ({
          municipalityId: municipality.id,
          firstName: row.firstName,
          namePrefix: row.namePrefix,
          lastName: row.lastName,
          street: row.street,
          houseNumber: row.houseNumber,
          postcode: row.postcode,
          city: row.city,
          birthDate: row.birthDate,
          listInflowDate: row.inflowDate,
          newInflow: row.newInflow,
          kvkRegistered: row.kvk,
          knownToMunicipality: row.knownToMunicipality,
          matchKey: row.matchKey,
          firstListMonth: p.listMonth,
          lastListMonth: p.listMonth,
        })),
      );
      const idOf = new Map(inserted.map((y) => [`${y.municipalityId}|${y.matchKey}`, y]));
      const again = p.rows.filter((r) => r.existing && r.decision !== 'suppressed' && r.decision !== 'held_back');
      await updateListedYoungsters(
        tx,
        again.map(({ row, existing }) => ({
          id: existing!.id,
          street: row.street,
          houseNumber: row.houseNumber,
          postcode: row.postcode,
          city: row.city,
          newInflow: row.newInflow,
          kvkRegistered: row.kvk,
          knownToMunicipality: row.knownToMunicipality,
          lastListMonth: p.listMonth,
        })),
      );

      const approached = p.rows.filter((r) => r.decision === 'approach');
      const youngsterOf = (r: PlannedRow) => r.existing ?? idOf.get(`${r.municipality.id}|${r.row.matchKey}`)!;
      let pending: NewCard[] = approached.map((r) => ({
        youngsterId: youngsterOf(r).id,
        token: newCardToken(),
        shortCode: newShortCode(),
        casemanagerId: r.casemanagerId,
        variant: r.variant,
        language: 'nl',
        listImportId: created.id,
      }));
      for (let round = 0; pending.length && round < 5; round++) {
        const done = new Set((await insertCards(tx, pending)).map((c) => c.youngsterId));
        pending = pending.filter((c) => !done.has(c.youngsterId)).map((c) => ({ ...c, shortCode: newShortCode() }));
      }
      if (pending.length) throw new Error('could not find free short codes');

      const events: AnonymousEvent[] = p.perMunicipality.map((m) => ({
        type: 'list.imported',
        municipalityId: m.municipalityId,
        subject: null,
        actorStaffId: actor.staffId,
        data: {
          listMonth: p.listMonth,
          baseline: p.baseline,
          rows: m.rows,
          newInflow: m.newInflow,
          kvk: m.kvk,
          known: m.known,
          approached: m.approached,
          updated: m.updated,
          notNewInflow: m.skipped.not_new_inflow,
          knownSkipped: m.skipped.known_to_municipality,
          suppressed: m.skipped.suppressed,
          heldBack: m.skipped.held_back,
        },
      }));
      for (const r of p.rows) {
        if (r.decision === 'held_back') events.push({ type: 'youngster.held_back', municipalityId: r.municipality.id, subject: null, data: { listMonth: p.listMonth, age: r.row.age } });
        const stored = r.decision === 'approach' ? youngsterOf(r) : r.decision === 'update' ? r.existing : null;
        events.push({
          type: 'youngster.listed',
          municipalityId: r.municipality.id,
          // Only people stored have a monitoring key; the others stay a count.
          subject: stored?.monitoringKey ?? null,
          data: {
            listMonth: p.listMonth,
            age: r.row.age,
            newInflow: r.row.newInflow,
            kvk: r.row.kvk,
            known: r.row.knownToMunicipality,
            approached: r.decision === 'approach',
            variant: r.decision === 'approach' ? r.variant : null,
            decision: r.decision,
          },
        });
      }
      await recordEvents(tx, events);
      await saveListMapping(tx, [...new Set(p.rows.map((r) => r.municipality.id))], p.file.mapping as Record<string, string>);
      return { ...summaryCounts(p), importId: created.id, perMunicipality: p.perMunicipality };
    });
  }

  /** What `commit` would report, storing nothing (the preview, --dry-run). */
  function summarise(p: ImportPlan): ImportSummary {
    return summaryCounts(p);
  }

  return { read, plan, commit, summarise };
}
export type ListImport = ReturnType<typeof createListImport>;
