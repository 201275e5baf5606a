import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, DbOrTx } from '../client.js';

/**
 * The monitoring figures, read ONLY from the anonymous events table (never
 * from youngsters or any other personal table), so they survive the erasure of
 * the people behind them, and a reference date always gives the same figures:
 * every count takes the events recorded before `until` (the end of the
 * reference day) - events are only ever added. `from` opens the period.
 *
 * Per municipality, raw and exact; small-cell protection is the caller's
 * (web/domain/monitoring-report.ts). docs/monitoring.md says what each counts.
 *
 * Three statements, each one pass over its events:
 * - the lists: list.imported (few rows) and youngster.listed of the period;
 * - per youngster (the monitoring key): what happened to them - approached,
 *   reached, the card funnel, time invested, erased - and their latest
 *   outflow, support question, reason for declining and zzp check;
 * - aggregated per municipality, and per municipality x card variant x channel
 *   for the funnel.
 */

export interface ReportWindow {
  municipalityIds: readonly string[];
  from: Date;
  until: Date;
}

const num = z.coerce.number();
const n0 = num.nullable().transform((v) => v ?? 0);

const listRow = z.object({
  municipality_id: z.uuid(),
  occurred_at: z.coerce.date(),
  list_month: z.string(),
  baseline: z.boolean(),
  rows: n0,
  new_inflow: n0,
});

/** Every list imported before `until` (oldest first): the nulmeting and the list at the reference date come from these. */
export async function listsUntil(db: DbOrTx, w: ReportWindow) {
  if (w.municipalityIds.length === 0) return [];
  const raw = await db.execute(sql`
    select municipality_id, occurred_at, data->>'listMonth' as list_month, coalesce((data->>'baseline')::boolean, false) as baseline,
           (data->>'rows')::int as rows, (data->>'newInflow')::int as new_inflow
    from events
    where type = 'list.imported' and occurred_at < ${w.until.toISOString()}::timestamptz
      and municipality_id = any(${sql.param([...w.municipalityIds])}::uuid[])
    order by occurred_at, id`);
  return z.array(listRow).parse(raw);
}

const inflowRow = z.object({
  municipality_id: z.uuid(),
  new_inflow: n0,
  kvk: n0,
  known: n0,
  picked_up: n0,
  age_23: n0,
  age_24: n0,
  age_25: n0,
  age_26: n0,
  age_other: n0,
});

/**
 * The new inflow of the period (rows of youngster.listed marked new inflow, and every row of a
 * nulmeting list, which is approached whole), split into zzp per the list, known to the
 * municipality and picked up; the ages of those picked up.
 */
export async function inflowOf(db: DbOrTx, w: ReportWindow) {
  if (w.municipalityIds.length === 0) return [];
  const until = sql`${w.until.toISOString()}::timestamptz`;
  const ms = sql`${sql.param([...w.municipalityIds])}::uuid[]`;
  const raw = await db.execute(sql`
    with baseline as materialized (
      -- the months of each municipality's nulmeting lists, as imported before the end of the reference date
      select distinct municipality_id, data->>'listMonth' as list_month from events
      where type = 'list.imported' and (data->>'baseline')::boolean and occurred_at < ${until} and municipality_id = any(${ms})
    ),
    listed as (
      select e.municipality_id, e.data, coalesce((e.data->>'newInflow')::boolean, false) or b.list_month is not null as new_inflow
      from events e
      left join baseline b on b.municipality_id = e.municipality_id and b.list_month = e.data->>'listMonth'
      where e.type = 'youngster.listed' and e.occurred_at >= ${w.from.toISOString()}::timestamptz and e.occurred_at < ${until}
        and e.municipality_id = any(${ms})
    )
    select municipality_id,
      count(*) filter (where new_inflow) as new_inflow,
      count(*) filter (where new_inflow and (data->>'kvk')::boolean) as kvk,
      count(*) filter (where new_inflow and (data->>'known')::boolean) as known,
      count(*) filter (where new_inflow and (data->>'approached')::boolean) as picked_up,
      count(*) filter (where new_inflow and (data->>'approached')::boolean and (data->>'age')::int = 23) as age_23,
      count(*) filter (where new_inflow and (data->>'approached')::boolean and (data->>'age')::int = 24) as age_24,
      count(*) filter (where new_inflow and (data->>'approached')::boolean and (data->>'age')::int = 25) as age_25,
      count(*) filter (where new_inflow and (data->>'approached')::boolean and (data->>'age')::int = 26) as age_26,
      count(*) filter (where new_inflow and (data->>'approached')::boolean and coalesce((data->>'age')::int, 0) not between 23 and 26) as age_other
    from listed group by municipality_id`);
  return z.array(inflowRow).parse(raw);
}

