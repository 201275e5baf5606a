import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runListImport } from '../../bin/list-import-command.js';
import { ConflictError } from '../../core/errors.js';
import { createListImport } from '../../web/domain/list-import.js';
import { cards, channelContacts, events, listImports, youngsters } from '../../db/schema/index.js';
import { twoTeams } from '../helpers/fixtures.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/lists/${name}`, import.meta.url));
const SAMPLE = fixture('jib-lijst-2026-11.csv');

let iso: Isolated;
let org: Awaited<ReturnType<typeof twoTeams>>;
const db = () => iso.ctx.database.db;
const run = (...args: string[]) => runListImport(args, iso.env, new Date('2026-11-15T10:00:00Z'));
const count = async (table: typeof youngsters | typeof cards | typeof events | typeof listImports) =>
  (await db().select({ n: sql<number>`count(*)::int` }).from(table))[0]!.n;

beforeAll(async () => {
  iso = await isolated();
  org = await twoTeams(db());
});
afterAll(async () => {
  await iso?.destroy();
});

/*
 * The sample list (test/fixtures/lists, 60 synthetic people) has 21 rows of Team Oost's
 * municipalities (Roermond 11, Maasgouw 10); of those 13 are new inflow, one of whom
 * (Sanne Maessen) is known to the municipality, and one (Çağlar Kuipers) is KvK-registered.
 * So a month's import approaches 12; the nulmeting approaches everyone not known: 20.
 */
