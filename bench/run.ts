import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildWebApp } from '../bin/services.js';
import { startFakeTelegram, type FakeTelegram } from '../testing/fake-telegram.js';
import { cpuMsPer, formatCpu, startCpuMeter, type CpuShares } from './cpu.js';
import { highestPassingRate, runRateSteps, type RateStep } from './rate-steps.js';
import { benchCards } from './cards.js';
import { runFloor, type FloorResult } from './floor.js';
import { runListImportBench } from './list-import.js';
import { cardRows, listNotes, listRows } from './list-rows.js';
import { runInbound, startChats, type InboundResult, type Webhook } from './inbound.js';
import { runOutbound, type OutboundResult } from './outbound.js';
import { runSearch, type SearchResult } from './search.js';
import { monitoringNote, monitoringRows, runMonitoringBench } from './monitoring.js';
import { runSlotsBench, slotNote, slotRows } from './slots.js';
import { sleep } from './load.js';
import { quiesce } from './pipeline.js';
import { startWorkerProcess, type WorkerProcess } from './worker-process.js';
import { describeMachine, load1, ms, pct, printTable, rate, writeResults, type Row } from './report.js';
import { BOT_TOKEN, WEBHOOK_SECRET, createWorld, redisUrl, seedOrg, type BenchWorld } from './setup.js';

/**
 * `npm run bench`: inbound latency/throughput against a raw floor, then
 * outbound rate against a rate-enforcing fake Telegram. Loopback only; the
 * database and Redis keys of the run are removed at the end, also on failure.
 * Exit 0 whenever the figures were measured (a missed target is a result,
 * not an error); non-zero only when the benchmark itself could not run.
 */
// The warm-up runs at the measured rate on chats of its own (their first texts included), so the
// database pools, HTTP sockets and JIT are where a running service has them; the measured chats stay fresh.
const INBOUND = { chats: 200, rate: 200, seconds: 10, graceS: 20, warmupChats: 100, warmupMessages: 600, warmupRate: 200 };
const FLOOR = { graceS: 20 };
// Rising offered rates (msg/s), a few seconds each, until one misses the p99 target.
const IDLE_S = 5;
const STEPS = { rates: [100, 150, 200, 250, 300, 400, 500], seconds: 6 };
const OUTBOUND = {
  chats: 300,
  perChat: 3,
  allowedRate: 30,
  firstChatId: 900_000,
  timeoutS: 70,
  // How a burst of replies is usually queued (greeting + menu, a coach's consecutive replies); `round` isolates the limiter.
};
// 5000 conversations x 20 messages = 100k messages; every term 30 times per pass, two passes.
const SEARCH = { conversations: 5000, messagesPerConversation: 20, repeat: 30, passes: 2, withoutIndexRepeat: 3 };
/** Longest wait for the pipeline to come to rest between scenarios before its backlog is removed. */
const SETTLE_S = { setup: 45, afterInbound: 15 };
const TARGET = { floorShare: 0.5, p99Ms: 100, allowedShare: 0.95, searchP95Ms: 50, cpuVsFloor: 1.5, listImportS: 3 };
// Scenario (d): the monthly list; (e): card PDFs (bench/cards.ts, its own targets).
const LISTS = { rows: 10_000, runs: 2 };
const CARDS = { sizes: [1000, 5000], repeats: 2 };
// Scenario (f): the slot search for a team of 20 with a year of bookings; target per request.
const SLOTS = { staff: 20, requests: 300, runs: 2, targetMs: 50 };
// Scenario (g): the monitoring report over 100,000 people's 2,000,000 anonymous events, then the same region at 2x and 4x.
const MONITORING = { municipalities: 10, youngsters: 100_000, events: 2_000_000, requests: 20, runs: 2, warmup: 5, statementRepeats: 6, growth: [2, 4], growthRequests: 10, targetMs: 500 };
// Hard stop: a hung run must not sit on a CI machine (a normal run takes ~15 min, the monitoring report ~10 of it).
const WATCHDOG_MS = 20 * 60_000;
const RESULTS = fileURLToPath(new URL('./RESULTS.md', import.meta.url));