/** Contact attempts in which the youngster was reached (spoken, in any way). */
const REACHED_KINDS = ['home_visit_spoke', 'phone', 'chat', 'office_visit', 'walk', 'video_call'];
/**
 * What the per-youngster pass reads besides the messages and the chat's first channel, which
 * are read apart: the messages are most of the table, and from them only the first and whether
 * one fell in the period count (an index-only scan of events_facts_idx).
 */
const SUBJECT_TYPES = [
  'youngster.listed',
  'card.generated',
  'card.delivered',
  'card.scanned',
  'contact.linked',
  'consent.given',
  'visit.booked',
  'visit.held',
  'visit.not_home',
  'visit.no_show',
  'contact_attempt.recorded',
  'youngster.erased',
];
/** The "latest value" events: a person's outflow, support question, reason for declining and zzp check as of the reference date. */
const LATEST_TYPES = ['youngster.outcome_set', 'youngster.support_question_set', 'youngster.decline_reason_set', 'optout.reason_given', 'youngster.self_employed_checked'];

/** The per-youngster facts, as a SQL fragment both aggregations below start from. */
function subjectFacts(w: ReportWindow) {
  const from = sql`${w.from.toISOString()}::timestamptz`;
  const until = sql`${w.until.toISOString()}::timestamptz`;
  const ms = sql`${sql.param([...w.municipalityIds])}::uuid[]`;
  const inPeriod = sql`occurred_at >= ${from}`;
  const reached = sql`(type = 'visit.held' or (type = 'contact_attempt.recorded' and data->>'kind' = any(${sql.param(REACHED_KINDS)}::text[])))`;
  return sql`
    received as materialized (
      select municipality_id as m, subject, min(occurred_at) as first_reply_at, bool_or(occurred_at >= ${from}) as replied
      from events
      where type = 'message.received' and subject is not null and occurred_at < ${until} and municipality_id = any(${ms})
      group by municipality_id, subject
    ),
    linked as materialized (
      -- the messenger the chat started on: the first contact.linked
      select distinct on (subject) subject, data->>'channel' as channel
      from events
      where type = 'contact.linked' and subject is not null and occurred_at < ${until} and municipality_id = any(${ms})
      order by subject, occurred_at, id
    ),
    other as materialized (
      select municipality_id as m, subject,
        bool_or((type = 'youngster.listed' and (data->>'approached')::boolean)) filter (where ${inPeriod}) as picked_up,
        bool_or(type in ('card.delivered', 'contact_attempt.recorded', 'visit.held', 'visit.not_home', 'visit.no_show')) filter (where ${inPeriod}) as approached,
        bool_or(${reached}) filter (where ${inPeriod}) as reached,
        bool_or(${reached}) as reached_ever,
        bool_or(type = 'youngster.erased') as erased,
        sum((data->>'minutes')::int) filter (where type = 'contact_attempt.recorded' and ${inPeriod}) as minutes,
        min(occurred_at) filter (where type = 'card.generated') as generated_at,
        min(data->>'variant') filter (where type = 'card.generated') as variant,
        min(occurred_at) filter (where type = 'card.delivered') as delivered_at,
        bool_or(type = 'card.scanned') as scanned,
        bool_or(type = 'contact.linked') as linked,
        bool_or(type = 'consent.given' and data->>'kind' = 'cooperation') as consented,
        bool_or(type = 'visit.booked') as visited
      from events
      where subject is not null and occurred_at < ${until} and municipality_id = any(${ms}) and type = any(${sql.param(SUBJECT_TYPES)}::text[])
      group by municipality_id, subject
    ),
    facts as (
      select coalesce(o.m, r.m) as m, coalesce(o.subject, r.subject) as subject,
        coalesce(o.picked_up, false) as picked_up,
        coalesce(o.approached, false) as approached,
        coalesce(o.reached, false) or coalesce(r.replied, false) as reached,
        coalesce(o.reached_ever, false) or r.subject is not null as reached_ever,
        coalesce(o.erased, false) as erased,
        o.minutes, o.generated_at, o.variant, o.delivered_at,
        coalesce(o.scanned, false) as scanned,
        l.channel,
        coalesce(o.linked, false) or r.subject is not null as chatted,
        r.first_reply_at,
        coalesce(o.consented, false) as consented,
        coalesce(o.visited, false) as visited
      from other o
      full join received r on r.subject = o.subject
      left join linked l on l.subject = coalesce(o.subject, r.subject)
    ),
    latest as (
      select distinct on (subject, kind) subject, kind, value, occurred_at
      from (
        select subject, occurred_at, id,
          case when type = 'optout.reason_given' then 'youngster.decline_reason_set' else type end as kind,
          coalesce(data->>'category', data->>'reason', data->>'selfEmployed') as value
        from events
        where subject is not null and occurred_at < ${until} and municipality_id = any(${ms}) and type = any(${sql.param(LATEST_TYPES)}::text[])
      ) x
      order by subject, kind, occurred_at desc, id desc
    ),
    person as materialized (
      select f.*,
        o.value as outflow, o.occurred_at as outflow_at,
        s.value as support,
        case when r.occurred_at >= ${from} then r.value end as reason,
        z.value as self_employed
      from facts f
      left join latest o on o.subject = f.subject and o.kind = 'youngster.outcome_set'
      left join latest s on s.subject = f.subject and s.kind = 'youngster.support_question_set'
      left join latest r on r.subject = f.subject and r.kind = 'youngster.decline_reason_set'
      left join latest z on z.subject = f.subject and z.kind = 'youngster.self_employed_checked'
    )`;
}