describe('npm run list:import', () => {
  it('a dry run reports what would happen and stores nothing', async () => {
    const out = await run(SAMPLE, '--team', 'Team Oost', '--month', '2026-11', '--dry-run', '--json');
    expect(out.code).toBe(0);
    const j = JSON.parse(out.stdout);
    expect(j).toMatchObject({ encoding: 'utf-8', delimiter: ';', rows: 60, imported: 12, updated: 0, approached: 12, dryRun: true });
    expect(j.skipped).toEqual({ not_new_inflow: 8, known_to_municipality: 1, suppressed: 0, held_back: 0, duplicate_in_file: 0 });
    // The other 39 rows are Team West's municipalities: reported with row number and field, not imported.
    const foreign = j.errors.filter((e: { field: string }) => e.field === 'municipality');
    expect(foreign).toHaveLength(39);
    expect(foreign[0].message).toMatch(/Leudal|Nederweert|Weert/);
    expect(await count(youngsters)).toBe(0);
    expect(await count(events)).toBe(0);
    expect(await count(listImports)).toBe(0);
  });

  it('imports the approached people with a card each, spread over the casemanagers, and counts everyone anonymously', async () => {
    const out = await run(SAMPLE, '--team', 'team oost', '--month', '2026-11', '--json');
    expect(out.code, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ rows: 60, imported: 12, updated: 0, approached: 12 });
    const stored = await db().select().from(youngsters);
    expect(stored).toHaveLength(12);
    expect(stored.every((y) => y.matchKey && y.firstListMonth === '2026-11-01')).toBe(true);
    // Known to the municipality and not new inflow: counted, not stored.
    expect(stored.find((y) => y.firstName === 'Sanne' && y.lastName === 'Maessen')).toBeUndefined(); // known to the municipality
    expect(stored.filter((y) => y.lastName === 'Peeters').map((y) => y.birthDate)).toEqual(['2002-09-12']); // the other is not new inflow
    const madeCards = await db().select().from(cards);
    expect(madeCards).toHaveLength(12);
    expect(new Set(madeCards.map((c) => c.shortCode)).size).toBe(12);
    expect(madeCards.filter((c) => c.variant === 'entrepreneur')).toHaveLength(1);
    const per = new Map<string, number>();
    for (const c of madeCards) per.set(c.casemanagerId!, (per.get(c.casemanagerId!) ?? 0) + 1);
    expect([...per.keys()].sort()).toEqual([org.michelle.id, org.yusuf.id].sort());
    expect([...per.values()]).toEqual([6, 6]);

    const listed = await db().select().from(events).where(eq(events.type, 'list.imported'));
    expect(listed.map((e) => e.municipalityId).sort()).toEqual([org.oost.municipalities.Roermond, org.oost.municipalities.Maasgouw].sort());
    const roermond = listed.find((e) => e.municipalityId === org.oost.municipalities.Roermond)!;
    expect(roermond.data).toMatchObject({ listMonth: '2026-11-01', rows: 11, baseline: false });
    const people = await db().select().from(events).where(eq(events.type, 'youngster.listed'));
    expect(people).toHaveLength(21);
    expect(people.filter((e) => e.data.approached)).toHaveLength(12);
    expect(people.filter((e) => e.subject !== null)).toHaveLength(12);
    // What the report needs after erasure, and nothing that names anyone.
    const caglar = people.find((e) => e.data.kvk === true && e.data.approached === true)!;
    expect(caglar.data).toMatchObject({ age: 26, newInflow: true, known: false, variant: 'entrepreneur', listMonth: '2026-11-01' });
    expect(JSON.stringify(people)).not.toMatch(/Kuipers|Çağlar|6042|1999/);
  });

  it('a second import of the same list changes no one into two', async () => {
    const out = await run(SAMPLE, '--team', 'Team Oost', '--month', '2026-12', '--json');
    expect(out.code).toBe(0);
    const j = JSON.parse(out.stdout);
    expect(j).toMatchObject({ imported: 0, approached: 0, updated: 12 });
    expect(await count(youngsters)).toBe(12);
    expect(await count(cards)).toBe(12);
    const [y] = await db().select().from(youngsters).limit(1);
    expect(y!.lastListMonth).toBe('2026-12-01');
  });

  it('the same list in Windows-1252 with CRLF matches the same people', async () => {
    const out = await run(fixture('jib-lijst-2026-11-win1252-crlf.csv'), '--team', 'Team Oost', '--month', '2026-12', '--dry-run', '--json');
    expect(out.code, out.stderr).toBe(0);
    const j = JSON.parse(out.stdout);
    expect(j.encoding).toBe('windows-1252');
    expect(j.imported).toBe(0);
    expect(j.updated).toBeGreaterThanOrEqual(11);
  });

  it('skips someone who opted out, even on the nulmeting', async () => {
    const [someone] = await db().select().from(youngsters).limit(1);
    await db().insert(channelContacts).values({ channel: 'web', externalId: 'opted-out-device', youngsterId: someone!.id, optedOutAt: new Date() });
    await db().update(cards).set({ status: 'revoked' }).where(eq(cards.youngsterId, someone!.id));
    const out = await run(SAMPLE, '--team', 'Team Oost', '--month', '2027-01', '--baseline', '--dry-run', '--json');
    const j = JSON.parse(out.stdout);
    expect(j.skipped.suppressed).toBe(1);
    // Everyone else not known: 20 in all, minus the one who opted out; 11 still have their card.
    expect(j.approached).toBe(20 - 1 - 11);
  });

  it('refuses a file with BSNs whole (exit 1), naming the column but not a number, and stores nothing', async () => {
    const before = { y: await count(youngsters), e: await count(events) };
    for (const name of ['bsn-column.csv', 'bsn-hidden.csv']) {
      const out = await run(fixture(name), '--team', 'Team Oost', '--month', '2026-11', '--json');
      expect(out.code, name).toBe(1);
      const j = JSON.parse(out.stdout);
      expect(j.refused, name).toMatch(/^bsn_/);
      expect(j.message).not.toMatch(/\d{8,9}/);
    }
    expect({ y: await count(youngsters), e: await count(events) }).toEqual(before);
  });

  it('two imports of the same new people at once: the second stores nothing and says why', async () => {
    const service = createListImport({ database: iso.ctx.database, suppressionKeys: iso.env.suppressionKeys });
    const file = await service.read(org.west.teamId, readFileSync(SAMPLE), { listDate: '2026-11-01' });
    const [a, b] = await Promise.all([
      service.plan(org.west.teamId, file, { listMonth: '2026-11-01', baseline: true }),
      service.plan(org.west.teamId, file, { listMonth: '2026-11-01', baseline: true }),
    ]);
    const before = await count(youngsters);
    const results = await Promise.allSettled([service.commit(org.west.teamId, a, { staffId: null }), service.commit(org.west.teamId, b, { staffId: null })]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(ConflictError);
    const done = results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ imported: number }>;
    expect(await count(youngsters)).toBe(before + done.value.imported);
    expect(done.value.imported).toBeGreaterThan(0);
  });

  it("remembers a list's column mapping for its municipalities: next month's file with the same headers needs none", async () => {
    const service = createListImport({ database: iso.ctx.database, suppressionKeys: iso.env.suppressionKeys });
    const other = readFileSync(fixture('other-headers.csv'));
    const mapping = { lastName: 'Naam', firstName: 'Roepnaam', street: 'Adres', newInflow: 'Nieuw in beeld', inflowDate: 'In beeld sinds' };
    // A team of its own, so the other tests' remembered mapping does not answer for it.
    const { createTeam } = await import('../helpers/fixtures.js');
    const team = await createTeam(db(), 'Team Midden', ['Leudal', 'Nederweert']);
    await expect(service.read(team.teamId, other, { listDate: '2026-11-01' })).rejects.toMatchObject({ code: 'no_name_columns' });
    const file = await service.read(team.teamId, other, { listDate: '2026-11-01', mapping });
    const imported = await service.commit(team.teamId, await service.plan(team.teamId, file, { listMonth: '2026-11-01', baseline: false }), { staffId: null });
    expect(imported.perMunicipality.length).toBeGreaterThan(0);
    const again = await service.read(team.teamId, other, { listDate: '2026-12-01' });
    expect(again.mapping).toMatchObject(mapping);
    expect(again.rows.length).toBe(file.rows.length);
  });

  it('usage errors exit 2: an unknown team lists the teams, a bad month says the format', async () => {
    const unknown = await run(SAMPLE, '--team', 'Team Noord');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('"Team Oost"');
    expect(unknown.stderr).toContain('"Team West"');
    expect((await run(SAMPLE, '--team', 'Team Oost', '--month', '11-2026')).code).toBe(2);
    expect((await run('--team', 'Team Oost')).code).toBe(2);
    expect((await run(SAMPLE, '--team', 'Team Oost', '--nonsense')).code).toBe(2);
    expect((await run('/nonexistent.csv', '--team', 'Team Oost')).code).toBe(2);
  });

  it('runs as `npm run list:import` with these exit codes', () => {
    // As an operator's shell has it: no APP_ENV, no SECRET_KEY (the import needs no secret).
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_URL: iso.env.databaseUrl };
    const bad = spawnSync('npm', ['run', '--silent', 'list:import', '--', SAMPLE, '--team', 'Nobody'], { cwd: ROOT, env, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('Team West');
    const ok = spawnSync('npm', ['run', '--silent', 'list:import', '--', fixture('bad-rows.csv'), '--team', 'Team West', '--dry-run', '--json'], { cwd: ROOT, env, encoding: 'utf8' });
    expect(ok.status, ok.stderr).toBe(0);
    const j = JSON.parse(ok.stdout);
    expect(j.errors.length).toBeGreaterThan(3);
    expect(j.errors[0]).toEqual({ row: expect.any(Number), field: expect.any(String), message: expect.any(String) });
  }, 60_000);
});
