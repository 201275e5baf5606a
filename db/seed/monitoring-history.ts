import { performance } from 'node:perf_hooks';
import { eq, sql, type SQL } from 'drizzle-orm';
import type { Db, DbOrTx } from '../client.js';
import { DECLINE_REASONS, municipalities, regions, SUPPORT_QUESTIONS } from '../schema/index.js';
import { DEMO_REGION } from './demo.js';

/**
 * An anonymous monitoring history, written straight into `events` with a few
 * set-based statements (INSERT ... SELECT over generate_series): per
 * municipality a list a month (the first one the nulmeting), per person on a
 * list a `youngster.listed` row, and for those picked up the card funnel
 * (generated, delivered, scanned, chat started), chats (message.received /
 * message.sent), consent, visits and their results, contact attempts with
 * minutes, support questions, outflow over the region's destinations, reasons
 * for declining, zzp checks and erasures - spread over the months with
 * plausible gaps between the steps, never after `now`.
 *
 * Only what the events table holds in a real install: municipality ids, the
 * people's monitoring keys (pseudo-random uuids: md5 of the seed and the
 * person's number, so the same spec always gives the same history), categories
 * and numbers; no names, texts or addresses. Deterministic for a given spec.
 *
 * Used by the demo (seedDemoMonitoringHistory below: a few hundred people) and
 * by the benchmark (bench/monitoring.ts: 100,000 people, 2,000,000 events).
 */
export interface HistorySpec {
  municipalityIds: readonly string[];
  /** Relative sizes of the municipalities (default: equal). */
  weights?: readonly number[];
  /** Makes the people's keys; another seed (or offset) gives other people. */
  seed: string;
  /** The people are numbered offset .. offset + people - 1; a second call with a higher offset adds more. */
  offset: number;
  people: number;
  /** The month of the first list (the nulmeting): any instant in it. */
  start: Date;
  /** Lists from `start`'s month on, one a month; at least 2. */
  months: number;
  /** Nothing is recorded at or after this instant. */
  now: Date;
  /** Record the lists themselves (list.imported): once per municipality and month, so only with the first people. */
  lists: boolean;
  /** The chats: a total number of message events, or an average per person who chatted. */
  messages: { total: number } | { perChatter: number };
  /** Share of the people on the nulmeting list (default 0.25). */
  baselineShare?: number;
  /** Written into each list's data as `history` (how the demo recognises its own history). */
  tag?: string;
  /** Told after each statement (the benchmark prints where the seeding time goes). */
  onStep?: (step: string, ms: number, rows: number) => void;
}

/** Outflow destinations, some more often than others (repeats weigh). */
const OUTFLOW_DRAW = [
  'werk', 'werk', 'werk', 'werk', 'opleiding', 'opleiding', 'opleiding', 'werken_en_opleiding', 'dagbesteding', 'zorgtraject',
  'zorgtraject', 'eigen_onderneming', 'vrijwilligerswerk', 'uitkering', 'uitkering', 'verhuizing', 'samenwonen', 'afzien_van_deelname',
  'afzien_van_deelname', 'geen_reactie', 'geen_reactie', 'geen_doelgroep_meer', 'anders', 'anders',
];
const ATTEMPT_DRAW = ['card_delivered', 'letter_sent', 'home_visit_not_home', 'home_visit_not_home', 'home_visit_spoke', 'phone', 'chat', 'chat'];

const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const textArray = (xs: readonly string[]) => sql`${sql.param([...xs])}::text[]`;
/** The k-th pseudo-random number in [0, 1) of a person (48 bytes of md5 per person). */
const u = (k: number) => sql.raw(`(get_byte(h, ${k}) / 256.0::float8)`);
const days = (expr: SQL) => sql`(${expr}) * interval '1 day'`;

