import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { rawRows, type DbOrTx } from '../client.js';
import {
  cards,
  channelContacts,
  events,
  listImports,
  municipalities,
  staffUsers,
  teamMunicipalities,
  teams,
  youngsters,
  type CardVariant,
} from '../schema/index.js';

/**
 * What the monthly list import reads and writes (web/domain/list-import.ts
 * decides). Bulk statements: a list has thousands of rows and the import runs
 * in one transaction, so one statement per row would hold it open for seconds.
 */

export interface ServedMunicipality {
  id: string;
  name: string;
  defaultCasemanagerId: string | null;
  listMapping: Record<string, string> | null;
  /** A list of it was imported before: a list without "baseline" is then not its nulmeting. */
  listedBefore: boolean;
}

export async function servedMunicipalities(db: DbOrTx, teamId: string): Promise<ServedMunicipality[]> {
  return db
    .select({
      id: municipalities.id,
      name: municipalities.name,
      defaultCasemanagerId: municipalities.defaultCasemanagerId,
      listMapping: municipalities.listMapping,
      listedBefore: sql<boolean>`exists (select 1 from ${events} e where e.type = 'list.imported' and e.municipality_id = ${municipalities.id})`,
    })
    .from(municipalities)
    .innerJoin(teamMunicipalities, eq(teamMunicipalities.municipalityId, municipalities.id))
    .where(eq(teamMunicipalities.teamId, teamId))
    .orderBy(municipalities.name);
}

export interface CasemanagerLoad {
  id: string;
  name: string;
  firstName: string;
  /** Active cards already assigned: new ones go to those with fewest first. */
  activeCards: number;
}

/** The team's active casemanagers, the candidates for new cards. */
export async function teamCasemanagers(db: DbOrTx, teamId: string): Promise<CasemanagerLoad[]> {
  return db
    .select({
      id: staffUsers.id,
      name: staffUsers.name,
      firstName: staffUsers.firstName,
      // Qualified by hand: in a one-table select drizzle writes a column without its table, which the subquery would read as c.id.
      activeCards: sql<number>`(select count(*)::int from ${cards} c where c.casemanager_id = staff_users.id and c.status = 'active')`,
    })
    .from(staffUsers)
    .where(and(eq(staffUsers.teamId, teamId), eq(staffUsers.role, 'casemanager'), eq(staffUsers.active, true)))
    .orderBy(staffUsers.name);
}

export interface ListedYoungster {
  id: string;
  municipalityId: string;
  matchKey: string;
  monitoringKey: string;
  hasActiveCard: boolean;
}

/** Youngsters already known under these match keys (the same person on an earlier list). */
export async function findListedYoungsters(db: DbOrTx, municipalityIds: string[], matchKeys: string[]): Promise<ListedYoungster[]> {
  if (!municipalityIds.length || !matchKeys.length) return [];
  const rows = await db
    .select({
      id: youngsters.id,
      municipalityId: youngsters.municipalityId,
      matchKey: youngsters.matchKey,
      monitoringKey: youngsters.monitoringKey,
      // Qualified by hand, as in teamCasemanagers.
      hasActiveCard: sql<boolean>`exists (select 1 from ${cards} c where c.youngster_id = youngsters.id and c.status = 'active')`,
    })
    .from(youngsters)
    .where(and(inArray(youngsters.municipalityId, municipalityIds), inArray(youngsters.matchKey, matchKeys)));
  return rows.flatMap((r) => (r.matchKey ? [{ ...r, matchKey: r.matchKey }] : []));
}

/**
 * "This person must not be approached again", for a list's match keys of one
 * municipality, while the person is still in the database: one of their
 * messenger contacts opted out and the erasure (within 24 hours) has not run
 * yet. After the erasure the suppression entries answer instead
 * (web/domain/list-suppression.ts); the import asks both.
 */
export async function suppressedMatchKeys(db: DbOrTx, municipalityId: string, matchKeys: readonly string[]): Promise<Set<string>> {
  if (!matchKeys.length) return new Set();
  const rows = await db
    .selectDistinct({ matchKey: youngsters.matchKey })
    .from(youngsters)
    .innerJoin(channelContacts, eq(channelContacts.youngsterId, youngsters.id))
    .where(
      and(
        eq(youngsters.municipalityId, municipalityId),
        inArray(youngsters.matchKey, [...matchKeys]),
        sql`${channelContacts.optedOutAt} is not null`,
      ),
    );
  return new Set(rows.flatMap((r) => (r.matchKey ? [r.matchKey] : [])));
}