const categoryCounts = z.record(z.string(), num).nullable().transform((v) => v ?? {});
const resultRow = z.object({
  municipality_id: z.uuid(),
  approached: n0,
  reached: n0,
  active: n0,
  minutes: n0,
  worked_with: n0,
  outflow: categoryCounts,
  support: categoryCounts,
  reasons: categoryCounts,
  zzp_listed: n0,
  zzp_yes: n0,
  zzp_no: n0,
});
export type ResultRow = z.infer<typeof resultRow>;

/** Indicator 2 and 4 and the characteristics of those picked up (support question, zzp check), per municipality. */
const funnelRow = z.object({
  municipality_id: z.uuid().nullable(),
  variant: z.string().nullable(),
  channel: z.string().nullable(),
  cards: n0,
  delivered: n0,
  scanned: n0,
  chatted: n0,
  consented: n0,
  visited: n0,
  outflow: n0,
  replied: n0,
  median_reply_hours: num.nullable(),
});
export type FunnelRow = z.infer<typeof funnelRow>;

/**
 * Indicator 2 and 4, the characteristics of those picked up (support question, zzp check) per
 * municipality, and the response funnel of the cards made in the period: cards -> delivered ->
 * scanned -> chat started -> consent -> visit -> outflow (each as of the reference date), with the
 * median hours from delivery to the first reply, grouped per municipality, per municipality and
 * card variant, per municipality and channel (the messenger the chat started on; 'none' before any
 * chat), and the same without the municipality (a null column is "all"). One statement: the
 * per-youngster pass is made once for both.
 */