const log = (msg: string) => console.error(`[bench] ${msg}`);
/** `npm run bench -- --search-only`: only scenario (c), printed, RESULTS.md left alone (a quick check while working on the search). */
const SEARCH_ONLY = process.argv.includes('--search-only');
/** `npm run bench -- --inbound-only`: setup, inbound, floor and the rate steps, printed, RESULTS.md left alone (while working on the inbound path). */
const INBOUND_ONLY = process.argv.includes('--inbound-only');
/** `npm run bench -- --lists-only`: the list import (d) and the card PDFs (e), printed, RESULTS.md left alone. */
const LISTS_ONLY = process.argv.includes('--lists-only');
/** `npm run bench -- --slots-only`: the slot search (f), printed, RESULTS.md left alone. */
const SLOTS_ONLY = process.argv.includes('--slots-only');
/** `npm run bench -- --monitoring-only`: the monitoring report (g), printed, RESULTS.md left alone. */
const MONITORING_ONLY = process.argv.includes('--monitoring-only');

async function main() {
  let fake: FakeTelegram | undefined;
  let world: BenchWorld | undefined;
  let app: FastifyInstance | undefined;
  let worker: WorkerProcess | undefined;
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    await app?.close().catch(() => {});
    await worker?.stop().catch(() => {});
    await world?.destroy().catch((err: unknown) => log(`cleanup failed: ${(err as Error).message}`));
    await fake?.close().catch(() => {});
  };
  const abort = (why: string, code: number) => {
    aborting = true;
    log(why);
    void cleanup().finally(() => process.exit(code));
  };
  setTimeout(() => abort(`gave up after ${WATCHDOG_MS / 1000} s`, 2), WATCHDOG_MS).unref();
  process.once('SIGINT', () => abort('interrupted', 130));
  process.once('SIGTERM', () => abort('terminated', 143));

  // What the machine does without us: one quiet second before anything starts.
  const quiet = startCpuMeter();
  await sleep(1000);
  const background = quiet();
  const busyBefore = (background.other ?? 0) + (background.dataStores ?? 0);
  const backgroundNote = `before the run: ${busyBefore.toFixed(2)} of ${os.cpus().length} cores busy with other work; 1-min load average ${load1().toFixed(2)}`;
  if (busyBefore > 0.25) log(`warning: the machine is busy (${backgroundNote}); figures will be lower than on an idle machine`);
  const purged: string[] = [];
  try {
    fake = await startFakeTelegram(BOT_TOKEN, { perSecond: OUTBOUND.allowedRate });
    world = await createWorld(fake.apiRoot);
    const { ctx } = world;
    log(`database ${world.dbName}, queue prefix ${world.prefix}`);
    if (SEARCH_ONLY) {
      const search = await measureSearch(ctx);
      console.log('');
      printTable(searchRows(search.result, search.cpu));
      return;
    }
    if (LISTS_ONLY) {
      console.log('');
      printTable(await measureLists(ctx));
      return;
    }
    if (SLOTS_ONLY) {
      const slots = await measureSlots(ctx);
      console.log('');
      printTable(slotRows(slots, SLOTS.targetMs));
      return;
    }
    if (MONITORING_ONLY) {
      const monitoring = await measureMonitoring(ctx);
      console.log('');
      printTable(monitoringRows(monitoring, MONITORING.targetMs));
      console.log('');
      console.log(`note: ${monitoringNote(monitoring)}`);
      return;
    }
    const org = await seedOrg(ctx, INBOUND.chats + INBOUND.warmupChats);

    // As deployed: this process is the web app (webhook + dialogue); routing and delivery run in a worker process.
    worker = await startWorkerProcess(ctx, world.env);
    app = await buildWebApp(ctx);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('the app did not get a port');
    const hook: Webhook = { baseUrl: `http://127.0.0.1:${address.port}`, secret: WEBHOOK_SECRET };

    // Setup: every chat scans its card; the warm-up chats exercise the whole path at full rate (JIT, pools, sockets).
    const chats = Array.from({ length: INBOUND.chats }, (_, i) => 700_000 + i);
    const warmup = Array.from({ length: INBOUND.warmupChats }, (_, i) => 800_000 + i);
    log(`starting ${chats.length + warmup.length} chats (/start <card>)`);
    await startChats(ctx, hook, [...chats, ...warmup], org.cardTokens);
    log('warm-up');
    await runInbound(ctx, hook, { chats: warmup, total: INBOUND.warmupMessages, rate: INBOUND.warmupRate, graceS: 15 });
    // The greetings and menus of all those /starts go out before anything is measured.
    await settle(ctx, SETTLE_S.setup, 'setup (greetings)', purged);

    log(`inbound: ${INBOUND.rate} msg/s for ${INBOUND.seconds} s over ${chats.length} chats`);
    let meter = startCpuMeter(worker?.pid);
    const inbound = await runInbound(ctx, hook, { chats, total: INBOUND.rate * INBOUND.seconds, rate: INBOUND.rate, graceS: INBOUND.graceS });
    const cpuInbound = meter();
    // The bot's acknowledgements and any backlog, so the next scenarios start on an idle system.
    await settle(ctx, SETTLE_S.afterInbound, 'after inbound', purged);

    log('floor: INSERT + queue.add -> consumer, same rate and count');
    meter = startCpuMeter(worker?.pid);
    const floor = await runFloor(ctx, { total: INBOUND.rate * INBOUND.seconds, rate: INBOUND.rate, graceS: FLOOR.graceS, redisUrl });
    const cpuFloor = meter();

    // What the pipeline costs while nothing happens: a cost that does not shrink with the load shows here.
    meter = startCpuMeter(worker?.pid);
    await sleep(IDLE_S * 1000);
    const cpuIdle = meter();

    log(`rate steps: ${STEPS.rates.join(', ')} msg/s, ${STEPS.seconds} s each, until p99 >= ${TARGET.p99Ms} ms`);
    const steps = await runRateSteps(ctx, hook, {
      chats,
      rates: STEPS.rates,
      seconds: STEPS.seconds,
      p99Ms: TARGET.p99Ms,
      workerPid: worker?.pid,
      settle: () => settle(ctx, SETTLE_S.afterInbound, 'after a rate step', purged),
    });
    const inboundRows = [
      ...tableRows(inbound, floor, { inbound: cpuInbound, floor: cpuFloor }),
      { scenario: 'idle', metric: `CPU with no messages for ${IDLE_S} s`, value: formatCpu(cpuIdle), target: '', pass: null },
      ...stepRows(steps),
    ];
    if (INBOUND_ONLY) {
      console.log('');
      printTable(inboundRows);
      return;
    }

    log(`outbound: ${OUTBOUND.chats * OUTBOUND.perChat} messages to ${OUTBOUND.chats} chats, fake allows ${OUTBOUND.allowedRate}/s`);
    meter = startCpuMeter(worker?.pid);
    const outbound = await runOutbound(ctx, fake, { ...OUTBOUND, municipalityId: org.municipalityId, casemanagerId: org.casemanagerId });
    const cpuOutbound = meter();

    const search = await measureSearch(ctx, worker?.pid);
    // The worker process idles through these: the list import and the PDFs run in this process and in children.
    const listRows = await measureLists(ctx);
    const slots = await measureSlots(ctx);
    const monitoring = await measureMonitoring(ctx);

    const machine = await describeMachine(ctx, backgroundNote);
    const rows = [...inboundRows, ...outboundRows(outbound, cpuOutbound), ...searchRows(search.result, search.cpu), ...listRows, ...slotRows(slots, SLOTS.targetMs), ...monitoringRows(monitoring, MONITORING.targetMs)];
    console.log('');
    printTable(rows);
    console.log('');
    console.log(`machine: ${machine.cpu}, ${machine.memory}, Node ${machine.node}, Redis ${machine.redis}`);
    console.log(`         ${machine.postgres}`);
    console.log(`         ${machine.load}`);
    for (const p of purged) console.log(`note: ${p}`);
    await writeResults(RESULTS, rows, machine, [...notes(inbound, outbound), searchNote(search.result), ...listNotes(LISTS.rows), slotNote(slots), monitoringNote(monitoring), ...purged]);
    log(`written ${RESULTS}`);
  } finally {
    await cleanup();
  }
}