export type NewYoungster = Pick<
  typeof youngsters.$inferInsert,
  | 'municipalityId'
  | 'firstName'
  | 'namePrefix'
  | 'lastName'
  | 'street'
  | 'houseNumber'
  | 'postcode'
  | 'city'
  | 'birthDate'
  | 'listInflowDate'
  | 'newInflow'
  | 'kvkRegistered'
  | 'knownToMunicipality'
  | 'matchKey'
  | 'firstListMonth'
  | 'lastListMonth'
>;

const CHUNK = 1000;
function chunks<T>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(rows.slice(i, i + CHUNK));
  return out;
}

/** A row of insertYoungsters' statement. */
export const insertedYoungsterRow = z.strictObject({ id: z.uuid(), match_key: z.string().nullable(), monitoring_key: z.uuid(), municipality_id: z.uuid() });
type InsertedYoungsterRow = z.infer<typeof insertedYoungsterRow>;

/**
 * The list's new people. Raw SQL over jsonb_to_recordset, a thousand rows per
 * statement with one parameter: the query builder spends longer building a
 * thousand-row VALUES than PostgreSQL spends storing it (bench/: the list import).
 */
export async function insertYoungsters(tx: DbOrTx, rows: readonly NewYoungster[]) {
  const out: { id: string; matchKey: string | null; monitoringKey: string; municipalityId: string }[] = [];
  for (const part of chunks(rows)) {
    const inserted = await rawRows<InsertedYoungsterRow>(tx, sql`
      insert into youngsters (municipality_id, first_name, name_prefix, last_name, street, house_number, postcode, city, birth_date,
        list_inflow_date, new_inflow, kvk_registered, known_to_municipality, match_key, first_list_month, last_list_month)
      select v."municipalityId", v."firstName", v."namePrefix", v."lastName", v."street", v."houseNumber", v."postcode", v."city", v."birthDate",
        v."listInflowDate", coalesce(v."newInflow", false), coalesce(v."kvkRegistered", false), coalesce(v."knownToMunicipality", false),
        v."matchKey", v."firstListMonth", v."lastListMonth"
      from jsonb_to_recordset(${JSON.stringify(part)}::jsonb) as v("municipalityId" uuid, "firstName" text, "namePrefix" text, "lastName" text,
        "street" text, "houseNumber" text, "postcode" text, "city" text, "birthDate" date, "listInflowDate" date, "newInflow" boolean,
        "kvkRegistered" boolean, "knownToMunicipality" boolean, "matchKey" text, "firstListMonth" date, "lastListMonth" date)
      returning id, match_key, monitoring_key, municipality_id`);
    out.push(...inserted.map((y) => ({ id: y.id, matchKey: y.match_key, monitoringKey: y.monitoring_key, municipalityId: y.municipality_id })));
  }
  return out;
}

export interface ListedUpdate {
  id: string;
  street: string | null;
  houseNumber: string | null;
  postcode: string;
  city: string | null;
  newInflow: boolean;
  kvkRegistered: boolean;
  knownToMunicipality: boolean;
  lastListMonth: string;
}

/**
 * Next month's list for people already known: the address and flags as the
 * list says now. Raw SQL over jsonb_to_recordset: one statement per thousand
 * people instead of one per person (drizzle's driver setup cannot bind arrays).
 */
export async function updateListedYoungsters(tx: DbOrTx, rows: readonly ListedUpdate[]): Promise<void> {
  for (const part of chunks(rows)) {
    await tx.execute(sql`
      update youngsters y set street = v."street", house_number = v."houseNumber", postcode = v."postcode", city = v."city",
        new_inflow = v."newInflow", kvk_registered = v."kvkRegistered", known_to_municipality = v."knownToMunicipality",
        last_list_month = greatest(y.last_list_month, v."lastListMonth"), updated_at = now()
      from jsonb_to_recordset(${JSON.stringify(part)}::jsonb)
        as v("id" uuid, "street" text, "houseNumber" text, "postcode" text, "city" text, "newInflow" boolean,
             "kvkRegistered" boolean, "knownToMunicipality" boolean, "lastListMonth" date)
      where y.id = v."id"`);
  }
}

