import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import type { Context } from '../bin/context.js';
import { createOrganisation } from '../db/seed/organisation.js';
import { createListImport } from '../web/domain/list-import.js';
import { cpuMsPer, startCpuMeter } from './cpu.js';

/**
 * Scenario (d): the monthly list import of 10,000 rows, as the web page and
 * `npm run list:import` run it (read, plan, commit in one transaction), on a
 * team of its own. Every row is new inflow in the team's municipalities, so
 * every row is stored with a card: the heaviest month there can be. Twice on
 * fresh municipalities (the spread), then once more as next month's list of
 * the same people (matching and updating instead of inserting). The floor,
 * in the same run: csv-parse of the same bytes plus one multi-row INSERT of
 * the same rows into a scratch table - parsing and storing, nothing else.
 */
export interface ListImportBench {
  rows: number;
  runs: { seconds: number; cpuMsPerRow: number; imported: number }[];
  again: { seconds: number; updated: number };
  floor: { seconds: number; cpuMsPerRow: number };
}

const FIRST = ['Sanne', 'Daan', 'Noor', 'Milan', 'Eva', 'Liam', 'Zoë', 'Çağlar', 'Jesse', 'Sara', 'Emre', 'Luuk'];
const LAST = ['Jansen', 'Smeets', 'Peeters', 'Heijden', 'Maessen', 'Vossen', 'Kuipers', 'El Amrani', 'Yılmaz', 'Dijk'];

/** A deterministic list in the sample's format: `rows` people, all new inflow, spread over the municipalities. */
export function syntheticList(rows: number, municipalities: string[]): Buffer {
  const lines = ['achternaam;tussenvoegsel;voornaam;geboortedatum;straat;huisnummer;postcode;woonplaats;gemeente;datum_instroom;nieuwe_instroom;kvk_inschrijving;bekend_bij_gemeente'];
  for (let i = 0; i < rows; i++) {
    const day = String((i % 28) + 1).padStart(2, '0');
    const month = String((Math.floor(i / 28) % 12) + 1).padStart(2, '0');
    const year = 1999 + (i % 9);
    const postcode = `${6000 + (i % 999)} ${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + (Math.floor(i / 26) % 26))}`;
    lines.push(
      [LAST[i % LAST.length], i % 5 === 0 ? 'van' : '', `${FIRST[i % FIRST.length]}${i}`, `${day}-${month}-${year}`, 'Kerkstraat', String(1 + (i % 300)), postcode, 'Roermond', municipalities[i % municipalities.length], '01-11-2026', 'ja', i % 20 === 0 ? 'ja' : 'nee', 'nee'].join(';'),
    );
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8');
}

export async function runListImportBench(ctx: Context, opts: { rows: number; runs: number }): Promise<ListImportBench> {
  const service = createListImport({ database: ctx.database, suppressionKeys: ctx.env.suppressionKeys });
  const runs: ListImportBench['runs'] = [];
  let last: { teamId: string; bytes: Buffer } | null = null;

  for (let r = 0; r < opts.runs; r++) {
    const names = [`Lijst ${r} Noord`, `Lijst ${r} Zuid`];
    const org = await createOrganisation(
      ctx.database.db,
      { region: `Bench lijst ${r}`, teams: [{ name: `Bench lijst ${r}`, municipalities: names, staff: [1, 2, 3, 4].map((n) => ({ email: `coach${n}.${r}@bench.test`, firstName: `Coach${n}` })) }] },
      { passwordHash: null },
    );
    const teamId = org.teams[`Bench lijst ${r}`]!.id;
    const bytes = syntheticList(opts.rows, names);
    const meter = startCpuMeter();
    const t0 = performance.now();
    const file = await service.read(teamId, bytes, { listDate: '2026-11-01' });
    const plan = await service.plan(teamId, file, { listMonth: '2026-11-01', baseline: false });
    const result = await service.commit(teamId, plan, { staffId: null });
    const seconds = (performance.now() - t0) / 1000;
    runs.push({ seconds, cpuMsPerRow: cpuMsPer(meter(), opts.rows), imported: result.imported });
    last = { teamId, bytes };
  }

  // Next month: the same people again.
  const t1 = performance.now();
  const file = await service.read(last!.teamId, last!.bytes, { listDate: '2026-12-01' });
  const plan = await service.plan(last!.teamId, file, { listMonth: '2026-12-01', baseline: false });
  const again = await service.commit(last!.teamId, plan, { staffId: null });
  const againSeconds = (performance.now() - t1) / 1000;

  // The floor: parse the same bytes, store the same rows as plainly as PostgreSQL allows.
  const db = ctx.database.db;
  await db.execute(sql`create table bench_list_floor (first_name text, prefix text, last_name text, birth text, street text, house text, postcode text, city text, municipality text)`);
  const meter = startCpuMeter();
  const t2 = performance.now();
  const records = parse(last!.bytes, { delimiter: ';', from_line: 2, skip_empty_lines: true }) as string[][];
  for (let i = 0; i < records.length; i += 1000) {
    const part = records.slice(i, i + 1000).map((c) => ({ first_name: c[2], prefix: c[1], last_name: c[0], birth: c[3], street: c[4], house: c[5], postcode: c[6], city: c[7], municipality: c[8] }));
    await db.execute(sql`insert into bench_list_floor select * from jsonb_populate_recordset(null::bench_list_floor, ${JSON.stringify(part)}::jsonb)`);
  }
  const floorSeconds = (performance.now() - t2) / 1000;
  const floorCpu = cpuMsPer(meter(), opts.rows);
  await db.execute(sql`drop table bench_list_floor`);

  return { rows: opts.rows, runs, again: { seconds: againSeconds, updated: again.updated }, floor: { seconds: floorSeconds, cpuMsPerRow: floorCpu } };
}