export async function peopleFigures(db: DbOrTx, w: ReportWindow): Promise<{ results: ResultRow[]; funnel: FunnelRow[] }> {
  if (w.municipalityIds.length === 0) return { results: [], funnel: [] };
  const from = sql`${w.from.toISOString()}::timestamptz`;
  const [raw] = await db.execute(sql`
    with ${subjectFacts(w)},
    picked as (
      -- zzp per the list: the listed row said kvk (youngster.listed of the period, picked up)
      select distinct e.subject from events e
      where e.type = 'youngster.listed' and e.subject is not null and (e.data->>'kvk')::boolean and (e.data->>'approached')::boolean
        and e.occurred_at >= ${from} and e.occurred_at < ${w.until.toISOString()}::timestamptz
        and e.municipality_id = any(${sql.param([...w.municipalityIds])}::uuid[])
    ),
    per_m as (
      select m,
        count(*) filter (where approached) as approached,
        count(*) filter (where reached) as reached,
        count(*) filter (where reached_ever and outflow is null and not erased) as active,
        coalesce(sum(minutes), 0) as minutes,
        count(*) filter (where minutes is not null) as worked_with,
        count(*) filter (where p.subject is not null) as zzp_listed,
        count(*) filter (where p.subject is not null and self_employed = 'true') as zzp_yes,
        count(*) filter (where p.subject is not null and self_employed = 'false') as zzp_no
      from person left join picked p using (subject)
      group by m
    ),
    outflow as (
      select m, jsonb_object_agg(outflow, n) as outflow from (
        select m, outflow, count(*) as n from person where outflow is not null and outflow_at >= ${from} group by m, outflow
      ) x group by m
    ),
    support as (
      select m, jsonb_object_agg(coalesce(support, 'unknown'), n) as support from (
        select m, support, count(*) as n from person where picked_up group by m, support
      ) x group by m
    ),
    reasons as (
      select m, jsonb_object_agg(reason, n) as reasons from (
        select m, reason, count(*) as n from person where reason is not null group by m, reason
      ) x group by m
    ),
    results as (
      select per_m.m as municipality_id, approached, reached, active, minutes, worked_with, zzp_listed, zzp_yes, zzp_no,
             outflow.outflow, support.support, reasons.reasons
      from per_m left join outflow using (m) left join support using (m) left join reasons using (m)
    ),
    cohort as (
      select m, coalesce(variant, 'regular') as variant, coalesce(channel, 'none') as channel, delivered_at, scanned, chatted, consented, visited, outflow,
             case when first_reply_at > delivered_at then extract(epoch from (first_reply_at - delivered_at)) / 3600.0 end as reply_hours
      from person where generated_at >= ${from}
    ),
    funnel as (
      select m as municipality_id, variant, channel,
        count(*) as cards,
        count(*) filter (where delivered_at is not null) as delivered,
        count(*) filter (where scanned) as scanned,
        count(*) filter (where chatted) as chatted,
        count(*) filter (where consented) as consented,
        count(*) filter (where visited) as visited,
        count(*) filter (where outflow is not null) as outflow,
        count(reply_hours) as replied,
        round((percentile_cont(0.5) within group (order by reply_hours))::numeric, 1) as median_reply_hours
      from cohort
      group by grouping sets ((m), (m, variant), (m, channel), (), (variant), (channel))
    )
    select (select coalesce(json_agg(results), '[]'::json) from results) as results,
           (select coalesce(json_agg(funnel), '[]'::json) from funnel) as funnel`);
  return z.object({ results: z.array(resultRow), funnel: z.array(funnelRow) }).parse(raw);
}

/** Which municipalities a report covers, by name: the team's own, or every one of the team's region (a regional account). */
export async function reportMunicipalities(db: DbOrTx, q: { teamId: string; wholeRegion: boolean }) {
  const raw = q.wholeRegion
    ? await db.execute(sql`
        select m.id, m.name, r.name as region from municipalities m join regions r on r.id = m.region_id
        where m.region_id = (select region_id from teams where id = ${q.teamId}::uuid) order by m.name`)
    : await db.execute(sql`
        select m.id, m.name, r.name as region from team_municipalities tm
        join municipalities m on m.id = tm.municipality_id join regions r on r.id = m.region_id
        where tm.team_id = ${q.teamId}::uuid order by m.name`);
  return z.array(z.object({ id: z.uuid(), name: z.string(), region: z.string() })).parse(raw);
}

/**
 * Every statement of one report in one read-only transaction on one snapshot (repeatable read:
 * the lists, the inflow and the people are counted from the same events), with PostgreSQL's JIT
 * off: compiling these one-off aggregates cost more than running them (bench/monitoring.ts), and
 * room to aggregate in memory.
 */
export async function monitoringFigures(db: Db, w: ReportWindow) {
  return db.transaction(
    async (tx) => {
      await tx.execute(sql`set local jit = off`);
      // The per-youngster pass aggregates in memory instead of sorting to disk (one report at a time per connection).
      await tx.execute(sql`set local work_mem = '64MB'`);
      const lists = await listsUntil(tx, w);
      const inflow = await inflowOf(tx, w);
      const { results, funnel } = await peopleFigures(tx, w);
      return { lists, inflow, results, funnel };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}