export interface NewCard {
  youngsterId: string;
  token: string;
  shortCode: string;
  casemanagerId: string | null;
  variant: CardVariant;
  language: string;
  listImportId: string | null;
}

/** A row of insertCards' statement. */
export const insertedCardRow = z.strictObject({ id: z.uuid(), youngster_id: z.uuid(), short_code: z.string().nullable() });
type InsertedCardRow = z.infer<typeof insertedCardRow>;

/**
 * Cards whose short code was free; the caller retries the others with new codes (a collision is rare,
 * not impossible). Raw SQL over jsonb_to_recordset, as insertYoungsters, for the same reason.
 */
export async function insertCards(tx: DbOrTx, rows: readonly NewCard[]): Promise<{ id: string; youngsterId: string; shortCode: string | null }[]> {
  const out: { id: string; youngsterId: string; shortCode: string | null }[] = [];
  for (const part of chunks(rows)) {
    const inserted = await rawRows<InsertedCardRow>(tx, sql`
      insert into cards (youngster_id, token, short_code, casemanager_id, variant, language, list_import_id)
      select v."youngsterId", v."token", v."shortCode", v."casemanagerId", v."variant", v."language", v."listImportId"
      from jsonb_to_recordset(${JSON.stringify(part)}::jsonb) as v("youngsterId" uuid, "token" text, "shortCode" text, "casemanagerId" uuid,
        "variant" card_variant, "language" text, "listImportId" uuid)
      on conflict (short_code) do nothing
      returning id, youngster_id, short_code`);
    out.push(...inserted.map((c) => ({ id: c.id, youngsterId: c.youngster_id, shortCode: c.short_code })));
  }
  return out;
}

export async function insertListImport(tx: DbOrTx, row: typeof listImports.$inferInsert) {
  const [created] = await tx.insert(listImports).values(row).returning({ id: listImports.id, createdAt: listImports.createdAt });
  if (!created) throw new Error('list import insert returned no row');
  return created;
}

/** Remembers the list's column mapping for these municipalities (offered again next month). */
export async function saveListMapping(tx: DbOrTx, municipalityIds: string[], mapping: Record<string, string>): Promise<void> {
  if (!municipalityIds.length) return;
  await tx.update(municipalities).set({ listMapping: mapping }).where(inArray(municipalities.id, municipalityIds));
}

/** A team's imports, newest first (the /lists page). */
export async function listTeamImports(db: DbOrTx, teamId: string, limit = 24) {
  return db
    .select({ id: listImports.id, listMonth: listImports.listMonth, baseline: listImports.baseline, counts: listImports.counts, createdAt: listImports.createdAt })
    .from(listImports)
    .where(eq(listImports.teamId, teamId))
    .orderBy(sql`${listImports.createdAt} desc`)
    .limit(limit);
}

/** One import of the team (null when it is another team's: the caller answers 404). */
export async function findTeamImport(db: DbOrTx, teamId: string, id: string) {
  const [row] = await db
    .select()
    .from(listImports)
    .where(and(eq(listImports.id, id), eq(listImports.teamId, teamId)))
    .limit(1);
  return row ?? null;
}

/** The command line names a team; an unknown name gets the list of names. */
export async function findTeamByName(db: DbOrTx, name: string) {
  const [row] = await db.select({ id: teams.id, name: teams.name }).from(teams).where(sql`lower(${teams.name}) = lower(${name.trim()})`).limit(1);
  return row ?? null;
}

export async function teamNames(db: DbOrTx): Promise<string[]> {
  return (await db.select({ name: teams.name }).from(teams).orderBy(teams.name)).map((t) => t.name);
}

/**
 * One import per team at a time (two coordinators confirming at once, or the web page and the
 * command line): held until the transaction ends. A lock, so raw SQL.
 */
export async function lockTeamImports(tx: DbOrTx, teamId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`list-import:${teamId}`}))`);
}