/** The events one spec describes; returns how many were written. Run it in a transaction (it uses a temporary table). */
export async function writeMonitoringHistory(tx: DbOrTx, spec: HistorySpec): Promise<{ events: number; people: number; chatters: number }> {
  if (spec.months < 2) throw new Error('a history needs at least two months');
  const n = spec.municipalityIds.length;
  const weights = spec.weights ?? spec.municipalityIds.map(() => 1);
  const sum = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  // The municipality of a person: by the cumulative weights, on its own random number.
  const mIndex = sql.raw(
    `case ${weights
      .slice(0, -1)
      .map((w, i) => {
        acc += w / sum;
        return `when get_byte(h, 2) / 256.0::float8 < ${acc.toFixed(6)} then ${i}`;
      })
      .join(' ')} else ${n - 1} end`,
  );
  const now = ts(spec.now);
  const start = sql`date_trunc('month', ${ts(spec.start)})`;
  const baseline = spec.baselineShare ?? 0.25;
  let stepAt = performance.now();
  const step = (name: string, rows: number) => {
    const t = performance.now();
    spec.onStep?.(name, t - stepAt, rows);
    stepAt = t;
    return rows;
  };
  const count = async (name: string, q: SQL) => step(name, ((await tx.execute(q)) as unknown as { count: number }).count);

  await tx.execute(sql`drop table if exists pg_temp.history_people`);
  // One row per person on a list: every step of what happens to them, decided on their own random numbers.
  await tx.execute(sql`
    create temp table history_people on commit drop as
    with p as materialized (
      select i, decode(md5(${spec.seed}::text || ':a:' || i), 'hex') || decode(md5(${spec.seed}::text || ':b:' || i), 'hex') || decode(md5(${spec.seed}::text || ':c:' || i), 'hex') as h
      from generate_series(${spec.offset}::int, ${spec.offset + spec.people - 1}::int) i
    ),
    s1 as materialized (
      select i, h, md5(${spec.seed}::text || ':key:' || i)::uuid as subject, md5(${spec.seed}::text || ':conversation:' || i)::uuid as conversation, ${mIndex} as mi,
        case when ${u(0)} < ${baseline}::float8 then 0 else 1 + floor(${u(1)} * ${spec.months - 1}::int)::int end as month,
        17 + floor(${u(3)} * 11)::int as age, ${u(4)} < 0.8 as new_inflow, ${u(5)} < 0.07 as kvk, ${u(6)} < 0.1 as known
      from p
    ),
    s2 as materialized (
      select s1.*, (${sql.param([...spec.municipalityIds])}::uuid[])[1 + mi] as m,
        to_char(${start} + month * interval '1 month', 'YYYY-MM-DD') as list_month,
        ${start} + month * interval '1 month' + interval '1 day 9 hours' + mi * interval '7 minutes' as import_at,
        (month = 0 or new_inflow) and not known as approached
      from s1
    ),
    s3 as materialized (
      select s2.*, import_at + ${days(sql`1 + 4 * ${u(7)}`)} as gen_at, approached and ${u(8)} < 0.9 as delivered,
        case when kvk then 'entrepreneur' else 'regular' end as variant
      from s2
    ),
    s4 as materialized (
      select s3.*, gen_at + ${days(sql`2 + 12 * ${u(9)}`)} as del_at, delivered and ${u(10)} < 0.35 as scanned from s3
    ),
    s5 as materialized (
      select s4.*, del_at + (1 + 480 * ${u(11)} * ${u(11)}) * interval '1 hour' as scan_at, scanned and ${u(13)} < 0.8 as linked from s4
    ),
    s6 as materialized (
      select s5.*, scan_at + (2 + 30 * ${u(14)}) * interval '1 minute' as link_at,
        case when ${u(15)} < 0.55 then 'whatsapp' when ${u(15)} < 0.8 then 'telegram' else 'web' end as channel,
        approached and ((linked and ${u(18)} < 0.5) or (delivered and not linked and ${u(18)} < 0.06)) as booked
      from s5
    ),
    s7 as materialized (
      select s6.*, (case when linked then link_at else del_at end) + ${days(sql`2 + 12 * ${u(19)}`)} as book_at,
        case when ${u(20)} < 0.6 then 'home' when ${u(20)} < 0.85 then 'office' when ${u(20)} < 0.95 then 'walk' else 'phone' end as visit_type,
        case when ${u(21)} < 0.7 then 'held' when ${u(21)} < 0.85 then 'not_home' else 'no_show' end as visit_result
      from s6
    ),
    s8 as materialized (
      select s7.*, book_at + ${days(sql`3 + 10 * ${u(22)}`)} as res_at from s7
    ),
    s9 as materialized (
      select s8.*, linked or (booked and visit_result = 'held' and res_at < ${now}) as reached,
        coalesce(case when linked then link_at end, case when booked then res_at end, del_at) as contact_at
      from s8
    )
    select s9.*,
      delivered and ${u(12)} < 0.3 as rescanned,
      linked and ${u(16)} < 0.45 as consented, link_at + ${days(sql`1 + 9 * ${u(17)}`)} as consent_at,
      30 + 15 * floor(${u(23)} * 4)::int as visit_minutes,
      case when approached then floor(${u(24)} * 4)::int else 0 end as attempts,
      reached and ${u(25)} < 0.7 as supported, floor(${u(26)} * ${SUPPORT_QUESTIONS.length})::int as support_i,
      contact_at + ${days(sql`3 + 10 * ${u(27)}`)} as support_at, ${u(28)} < 0.2 as support_changed,
      reached and ${u(29)} < 0.55 as out, floor(${u(30)} * ${OUTFLOW_DRAW.length})::int as out_i, contact_at + ${days(sql`20 + 120 * ${u(31)}`)} as out_at,
      approached and ((delivered and not linked and ${u(32)} < 0.08) or (linked and ${u(32)} < 0.05)) as declined,
      floor(${u(33)} * ${DECLINE_REASONS.length})::int as decline_i, del_at + ${days(sql`5 + 20 * ${u(34)}`)} as decline_at, linked and ${u(35)} < 0.5 as declined_in_chat,
      kvk and approached and ${u(36)} < 0.6 as zzp_checked, ${u(37)} < 0.45 as zzp_self_employed, del_at + ${days(sql`7 + 30 * ${u(38)}`)} as zzp_at,
      case when approached and ${u(39)} < 0.04 then coalesce(contact_at, gen_at) + ${days(sql`30 + 120 * ${u(40)}`)} end as erase_at,
      case when ${u(41)} < 0.6 then 'opt_out' else 'retention' end as erase_reason
    from s9`);
  step('people', spec.people);

  let events = 0;
  if (spec.lists) {
    // One list per municipality and month: its rows are everyone on it so far (the stock), its new inflow this month's.
    events += await count('list.imported', sql`
      insert into events (type, occurred_at, municipality_id, data)
      select 'list.imported', import_at, m, jsonb_build_object('listMonth', list_month, 'baseline', month = 0,
        'rows', sum(rows) over (partition by m order by month), 'newInflow', new_inflow, 'kvk', kvk, 'known', known, 'approached', approached,
        'updated', 0, 'notNewInflow', not_new, 'knownSkipped', known, 'suppressed', 0, 'heldBack', 0)
        || ${spec.tag ? sql`jsonb_build_object('history', ${spec.tag}::text)` : sql`'{}'::jsonb`}
      from (
        select m, month, list_month, min(import_at) as import_at, count(*) as rows, count(*) filter (where new_inflow) as new_inflow,
          count(*) filter (where kvk) as kvk, count(*) filter (where known) as known, count(*) filter (where approached) as approached,
          count(*) filter (where not known and not new_inflow and month > 0) as not_new
        from history_people group by m, month, list_month
      ) l
      where import_at < ${now}`);
  }
  // Who was on a list; only the people picked up have a key (the others stay a count), as the list import records them.
  events += await count('youngster.listed', sql`
    insert into events (type, occurred_at, municipality_id, subject, data)
    select 'youngster.listed', import_at, m, case when approached then subject end,
      jsonb_build_object('listMonth', list_month, 'age', age, 'newInflow', new_inflow, 'kvk', kvk, 'known', known, 'approached', approached,
        'variant', case when approached then variant end,
        'decision', case when approached then 'approach' when known then 'known_to_municipality' else 'not_new_inflow' end)
    from history_people where import_at < ${now}`);

  // Everything else that happens to a person, one candidate row per kind of event; kept when it happened, before now and before an erasure.
  const attemptKind = (result: string) =>
    sql`case visit_type when 'home' then ${result === 'held' ? 'home_visit_spoke' : 'home_visit_not_home'} when 'office' then 'office_visit' when 'walk' then 'walk' else 'phone' end`;
  events += await count('funnel, visits, outcomes', sql`
    insert into events (type, occurred_at, municipality_id, subject, conversation_id, data)
    select x.type, x.at, p.m, p.subject, x.conversation, x.data
    from history_people p
    cross join lateral (values
      ('card.generated', p.gen_at, null::uuid, jsonb_build_object('variant', p.variant, 'layout', 'a6'), p.approached),
      ('card.delivered', p.del_at, null, '{}'::jsonb, p.delivered),
      ('card.scanned', p.scan_at, null, '{}'::jsonb, p.scanned),
      ('card.scanned', p.scan_at + interval '2 days', null, '{}'::jsonb, p.scanned and p.rescanned),
      ('contact.linked', p.link_at, null, jsonb_build_object('via', 'card', 'channel', p.channel), p.linked),
      ('message.received', p.link_at + interval '1 minute', p.conversation, jsonb_build_object('channel', p.channel, 'kind', 'text'), p.linked),
      ('consent.given', p.consent_at, p.conversation, jsonb_build_object('kind', 'cooperation', 'category', null, 'via', 'chat'), p.consented),
      ('visit.booked', p.book_at, null, jsonb_build_object('type', p.visit_type, 'day', to_char(p.res_at, 'YYYY-MM-DD'), 'via', case when p.linked then 'chat' else 'staff' end), p.booked),
      ('visit.' || p.visit_result, p.res_at, null, jsonb_build_object('type', p.visit_type, 'day', to_char(p.res_at, 'YYYY-MM-DD')), p.booked),
      ('contact_attempt.recorded', p.res_at, null,
        jsonb_build_object('kind', case when p.visit_result = 'held' then ${attemptKind('held')} else ${attemptKind('not_home')} end, 'minutes', p.visit_minutes, 'on', to_char(p.res_at, 'YYYY-MM-DD')),
        p.booked and p.visit_result <> 'no_show'),
      ('youngster.support_question_set', p.support_at, null, jsonb_build_object('category', (${textArray(SUPPORT_QUESTIONS)})[1 + p.support_i]), p.supported),
      ('youngster.support_question_set', p.support_at + interval '30 days', null,
        jsonb_build_object('category', (${textArray(SUPPORT_QUESTIONS)})[1 + (p.support_i + 1) % ${SUPPORT_QUESTIONS.length}]), p.supported and p.support_changed),
      ('youngster.outcome_set', p.out_at, null, jsonb_build_object('category', (${textArray(OUTFLOW_DRAW)})[1 + p.out_i], 'on', to_char(p.out_at, 'YYYY-MM-DD')), p.out),
      (case when p.declined_in_chat then 'optout.reason_given' else 'youngster.decline_reason_set' end, p.decline_at, null,
        jsonb_build_object('reason', (${textArray(DECLINE_REASONS)})[1 + p.decline_i]), p.declined),
      ('youngster.self_employed_checked', p.zzp_at, null, jsonb_build_object('selfEmployed', p.zzp_self_employed), p.zzp_checked),
      ('youngster.erased', p.erase_at, null, jsonb_build_object('reason', p.erase_reason, 'age', p.age), p.erase_at is not null)
    ) as x(type, at, conversation, data, happened)
    where x.happened and x.at < ${now} and (p.erase_at is null or x.at <= p.erase_at)`);

  // Contact attempts on the panel: 0-3 per person picked up, a week or two apart, with their minutes.
  events += await count('contact attempts', sql`
    insert into events (type, occurred_at, municipality_id, subject, data)
    select 'contact_attempt.recorded', at, m, subject,
      jsonb_build_object('kind', (${textArray(ATTEMPT_DRAW)})[1 + get_byte(h, 41 + k) % ${ATTEMPT_DRAW.length}], 'minutes', 5 + 5 * (get_byte(h, 44 + k) % 12), 'on', to_char(at, 'YYYY-MM-DD'))
    from (
      select p.*, k, coalesce(p.del_at, p.gen_at) + k * (5 + get_byte(p.h, 38 + k) % 10) * interval '1 day' as at
      from history_people p cross join lateral generate_series(1, p.attempts) k
    ) a
    where at < ${now} and (erase_at is null or at <= erase_at)`);

  // The chats: message events spread over each chat's first two months, more for some people than for others.
  const [c] = (await tx.execute(sql`select count(*)::int as n from history_people where linked and link_at < ${now}`)) as unknown as { n: number }[];
  const chatters = c?.n ?? 0;
  const total = 'total' in spec.messages ? Math.max(0, spec.messages.total - events) : Math.round(chatters * spec.messages.perChatter);
  if (chatters > 0 && total > 0) {
    events += await count('messages', sql`
      with c as (
        select row_number() over (order by i) - 1 as ord, m, subject, conversation, channel, link_at,
          least(link_at + interval '60 days', ${now} - interval '1 minute', coalesce(erase_at, 'infinity')) as end_at
        from history_people where linked and link_at < ${now}
      )
      insert into events (type, occurred_at, municipality_id, subject, conversation_id, data)
      select case when g % 5 < 2 then 'message.received' else 'message.sent' end,
        c.link_at + interval '2 minutes' + greatest(c.end_at - c.link_at - interval '2 minutes', interval '0') * (((g * 40503 + 7) % 65536) / 65536.0::float8),
        c.m, c.subject, c.conversation,
        case when g % 5 < 2 then jsonb_build_object('channel', c.channel, 'kind', 'text') else jsonb_build_object('channel', c.channel) end
      from generate_series(0::bigint, ${total - 1}::bigint) g
      join c on c.ord = floor(${chatters}::int * power(((g * 2654435761) % 4294967296) / 4294967296.0::float8, 1.3))::int`);
  }
  await tx.execute(sql`drop table if exists pg_temp.history_people`);
  return { events, people: spec.people, chatters };
}