async function measureSearch(ctx: BenchWorld['ctx'], workerPid?: number) {
  log(`search: ${SEARCH.conversations * SEARCH.messagesPerConversation} messages, ${SEARCH.passes} passes of ${SEARCH.repeat} x each term`);
  const meter = startCpuMeter(workerPid);
  const result = await runSearch(ctx, SEARCH);
  return { result, cpu: meter() };
}

async function measureLists(ctx: BenchWorld['ctx']): Promise<Row[]> {
  log(`list import: ${LISTS.rows} rows, ${LISTS.runs} runs and a re-import, against csv-parse + one INSERT`);
  const lists = await runListImportBench(ctx, LISTS);
  log(`card PDFs: ${CARDS.sizes.join(' and ')} cards, ${CARDS.repeats} runs each, in child processes`);
  const cards = await benchCards(CARDS);
  return [...listRows(lists, TARGET.listImportS), ...cardRows(cards)];
}

async function measureSlots(ctx: BenchWorld['ctx']) {
  log(`slot search: ${SLOTS.staff} casemanagers, a year of bookings, ${SLOTS.runs} runs of ${SLOTS.requests} requests`);
  return runSlotsBench(ctx, SLOTS);
}

async function measureMonitoring(ctx: BenchWorld['ctx']) {
  log(`monitoring report: ${MONITORING.youngsters} people, ${MONITORING.events} events, ${MONITORING.runs} runs of ${MONITORING.requests} reports, then ${MONITORING.growth.join(' x and ')} x`);
  return runMonitoringBench(ctx, MONITORING, log);
}

