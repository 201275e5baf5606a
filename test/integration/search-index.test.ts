import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboxStatement, likePattern, listInbox } from '../../db/queries/inbox.js';
import { seedSearchCorpus } from '../../db/seed/search-corpus.js';
import { createConversationFixture, twoTeams } from '../helpers/fixtures.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

/**
 * The inbox search runs on trigram indexes (pg_trgm GIN), not on a scan: shown
 * by the plan PostgreSQL chooses on a realistically filled inbox (tens of
 * thousands of messages, statistics as autovacuum keeps them), both as the
 * statement is first planned and as the cached generic plan of the prepared
 * statement the app actually runs (db/client.ts prepares every statement).
 */
let iso: Isolated;
let org: Awaited<ReturnType<typeof twoTeams>>;
let scope: string[];
const db = () => iso.ctx.database.db;

beforeAll(async () => {
  iso = await isolated();
  org = await twoTeams(db());
  scope = Object.values(org.oost.municipalities);
  await seedSearchCorpus(db(), {
    municipalityIds: [...scope, org.west.municipalities.Weert!],
    conversations: 8000,
    messagesPerConversation: 5,
    staffIds: [org.michelle.id, org.yusuf.id],
  });
  // Case folding beyond ASCII: the stored lower() copy and the lowered pattern must agree with ILIKE.
  await createConversationFixture(db(), { municipalityId: org.oost.municipalities.Roermond!, firstName: 'Émile', messages: [{ direction: 'in', body: 'Één vraag over werk in het CAFÉ' }] });
}, 120_000);
afterAll(async () => iso?.destroy());

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Alias?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}
const flatten = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(flatten)];

/** A parameter as an SQL literal (test-only: our own uuids, patterns and numbers). */
const literal = (v: unknown) => (typeof v === 'number' ? String(v) : `'${String(v).replace(/'/g, "''")}'`);

/** The plan of listInbox's search; `generic` = the plan a prepared statement caches after a few runs. */
async function searchPlan(term: string, generic = false): Promise<PlanNode[]> {
  const q = inboxStatement(db(), { municipalityIds: scope, search: term }).toSQL();
  const conn = await iso.ctx.database.sql.reserve();
  try {
    let rows: Record<string, unknown>[];
    if (generic) {
      await conn.unsafe('set plan_cache_mode = force_generic_plan');
      await conn.unsafe(`prepare search_stmt as ${q.sql}`);
      rows = await conn.unsafe(`explain (format json) execute search_stmt(${q.params.map(literal).join(', ')})`);
      await conn.unsafe('deallocate search_stmt');
      await conn.unsafe('reset plan_cache_mode');
    } else {
      rows = await conn.unsafe(`explain (format json) ${q.sql}`, q.params as never[]);
    }
    const [plan] = rows[0]!['QUERY PLAN'] as { Plan: PlanNode }[];
    return flatten(plan!.Plan);
  } finally {
    conn.release();
  }
}

const indexesUsed = (nodes: PlanNode[]) => new Set(nodes.map((n) => n['Index Name']).filter(Boolean));
const seqScans = (nodes: PlanNode[]) => nodes.filter((n) => n['Node Type'] === 'Seq Scan').map((n) => `${n['Relation Name']} ${n.Alias}`);

describe('inbox search plan', () => {
  it('is realistically sized (so the planner could prefer a scan if the indexes did not fit)', async () => {
    const [row] = await db().execute<{ messages: number; youngsters: number }>(
      sql`select (select count(*) from messages)::int as messages, (select count(*) from youngsters)::int as youngsters`,
    );
    expect(row!.messages).toBeGreaterThanOrEqual(40_000);
    expect(row!.youngsters).toBeGreaterThanOrEqual(2_000);
  });

  for (const generic of [false, true]) {
    it(`reads messages and names through their trigram indexes, never by a scan (${generic ? 'cached generic plan' : 'first plan'})`, async () => {
      for (const term of ['sollicitatiebrief', 'Zwartjes', 'werk', 'Anouk de Vries']) {
        const nodes = await searchPlan(term, generic);
        const used = indexesUsed(nodes);
        expect(used, term).toContain('messages_search_trgm_idx');
        expect(used, term).toContain('youngsters_name_trgm_idx');
        // The search's own reads (sm: messages, sy: youngsters) and messages in general are never scanned.
        expect(seqScans(nodes).filter((s) => s.startsWith('messages') || s.endsWith(' sy') || s.endsWith(' sm')), term).toEqual([]);
      }
    });
  }

  it('finds exactly what a plain scan finds: names (first, last, full) and non-bot messages, in scope only', async () => {
    for (const term of ['Jansen', 'SollicitatieBRIEF', 'Anouk de Vries', 'van der', 'Zwartjes', 'ik ga', 'zoë', 'WERK MOET', 'café', 'één VRAAG', 'émile']) {
      const found = (await listInbox(db(), { municipalityIds: scope, search: term, limit: 10_000 })).map((c) => c.id).sort();
      const pattern = likePattern(term);
      const reference = await db().execute<{ id: string }>(sql`
        select c.id from conversations c left join youngsters y on y.id = c.youngster_id
        where c.municipality_id in (${sql.join(scope.map((m) => sql`${m}::uuid`), sql`, `)})
          and (concat_ws(' ', y.first_name, y.name_prefix, y.last_name) ilike ${pattern}
               or exists (select 1 from messages m where m.conversation_id = c.id and m.kind <> 'bot' and m.body ilike ${pattern}))
        order by c.id`);
      expect(found, term).toEqual(reference.map((r) => r.id));
      if (term === 'Jansen' || term === 'SollicitatieBRIEF') expect(found.length, term).toBeGreaterThan(5);
      if (term === 'café' || term === 'één VRAAG' || term === 'émile') expect(found, term).toHaveLength(1);
    }
  });
});