/** Noon (UTC) of the first day of the half year before the one `now` lies in. */
function previousHalfYearStart(now: Date): Date {
  const y = now.getUTCFullYear();
  return now.getUTCMonth() < 6 ? new Date(Date.UTC(y - 1, 6, 1, 12)) : new Date(Date.UTC(y, 0, 1, 12));
}

/** Whole months from `start`'s month to `now`'s, both counted. */
const monthsFrom = (start: Date, now: Date) => (now.getUTCFullYear() - start.getUTCFullYear()) * 12 + now.getUTCMonth() - start.getUTCMonth() + 1;

/** The demo's municipalities, from big to small (Roermond the largest, Nederweert and Maasgouw small: small cells show up). */
const DEMO_SIZES: Record<string, number> = { Roermond: 9, Weert: 7, Leudal: 5, Maasgouw: 3, Nederweert: 2.5 };
/** Marks the demo history (on its lists' events), so a restart of the demo finds it and adds nothing. */
const DEMO_HISTORY_SEED = 'demo-history-1';

/**
 * The demo's monitoring history: the current and the previous half year (relative to the first
 * start of the demo) for the five demo municipalities - ~600 people on the lists, a nulmeting in
 * the first month - so /reports/monitoring shows tables and charts for both teams and a regional
 * account sees small cells as "<5". Anonymous events only. Idempotent: skipped when the history
 * (its marker on the lists) is already there; an advisory lock keeps two starting demos apart.
 */