async function settle(ctx: BenchWorld['ctx'], seconds: number, phase: string, notes: string[]) {
  const t0 = Date.now();
  const { purged } = await quiesce(ctx, seconds * 1000);
  log(`${phase}: pipeline at rest after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (purged) {
    const note = `${phase}: the pipeline was still busy ${seconds} s later; ${purged} waiting jobs were removed so the next scenario starts idle.`;
    log(note);
    notes.push(note);
  }
}

function tableRows(inbound: InboundResult, floor: FloorResult, cpu: Record<'inbound' | 'floor', CpuShares>): Row[] {
  const share = inbound.throughput / floor.throughput;
  const cpuIn = cpuMsPer(cpu.inbound, inbound.sent);
  const cpuFloor = cpuMsPer(cpu.floor, floor.sent);
  const allDone = inbound.completed === inbound.sent && inbound.httpErrors === 0;
  return [
    { scenario: 'inbound', metric: 'offered rate', value: rate(inbound.offeredRate), target: '', pass: null },
    { scenario: 'inbound', metric: 'completed / sent', value: `${inbound.completed} / ${inbound.sent} within ${inbound.graceS} s after the last send (${inbound.httpErrors} HTTP errors)`, target: 'all', pass: allDone },
    { scenario: 'inbound', metric: 'throughput', value: rate(inbound.throughput), target: '', pass: null },
    { scenario: 'inbound', metric: 'latency p50', value: ms(inbound.latency.p50), target: '', pass: null },
    { scenario: 'inbound', metric: 'latency p99', value: ms(inbound.latency.p99), target: `< ${TARGET.p99Ms} ms`, pass: inbound.latency.p99 < TARGET.p99Ms },
    { scenario: 'inbound', metric: 'latency max', value: ms(inbound.latency.max), target: '', pass: null },
    { scenario: 'inbound', metric: 'webhook answer p50 / p99', value: `${ms(inbound.http.p50)} / ${ms(inbound.http.p99)}`, target: '', pass: null },
    { scenario: 'inbound', metric: 'CPU during the run', value: formatCpu(cpu.inbound), target: '', pass: null },
    { scenario: 'floor', metric: 'completed / sent', value: `${floor.completed} / ${floor.sent}`, target: '', pass: null },
    { scenario: 'floor', metric: 'throughput', value: rate(floor.throughput), target: '', pass: null },
    { scenario: 'floor', metric: 'latency p50 / p99 / max', value: `${ms(floor.latency.p50)} / ${ms(floor.latency.p99)} / ${ms(floor.latency.max)}`, target: '', pass: null },
    { scenario: 'floor', metric: 'CPU during the run', value: formatCpu(cpu.floor), target: '', pass: null },
    { scenario: 'inbound vs floor', metric: 'throughput share', value: pct(share), target: `>= ${pct(TARGET.floorShare)}`, pass: share >= TARGET.floorShare },
    { scenario: 'inbound vs floor', metric: 'p50 (ours / floor)', value: `${ms(inbound.latency.p50)} / ${ms(floor.latency.p50)}`, target: '', pass: null },
    { scenario: 'inbound vs floor', metric: 'p99 (ours / floor)', value: `${ms(inbound.latency.p99)} / ${ms(floor.latency.p99)}`, target: '', pass: null },
    { scenario: 'inbound vs floor', metric: 'CPU per message (app + worker + PostgreSQL + Redis)', value: `${cpuIn.toFixed(2)} ms / ${cpuFloor.toFixed(2)} ms`, target: '', pass: null },
    { scenario: 'inbound vs floor', metric: 'CPU per message, ours / floor', value: `${(cpuIn / cpuFloor).toFixed(2)} x`, target: `<= ${TARGET.cpuVsFloor} x`, pass: cpuIn / cpuFloor <= TARGET.cpuVsFloor },
  ];
}

function outboundRows(outbound: OutboundResult, cpu: CpuShares): Row[] {
  const allowedShare = outbound.rate / outbound.allowedRate;
  return [
    { scenario: 'outbound', metric: 'sent / messages', value: `${outbound.sent} / ${outbound.messages} (${outbound.chats} chats)${outbound.finished ? '' : `, cut off at ${OUTBOUND.timeoutS} s`}`, target: 'all', pass: outbound.sent === outbound.messages },
    { scenario: 'outbound', metric: 'enqueue', value: 'each chat\'s first message; the worker follows with the next', target: '', pass: null },
    { scenario: 'outbound', metric: 'duration', value: `${outbound.seconds.toFixed(1)} s`, target: '', pass: null },
    { scenario: 'outbound', metric: 'achieved rate', value: rate(outbound.rate), target: '', pass: null },
    { scenario: 'outbound', metric: `share of allowed ${outbound.allowedRate} msg/s`, value: pct(allowedShare), target: `>= ${pct(TARGET.allowedShare)}`, pass: allowedShare >= TARGET.allowedShare },
    { scenario: 'outbound', metric: '429 answers', value: String(outbound.tooMany), target: '0', pass: outbound.tooMany === 0 },
    { scenario: 'outbound', metric: 'CPU during the run', value: formatCpu(cpu), target: '', pass: null },
    { scenario: 'outbound', metric: 'chats out of order', value: String(outbound.orderViolations), target: '0', pass: outbound.orderViolations === 0 },
  ];
}

function stepRows(steps: RateStep[]): Row[] {
  const best = highestPassingRate(steps);
  return [
    ...steps.map((st) => ({
      scenario: 'inbound steps',
      metric: `${st.rate} msg/s for ${STEPS.seconds} s`,
      value: `p50 ${ms(st.p50)}, p99 ${ms(st.p99)}, ${st.completed} / ${st.sent} completed, CPU ${st.cpuMsPerMessage.toFixed(2)} ms per message`,
      target: '',
      pass: st.pass,
    })),
    { scenario: 'inbound steps', metric: `highest offered rate with p99 < ${TARGET.p99Ms} ms`, value: best ? rate(best) : `below ${rate(steps[0]?.rate ?? 0)}`, target: `>= ${rate(200)}`, pass: best >= 200 },
  ];
}

function searchRows(search: SearchResult, cpu: CpuShares): Row[] {
  const ratio = (a: number, b: number) => `${(a / b).toFixed(1)} x`;
  return [
    { scenario: 'search', metric: 'corpus', value: `${search.messages} messages in ${search.conversations} conversations (${search.inScope} in the searcher's scope), seeded in ${search.seedSeconds.toFixed(1)} s, database at rest ${search.settledSeconds.toFixed(1)} s later`, target: '', pass: null },
    ...search.passes.map((p, i) => ({
      scenario: 'search',
      metric: `pass ${i + 1}: p50 / p95 / max (${p.count} searches)`,
      value: `${ms(p.p50)} / ${ms(p.p95)} / ${ms(p.max)}`,
      target: `p95 < ${TARGET.searchP95Ms} ms`,
      pass: p.p95 < TARGET.searchP95Ms,
    })),
    ...search.perTerm.map((t) => ({ scenario: 'search', metric: `"${t.term}": ${t.what}, ${t.hits} shown`, value: `p50 ${ms(t.p50)}, p95 ${ms(t.p95)}`, target: '', pass: null })),
    { scenario: 'search', metric: 'floor: team view without search p50 / p95', value: `${ms(search.floor.p50)} / ${ms(search.floor.p95)}`, target: '', pass: null },
    { scenario: 'search', metric: 'search p50 vs floor p50', value: ratio(Math.max(...search.passes.map((p) => p.p50)), search.floor.p50), target: '', pass: null },
    { scenario: 'search', metric: `without the trigram indexes p50 / p95 (${search.withoutIndex.count} searches)`, value: `${ms(search.withoutIndex.p50)} / ${ms(search.withoutIndex.p95)}`, target: '', pass: null },
    { scenario: 'search', metric: 'CPU during the run', value: formatCpu(cpu), target: '', pass: null },
  ];
}

function searchNote(search: SearchResult): string {
  return `Search: \`listInbox\` with a search term, as the inbox page runs it (prepared statements, the searcher's scope of ${search.inScope} conversations), one search at a time from this process, wall time per call including the round trip; every term ${SEARCH.repeat} times per pass, terms interleaved, after a warm-up that runs every term six times on every connection of the pool at once (a prepared statement is per connection and settles on its cached plan after five runs). The floor is the team view of the same scope (what the inbox page lists without a search); "without the trigram indexes" drops both indexes inside a transaction that is rolled back. The corpus is invented (db/seed/search-corpus.ts), deterministic, vacuumed and analysed as autovacuum would leave it.`;
}

function notes(inbound: InboundResult, outbound: OutboundResult): string[] {
  return [
    `Inbound latency: from just before the webhook POST is sent to the arrival of that message's inbox signal (Redis pub/sub, \`liveBus.onInbox\`), over all messages sent ("not completed" = no signal within ${inbound.graceS} s after the last send); ${inbound.sent} texts, open loop at ${inbound.offeredRate} msg/s, round robin over ${INBOUND.chats} Telegram chats (one youngster each, cards scanned with /start beforehand; each chat's first text also gets the bot's acknowledgement, sent during the run). Load generator lag p99: ${ms(inbound.generatorLagP99)}.`,
    'Throughput: completed messages divided by the time from the first send to the last completion; at a fixed offered rate it shows whether the path keeps up, not its capacity.',
    'Floor: per message one INSERT into a scratch table plus one BullMQ `queue.add` (deterministic job id, same job options as the app), latency from the start of the INSERT until a trivial BullMQ worker (concurrency 10) has the job; same count and offered rate.',
    "CPU per message: CPU time of this process, the worker process, PostgreSQL and Redis during the scenario, divided by the messages sent. The inbound run's includes delivering each chat's first acknowledgement (the steps' chats are past theirs); the floor has no HTTP hop.",
    `Rate steps: the already-chatting chats at rising offered rates, ${STEPS.seconds} s each, the pipeline at rest between steps; stopped after the first step whose p99 reaches ${TARGET.p99Ms} ms or that loses a message.`,
    `Outbound: ${outbound.messages} outbox rows (${OUTBOUND.perChat} per chat over ${outbound.chats} chats, written chat by chat in order, enqueued as the app does (\`enqueueHeads\`: each chat's first message, the worker enqueues the next)); rate = sent / (last accepted send - first enqueue). The fake Bot API accepts at most ${outbound.allowedRate} sendMessage calls per sliding second and answers 429 (retry_after 1) beyond that; it answers instantly.`,
  ];
}

// Set on interrupt/watchdog: the scenario code then fails on closed connections, and abort() owns the exit.
let aborting = false;
main().then(
  () => {
    if (!aborting) process.exit(0);
  },
  (err: unknown) => {
    if (aborting) return;
    log(`could not run: ${(err as Error).stack ?? String(err)}`);
    process.exit(1);
  },
);
