import { performance } from 'node:perf_hooks';
import { sql, TransactionRollbackError } from 'drizzle-orm';
import type { Context } from '../bin/context.js';
import { listInbox } from '../db/queries/inbox.js';
import type { DbOrTx } from '../db/client.js';
import { createOrganisation } from '../db/seed/organisation.js';
import { SEARCH_TERMS, seedSearchCorpus } from '../db/seed/search-corpus.js';
import { summarise } from './load.js';

/**
 * Scenario (c): the inbox search over 100k messages, through listInbox exactly
 * as the inbox page calls it (prepared statements, the viewer's scope). A team
 * of its own serves three municipalities; a fourth, of another team, holds a
 * share of the corpus outside the scope. Each pass runs every term `repeat`
 * times, interleaved; the figures are per search (wall time in this process,
 * round trip included). Two passes show how stable the figures are.
 * Compared with: the team view without a search (what the inbox page lists
 * anyway, the floor), and the same searches with the two trigram indexes
 * dropped inside a rolled-back transaction (what the indexes save).
 */
export interface SearchResult {
  messages: number;
  conversations: number;
  inScope: number;
  seedSeconds: number;
  /** Waited after seeding for the checkpoint and autovacuum the earlier scenarios and the seeding set off. */
  settledSeconds: number;
  passes: { p50: number; p95: number; max: number; count: number }[];
  perTerm: { term: string; what: string; hits: number; p50: number; p95: number }[];
  floor: { p50: number; p95: number };
  withoutIndex: { p50: number; p95: number; count: number };
}

const p95 = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(0.95 * sorted.length) - 1)] ?? NaN;
};

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/**
 * The earlier scenarios and the seeding wrote a lot: a checkpoint and
 * autovacuum would otherwise run during the first pass and be measured as
 * search time. A checkpoint (best effort: it needs superuser or
 * pg_checkpoint), then up to 60 s for this database's autovacuum workers.
 */
async function settleDatabase(ctx: Context): Promise<number> {
  const t0 = performance.now();
  await ctx.database.sql`checkpoint`.catch(() => {});
  for (let i = 0; i < 120; i++) {
    const [row] = await ctx.database.sql<{ n: number }[]>`
      select count(*)::int as n from pg_stat_activity
      where datname = current_database() and backend_type = 'autovacuum worker'`;
    if (!row?.n) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  return (performance.now() - t0) / 1000;
}

export async function runSearch(
  ctx: Context,
  opts: { conversations: number; messagesPerConversation: number; repeat: number; passes: number; withoutIndexRepeat: number },
): Promise<SearchResult> {
  const { db } = ctx.database;
  const org = await createOrganisation(
    db,
    {
      region: 'Regio Zoeken',
      teams: [
        {
          name: 'Team Zoeken',
          municipalities: ['Zoekdam', 'Vindhoven', 'Speurwijk'],
          staff: ['Anna', 'Bert', 'Cora'].map((firstName) => ({ email: `${firstName.toLowerCase()}@zoeken.bench`, name: `${firstName} Zoeken`, firstName })),
        },
        { name: 'Team Elders', municipalities: ['Elders'] },
      ],
    },
    { passwordHash: null },
  );
  const ms = ['Zoekdam', 'Vindhoven', 'Speurwijk', 'Elders'].map((name) => ({ id: org.municipalities[name]! }));
  const scope = ms.slice(0, 3).map((m) => m.id);
  const coaches = Object.values(org.staff);

  const t0 = performance.now();
  const seeded = await seedSearchCorpus(db, {
    municipalityIds: ms.map((m) => m.id),
    conversations: opts.conversations,
    messagesPerConversation: opts.messagesPerConversation,
    staffIds: coaches.map((c) => c.id),
  });
  const seedSeconds = (performance.now() - t0) / 1000;
  const settledSeconds = await settleDatabase(ctx);
  const [scoped] = await db.execute<{ n: number }>(
    sql`select count(*)::int as n from conversations where municipality_id in (${sql.join(scope.map((id) => sql`${id}::uuid`), sql`, `)})`,
  );

  const search = (on: DbOrTx, term: string) => listInbox(on, { municipalityIds: scope, search: term, staffId: coaches[0]!.id });
  const teamView = () => listInbox(db, { municipalityIds: scope, view: 'team', staffId: coaches[0]!.id });
  const hits = new Map<string, number>();
  // Warm-up as a running web process has it: every connection of the pool has prepared the statements
  // and settled on its cached plan (a prepared statement switches plans after five runs, per connection).
  // Run one after another, the searches would otherwise meet fresh connections for a while.
  for (let i = 0; i < 6; i++) {
    await Promise.all(
      Array.from({ length: ctx.env.databasePoolSize }, async () => {
        for (const { term } of SEARCH_TERMS) hits.set(term, (await search(db, term)).length);
        await teamView();
      }),
    );
  }

  const byTerm = new Map<string, number[]>(SEARCH_TERMS.map((t) => [t.term, []]));
  const floor: number[] = [];
  const passes: SearchResult['passes'] = [];
  for (let pass = 0; pass < opts.passes; pass++) {
    const all: number[] = [];
    for (let i = 0; i < opts.repeat; i++) {
      for (const { term } of SEARCH_TERMS) {
        const took = await timed(() => search(db, term));
        all.push(took);
        byTerm.get(term)!.push(took);
      }
      floor.push(await timed(teamView));
    }
    const s = summarise(all);
    passes.push({ p50: s.p50, p95: p95(all), max: s.max, count: all.length });
  }

  // The same searches without the trigram indexes: dropped in a transaction that is rolled back.
  const without: number[] = [];
  await db
    .transaction(async (tx) => {
      await tx.execute(sql`drop index messages_search_trgm_idx`);
      await tx.execute(sql`drop index youngsters_name_trgm_idx`);
      for (let i = 0; i < opts.withoutIndexRepeat; i++) {
        for (const { term } of SEARCH_TERMS) without.push(await timed(() => search(tx, term)));
      }
      tx.rollback();
    })
    .catch((err: unknown) => {
      if (!(err instanceof TransactionRollbackError)) throw err;
    });

  const w = summarise(without);
  const f = summarise(floor);
  return {
    messages: seeded.messages,
    conversations: seeded.conversations,
    inScope: scoped!.n,
    seedSeconds,
    settledSeconds,
    passes,
    perTerm: SEARCH_TERMS.map(({ term, what }) => {
      const values = byTerm.get(term)!;
      return { term, what, hits: hits.get(term) ?? 0, p50: summarise(values).p50, p95: p95(values) };
    }),
    floor: { p50: f.p50, p95: p95(floor) },
    withoutIndex: { p50: w.p50, p95: p95(without), count: without.length },
  };
}