export async function seedDemoMonitoringHistory(db: Db, opts: { now?: Date } = {}): Promise<{ seeded: boolean; events: number }> {
  const now = opts.now ?? new Date();
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('lijntje-demo-monitoring-history'))`);
    const ms = await tx
      .select({ id: municipalities.id, name: municipalities.name })
      .from(municipalities)
      .innerJoin(regions, eq(regions.id, municipalities.regionId))
      .where(eq(regions.name, DEMO_REGION))
      .orderBy(municipalities.name);
    if (ms.length === 0) return { seeded: false, events: 0 };
    const [done] = (await tx.execute(sql`
      select 1 as one from events where type = 'list.imported' and data->>'history' = ${DEMO_HISTORY_SEED}
        and municipality_id = any(${sql.param(ms.map((m) => m.id))}::uuid[]) limit 1`)) as unknown as unknown[];
    if (done) return { seeded: false, events: 0 };
    const start = previousHalfYearStart(now);
    const written = await writeMonitoringHistory(tx, {
      municipalityIds: ms.map((m) => m.id),
      weights: ms.map((m) => DEMO_SIZES[m.name] ?? 3),
      seed: DEMO_HISTORY_SEED,
      offset: 0,
      people: 640,
      start,
      months: monthsFrom(start, now),
      now,
      lists: true,
      messages: { perChatter: 9 },
      baselineShare: 0.3,
      // The marker: the history's lists say where they came from (a label, nothing about anyone).
      tag: DEMO_HISTORY_SEED,
    });
    return { seeded: true, events: written.events };
  });
}
