import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { and, eq, inArray } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp } from '../../bin/services.js';
import { auditLog, events, municipalities, teamMunicipalities, teams, youngsters, type EventType } from '../../db/schema/index.js';
import type { Cell, MonitoringReport, Section } from '../../web/domain/monitoring-report.js';
import { halfYearStart } from '../../web/domain/monitoring-report.js';
import { amsterdamToday } from '../../web/domain/youngster-panel.js';
import { createConversationFixture, createStaff, createYoungsterWithCard, twoTeams } from '../helpers/fixtures.js';
import { login } from '../helpers/http.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

/**
 * The monitoring report over a scripted history of anonymous events, with every figure worked out
 * by hand (docs/monitoring.md is the spec). The region of Team Oost (Roermond, Maasgouw) also has
 * Team Noord (Venlo); Team West (Weert) is another region. The period asked for is 2026-01-01 up to
 * peildatum 2026-06-30, Amsterdam time: [2025-12-31T23:00Z, 2026-06-30T22:00Z).
 */

let iso: Isolated;
let app: FastifyInstance;
let org: Awaited<ReturnType<typeof twoTeams>>;
let noordTeamId: string;
let M: { roermond: string; maasgouw: string; venlo: string; weert: string };
type Session = Awaited<ReturnType<typeof login>>;
const s = {} as Record<'karin' | 'noor' | 'wanda' | 'rita' | 'walter' | 'michelle' | 'admin' | 'po', Session>;
const db = () => iso.ctx.database.db;

const FROM = '2026-01-01';
const PEIL = '2026-06-30';
const PERIOD = `from=${FROM}&peildatum=${PEIL}`;
const ROUTES = ['/reports/monitoring', '/reports/monitoring.json', '/reports/monitoring.csv', '/reports/monitoring.xlsx'];
/** Youngsters stored in the same database: their names must never reach a report. */
const NAMES = ['Sigfrid', 'Houben', 'Annelotte', 'Vermeulen', 'vertrouwelijk'];

// ---------------------------------------------------------------------------------------------
// The history. Times without a clock are that day at 12:00 UTC (13:00 or 14:00 in Amsterdam).
// ---------------------------------------------------------------------------------------------
type Data = Record<string, string | number | boolean | null>;
const history: (typeof events.$inferInsert)[] = [];
const instant = (at: string) => new Date(at.length === 10 ? `${at}T12:00:00Z` : at);
function ev(m: string, subject: string | null, type: EventType, at: string, data: Data = {}) {
  history.push({ type, occurredAt: instant(at), municipalityId: m, subject, data });
}
const day = (at: string) => at.slice(0, 10);
const imported = (m: string, at: string, d: { listMonth: string; baseline: boolean; rows: number; newInflow: number; kvk: number; known: number; approached: number }) =>
  ev(m, null, 'list.imported', at, { ...d, updated: 0, notNewInflow: 0, knownSkipped: d.known, suppressed: 0, heldBack: 0 });
const listed = (m: string, subject: string | null, at: string, listMonth: string, r: { age: number; newInflow: boolean; kvk?: boolean; known?: boolean; approached: boolean; variant?: string; decision: string }) =>
  ev(m, subject, 'youngster.listed', at, { listMonth, age: r.age, newInflow: r.newInflow, kvk: r.kvk ?? false, known: r.known ?? false, approached: r.approached, variant: r.approached ? (r.variant ?? 'regular') : null, decision: r.decision });
const gen = (m: string, y: string, at: string, variant = 'regular') => ev(m, y, 'card.generated', at, { variant, layout: 'a6' });
const delivered = (m: string, y: string, at: string) => ev(m, y, 'card.delivered', at);
const scanned = (m: string, y: string, at: string) => ev(m, y, 'card.scanned', at);
const linked = (m: string, y: string, at: string, channel: string) => ev(m, y, 'contact.linked', at, { via: 'card', channel });
const wrote = (m: string, y: string, at: string, channel: string) => ev(m, y, 'message.received', at, { channel, kind: 'text' });
const consent = (m: string, y: string, at: string) => ev(m, y, 'consent.given', at, { kind: 'cooperation' });
const booked = (m: string, y: string, at: string, type = 'home') => ev(m, y, 'visit.booked', at, { type, day: day(at) });
const attempt = (m: string, y: string, at: string, kind: string, minutes: number) => ev(m, y, 'contact_attempt.recorded', at, { kind, minutes, on: day(at) });
/** A visit's result: the visit event and its contact attempt (db/queries/visits.ts recordResult). */
const visit = (m: string, y: string, at: string, result: 'held' | 'not_home' | 'no_show', type: string, kind: string | null, minutes: number) => {
  ev(m, y, `visit.${result}`, at, { type, day: day(at) });
  if (kind) attempt(m, y, at, kind, minutes);
};
const support = (m: string, y: string, at: string, category: string | null) => ev(m, y, 'youngster.support_question_set', at, { category });
const outcome = (m: string, y: string, at: string, category: string | null) => ev(m, y, 'youngster.outcome_set', at, { category, on: category ? day(at) : null });
const decline = (m: string, y: string, at: string, reason: string) => ev(m, y, 'youngster.decline_reason_set', at, { reason });
const zzp = (m: string, y: string, at: string, selfEmployed: boolean) => ev(m, y, 'youngster.self_employed_checked', at, { selfEmployed });

/** People the erasure step erases later (their monitoring keys stay in the events); `outflow`: they have one at the erasure. */
const erasedLater: { m: string; subject: string; outflow: boolean }[] = [];
let sigfridKey: string;

function script(sigfrid: string) {
  const { roermond: R, maasgouw: G, venlo: V, weert: W } = M;
  const key = () => randomUUID();

  // --- Roermond (Team Oost) -----------------------------------------------------------------
  // L0: the nulmeting, 2025-11, imported before the period: only "nulmeting" and "ever" figures see it.
  imported(R, '2025-11-10', { listMonth: '2025-11-01', baseline: true, rows: 20, newInflow: 12, kvk: 2, known: 3, approached: 15 });
  const [r1, r2, r3, r4] = [sigfrid, key(), key(), key()];
  for (const y of [r1, r2, r3, r4]) {
    listed(R, y, '2025-11-10', '2025-11-01', { age: 24, newInflow: true, approached: true, decision: 'approach' });
    gen(R, y, '2025-11-12');
  }
  // R1 (Sigfrid, stored): reached before the period; a phone call in it; outflow werk in it.
  delivered(R, r1, '2025-11-20');
  scanned(R, r1, '2025-11-21');
  linked(R, r1, '2025-11-21', 'whatsapp');
  wrote(R, r1, '2025-11-21T14:00:00Z', 'whatsapp');
  consent(R, r1, '2025-12-01');
  booked(R, r1, '2025-12-02');
  support(R, r1, '2025-12-01', 'werk');
  attempt(R, r1, '2026-01-15', 'phone', 30);
  outcome(R, r1, '2026-03-01', 'werk');
  // R2: wrote before the period, nothing in it (a call one second before it starts, one after the
  // peildatum): active caseload, not approached nor reached. Erased after the peildatum.
  delivered(R, r2, '2025-11-20');
  wrote(R, r2, '2025-12-01', 'web');
  attempt(R, r2, '2025-12-31T22:59:59Z', 'phone', 25);
  attempt(R, r2, '2026-07-03', 'phone', 40);
  wrote(R, r2, '2026-07-03', 'web');
  erasedLater.push({ m: R, subject: r2, outflow: false });
  // R3: outflow before the period (not counted, and not active); a letter at the first second of the
  // period (approached, not reached, 5 minutes); a reason for declining before the period (not counted).
  wrote(R, r3, '2025-12-10', 'web');
  outcome(R, r3, '2025-12-15', 'opleiding');
  decline(R, r3, '2025-12-15', 'geen_tijd');
  attempt(R, r3, '2025-12-31T23:00:00Z', 'letter_sent', 5);
  // R4: a reason on the panel before the period, then opted out in the chat in it (the reason given
  // there is the last: privacy), outflow afzien_van_deelname, erased in the period.
  delivered(R, r4, '2025-11-20');
  decline(R, r4, '2025-12-01', 'geen_behoefte');
  ev(R, r4, 'optout.reason_given', '2026-02-10', { reason: 'privacy' });
  outcome(R, r4, '2026-02-10', 'afzien_van_deelname');
  ev(R, r4, 'youngster.erased', '2026-02-11', { reason: 'opt_out', age: 24 });

  // L1: 2026-02, imported in the period: 9 rows, 6 new (1 of them known), 5 picked up.
  imported(R, '2026-02-05', { listMonth: '2026-02-01', baseline: false, rows: 9, newInflow: 6, kvk: 3, known: 1, approached: 5 });
  const [r5, r6, r7, r8, r9] = [key(), key(), key(), key(), key()];
  const L1 = (y: string | null, r: Parameters<typeof listed>[4]) => listed(R, y, '2026-02-05', '2026-02-01', r);
  L1(r5, { age: 23, newInflow: true, kvk: true, approached: true, variant: 'entrepreneur', decision: 'approach' });
  L1(r6, { age: 25, newInflow: true, approached: true, decision: 'approach' });
  L1(r7, { age: 26, newInflow: true, approached: true, decision: 'approach' });
  L1(r8, { age: 30, newInflow: true, kvk: true, approached: true, decision: 'approach' });
  L1(r9, { age: 23, newInflow: true, approached: true, decision: 'approach' });
  L1(null, { age: 24, newInflow: true, kvk: true, known: true, approached: false, decision: 'known_to_municipality' });
  L1(r2, { age: 22, newInflow: false, approached: false, decision: 'update' });
  L1(null, { age: 21, newInflow: false, approached: false, decision: 'not_new_inflow' });
  L1(null, { age: 20, newInflow: false, approached: false, decision: 'not_new_inflow' });
  // R5: entrepreneur card, the whole funnel on Telegram (6 h from delivery to reply), a home visit
  // held (45 min), really self-employed, outflow eigen_onderneming.
  gen(R, r5, '2026-02-07', 'entrepreneur');
  delivered(R, r5, '2026-02-10T10:00:00Z');
  scanned(R, r5, '2026-02-10T15:00:00Z');
  linked(R, r5, '2026-02-10T15:00:00Z', 'telegram');
  wrote(R, r5, '2026-02-10T16:00:00Z', 'telegram');
  consent(R, r5, '2026-02-12');
  booked(R, r5, '2026-02-12');
  visit(R, r5, '2026-02-20', 'held', 'home', 'home_visit_spoke', 45);
  zzp(R, r5, '2026-02-21', true);
  support(R, r5, '2026-02-21', 'werk_en_opleiding');
  outcome(R, r5, '2026-04-01', 'eigen_onderneming');
  // R6: web chat 48 h after delivery; outflow werk, changed later in the period to opleiding (the last counts);
  // support question opleiding, changed after the peildatum (not counted).
  gen(R, r6, '2026-02-07');
  delivered(R, r6, '2026-02-10T10:00:00Z');
  scanned(R, r6, '2026-02-11');
  linked(R, r6, '2026-02-11', 'web');
  wrote(R, r6, '2026-02-12T10:00:00Z', 'web');
  support(R, r6, '2026-03-01', 'opleiding');
  outcome(R, r6, '2026-03-15', 'werk');
  outcome(R, r6, '2026-04-15', 'opleiding');
  support(R, r6, '2026-07-20', 'zorgtraject');
  // R7: not at home (20 min), then a phone call (10 min): reached. Support question set and cleared
  // (unknown). Outflow only after the peildatum: active. Erased after the peildatum.
  gen(R, r7, '2026-02-07');
  delivered(R, r7, '2026-02-11T10:00:00Z');
  attempt(R, r7, '2026-02-11', 'home_visit_not_home', 20);
  attempt(R, r7, '2026-03-02', 'phone', 10);
  support(R, r7, '2026-03-02', 'anders');
  support(R, r7, '2026-03-05', null);
  outcome(R, r7, '2026-07-05', 'werk');
  erasedLater.push({ m: R, subject: r7, outflow: true });
  // R8: zzp per the list, checked: not self-employed. Delivered, never reached. An outflow recorded and cleared.
  gen(R, r8, '2026-02-07');
  delivered(R, r8, '2026-02-11');
  zzp(R, r8, '2026-03-01', false);
  outcome(R, r8, '2026-03-10', 'werk');
  outcome(R, r8, '2026-03-20', null);
  // R9: card never delivered, scanned anyway (WhatsApp): reached but not approached; no reply time.
  // Reasons geen_tijd then al_hulp in the period (al_hulp counts), anders after the peildatum.
  gen(R, r9, '2026-02-07');
  scanned(R, r9, '2026-02-15');
  linked(R, r9, '2026-02-15', 'whatsapp');
  wrote(R, r9, '2026-02-15T13:00:00Z', 'whatsapp');
  decline(R, r9, '2026-03-01', 'geen_tijd');
  decline(R, r9, '2026-05-01', 'al_hulp');
  outcome(R, r9, '2026-05-01', 'afzien_van_deelname');
  decline(R, r9, '2026-07-10', 'anders');

  // L2: 2026-05, in the period: 7 rows, 4 new (1 known), 3 picked up.
  imported(R, '2026-05-06', { listMonth: '2026-05-01', baseline: false, rows: 7, newInflow: 4, kvk: 0, known: 1, approached: 3 });
  const [r10, r11, r12] = [key(), key(), key()];
  const L2 = (y: string | null, r: Parameters<typeof listed>[4]) => listed(R, y, '2026-05-06', '2026-05-01', r);
  L2(r10, { age: 24, newInflow: true, approached: true, decision: 'approach' });
  L2(r11, { age: 25, newInflow: true, approached: true, decision: 'approach' });
  L2(r12, { age: 23, newInflow: true, approached: true, decision: 'approach' });
  L2(null, { age: 26, newInflow: true, known: true, approached: false, decision: 'known_to_municipality' });
  for (const age of [19, 20, 21]) L2(null, { age, newInflow: false, approached: false, decision: 'not_new_inflow' });
  // R10: web chat 2 h after delivery, a visit booked and not shown; a visit held at the first second
  // after the peildatum and an outflow after it (neither counts): active. Erased after the peildatum.
  gen(R, r10, '2026-05-08');
  delivered(R, r10, '2026-05-12T09:00:00Z');
  scanned(R, r10, '2026-05-12T10:30:00Z');
  linked(R, r10, '2026-05-12T10:30:00Z', 'web');
  wrote(R, r10, '2026-05-12T11:00:00Z', 'web');
  support(R, r10, '2026-05-13', 'werk');
  booked(R, r10, '2026-05-13');
  visit(R, r10, '2026-05-20', 'no_show', 'home', null, 0);
  visit(R, r10, '2026-06-30T22:00:00Z', 'held', 'home', 'home_visit_spoke', 50);
  outcome(R, r10, '2026-07-10', 'werk');
  erasedLater.push({ m: R, subject: r10, outflow: true });
  // R11: WhatsApp 24 h after delivery, a chat (15 min), outflow zorgtraject at the last second of the peildatum.
  gen(R, r11, '2026-05-08');
  delivered(R, r11, '2026-05-12T09:00:00Z');
  scanned(R, r11, '2026-05-13T08:00:00Z');
  linked(R, r11, '2026-05-13T08:00:00Z', 'whatsapp');
  wrote(R, r11, '2026-05-13T09:00:00Z', 'whatsapp');
  linked(R, r11, '2026-05-20', 'telegram'); // a second messenger later: the chat started on WhatsApp
  attempt(R, r11, '2026-05-14', 'chat', 15);
  outcome(R, r11, '2026-06-30T21:59:59Z', 'zorgtraject');
  // R12: picked up, its card made at the first second after the peildatum: not in the funnel.
  gen(R, r12, '2026-06-30T22:00:00Z');

  // L3: after the peildatum - changes nothing. Nor does L1 imported again later as if it were a nulmeting
  // (its rows would all count as new inflow at a later reference date, not at this one).
  imported(R, '2026-08-20', { listMonth: '2026-02-01', baseline: true, rows: 9, newInflow: 6, kvk: 3, known: 1, approached: 0 });
  imported(R, '2026-08-04', { listMonth: '2026-08-01', baseline: false, rows: 30, newInflow: 20, kvk: 4, known: 2, approached: 18 });
  const r13 = key();
  listed(R, r13, '2026-08-04', '2026-08-01', { age: 23, newInflow: true, approached: true, decision: 'approach' });
  gen(R, r13, '2026-08-06');

  // --- Maasgouw (Team Oost): its nulmeting is in the period, so all 6 rows are new inflow -------
  imported(G, '2026-03-10', { listMonth: '2026-03-01', baseline: true, rows: 6, newInflow: 2, kvk: 1, known: 1, approached: 5 });
  const [g1, g2, g3, g4, g5] = [key(), key(), key(), key(), key()];
  const M0 = (y: string | null, r: Parameters<typeof listed>[4]) => listed(G, y, '2026-03-10', '2026-03-01', r);
  M0(g1, { age: 23, newInflow: true, kvk: true, approached: true, variant: 'entrepreneur', decision: 'approach' });
  M0(g2, { age: 24, newInflow: true, approached: true, decision: 'approach' });
  M0(g3, { age: 25, newInflow: false, approached: true, decision: 'approach' });
  M0(g4, { age: 19, newInflow: false, approached: true, decision: 'approach' });
  M0(g5, { age: 27, newInflow: false, approached: true, decision: 'approach' });
  M0(null, { age: 22, newInflow: false, known: true, approached: false, decision: 'known_to_municipality' });
  for (const y of [g2, g3, g4, g5]) gen(G, y, '2026-03-12');
  gen(G, g1, '2026-03-12', 'entrepreneur');
  // G1: WhatsApp 24 h after delivery, consent, an office visit held (60 min), self-employed, outflow werk.
  delivered(G, g1, '2026-03-15T12:00:00Z');
  scanned(G, g1, '2026-03-16T10:00:00Z');
  linked(G, g1, '2026-03-16T10:00:00Z', 'whatsapp');
  wrote(G, g1, '2026-03-16T12:00:00Z', 'whatsapp');
  consent(G, g1, '2026-03-20');
  booked(G, g1, '2026-03-20', 'office');
  visit(G, g1, '2026-03-27', 'held', 'office', 'office_visit', 60);
  zzp(G, g1, '2026-03-27', true);
  support(G, g1, '2026-03-27', 'werk');
  outcome(G, g1, '2026-05-01', 'werk');
  // G2: a phone call (20 min) in which they declined: geen_behoefte, afzien_van_deelname.
  delivered(G, g2, '2026-03-15T12:00:00Z');
  attempt(G, g2, '2026-03-18', 'phone', 20);
  decline(G, g2, '2026-03-18', 'geen_behoefte');
  outcome(G, g2, '2026-03-18', 'afzien_van_deelname');
  // G3: web chat 12 h after delivery, support question zorgtraject: active. Erased after the peildatum.
  delivered(G, g3, '2026-03-16T12:00:00Z');
  scanned(G, g3, '2026-03-16T20:00:00Z');
  linked(G, g3, '2026-03-16T20:00:00Z', 'web');
  wrote(G, g3, '2026-03-17T00:00:00Z', 'web');
  support(G, g3, '2026-03-20', 'zorgtraject');
  erasedLater.push({ m: G, subject: g3, outflow: false });
  // G4: a home visit booked, nobody home (30 min): approached, not reached.
  delivered(G, g4, '2026-03-16');
  booked(G, g4, '2026-03-20');
  visit(G, g4, '2026-03-25', 'not_home', 'home', 'home_visit_not_home', 30);
  // G5: card made, delivered only after the peildatum. Erased after the peildatum.
  delivered(G, g5, '2026-07-02');
  erasedLater.push({ m: G, subject: g5, outflow: false });

  // --- Venlo (Team Noord, the same region): only the regional account sees it ------------------
  imported(V, '2025-12-08', { listMonth: '2025-12-01', baseline: true, rows: 10, newInflow: 10, kvk: 0, known: 0, approached: 10 });
  imported(V, '2026-04-07', { listMonth: '2026-04-01', baseline: false, rows: 9, newInflow: 8, kvk: 0, known: 0, approached: 8 });
  listed(V, null, '2026-04-07', '2026-04-01', { age: 22, newInflow: false, approached: false, decision: 'not_new_inflow' });
  [23, 23, 24, 24, 25, 26, 26, 28].forEach((age, i) => {
    const y = key();
    listed(V, y, '2026-04-07', '2026-04-01', { age, newInflow: true, approached: true, decision: 'approach' });
    gen(V, y, '2026-04-09');
    delivered(V, y, '2026-04-12T08:00:00Z');
    if (i < 6) {
      // Replies 1..6 hours after delivery, a chat of 10 minutes each.
      linked(V, y, `2026-04-12T${String(8 + i).padStart(2, '0')}:30:00Z`, 'web');
      wrote(V, y, `2026-04-12T${String(9 + i).padStart(2, '0')}:00:00Z`, 'web');
      attempt(V, y, '2026-04-14', 'chat', 10);
    }
    if (i < 5) support(V, y, '2026-04-14', 'werk');
    if (i < 2) outcome(V, y, '2026-05-01', 'werk');
    if (i === 2) outcome(V, y, '2026-05-01', 'opleiding');
    if (i === 6) {
      booked(V, y, '2026-04-20');
      visit(V, y, '2026-04-27', 'held', 'home', 'home_visit_spoke', 45);
    }
  });

  // --- Weert (Team West, another region): in no report of Oost's region ------------------------
  imported(W, '2026-02-01', { listMonth: '2026-02-01', baseline: true, rows: 12, newInflow: 12, kvk: 0, known: 0, approached: 6 });
  for (let i = 0; i < 6; i++) {
    const y = key();
    listed(W, y, '2026-02-01', '2026-02-01', { age: 24, newInflow: true, approached: true, decision: 'approach' });
    gen(W, y, '2026-02-03');
    delivered(W, y, '2026-02-05T08:00:00Z');
    wrote(W, y, '2026-02-05T09:00:00Z', 'whatsapp');
    if (i < 5) outcome(W, y, '2026-03-01', 'werk');
  }
}

// ---------------------------------------------------------------------------------------------
// Reading reports.
// ---------------------------------------------------------------------------------------------
const get = (who: Session | null, url: string, accept = 'application/json') =>
  app.inject({ method: 'GET', url, headers: { accept, ...(who ? { cookie: who.cookie } : {}) } });
async function reportOf(who: Session, query = PERIOD): Promise<MonitoringReport> {
  const res = await get(who, `/reports/monitoring.json${query ? `?${query}` : ''}`);
  expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
  return res.json() as MonitoringReport;
}
let nameOf: Record<string, string> = {};
/** A report as { section: { columns, rows: { row name: cells }, total } }: municipality rows by name, the funnel's by variant/channel. */
function figures(r: MonitoringReport) {
  return Object.fromEntries(
    r.sections.map((sec) => [
      sec.id,
      { columns: sec.columns.map((c) => c.key), rows: Object.fromEntries(sec.rows.map((row) => [nameOf[row.key!] ?? row.key, row.cells])), total: sec.total.cells },
    ]),
  );
}
const section = (r: MonitoringReport, id: string) => r.sections.find((x) => x.id === id)!;
const countColumns = (sec: Section) => sec.columns.flatMap((c, i) => (c.kind === 'count' ? [i] : []));
const col = (sec: Section, key: string) => sec.columns.findIndex((c) => c.key === key);

const OUTFLOW = ['opleiding', 'werk', 'werken_en_opleiding', 'dagbesteding', 'zorgtraject', 'eigen_onderneming', 'vrijwilligerswerk', 'uitkering', 'verhuizing', 'samenwonen', 'afzien_van_deelname', 'geen_reactie', 'geen_doelgroep_meer', 'anders'];
const FUNNEL = ['cards', 'delivered', 'scanned', 'chatted', 'consented', 'visited', 'outflow', 'median_reply_hours'];
/** outflow per destination as a row: { werk: 1 } -> [0, 1, 0, ...] with the total. */
/** The destinations, the positive ones together (Opleiding, Werk, Werken en opleiding, Zorgtraject, Eigen onderneming, Dagbesteding), the total. */
const POSITIVE = ['opleiding', 'werk', 'werken_en_opleiding', 'zorgtraject', 'eigen_onderneming', 'dagbesteding'];
const outflowRow = (o: Record<string, number>) => {
  const cells = OUTFLOW.map((k) => o[k] ?? 0);
  return [...cells, POSITIVE.reduce((a, k) => a + (o[k] ?? 0), 0), cells.reduce((a, b) => a + b, 0)];
};

/**
 * Karin's view (Team Oost: Maasgouw, Roermond), 2026-01-01 up to peildatum 2026-06-30, worked out by hand.
 * "in P" = in the period; R1..R13 Roermond's people, G1..G5 Maasgouw's.
 */
const EXPECTED = {
  // Nulmeting: the first (baseline) list's rows. At the peildatum: the last list before its end
  // (Roermond: L2 of 2026-05, 7 rows of which 4 new; L3 of 2026-08 is later). Maasgouw: M0 (6, 2 new).
  i1_lists: { columns: ['baseline', 'reference', 'new', 'old'], rows: { Maasgouw: [6, 6, 2, 4], Roermond: [20, 7, 4, 3] }, total: [26, 13, 6, 7] },
  // youngster.listed in P. Maasgouw: the nulmeting, so all 6 rows are new; zzp G1; known: 1; picked up G1-G5.
  // Roermond: L1 new R5-R9 + a known one (zzp: R5, R8, the known one), L2 new R10-R12 + a known one.
  i1_inflow: { columns: ['new_inflow', 'kvk', 'known', 'picked_up'], rows: { Maasgouw: [6, 1, 1, 5], Roermond: [10, 3, 2, 8] }, total: [16, 4, 3, 13] },
  // Picked up: Maasgouw G1 23, G2 24, G3 25, G4 19, G5 27. Roermond R5 23, R6 25, R7 26, R8 30, R9 23, R10 24, R11 25, R12 23.
  i1_age: { columns: ['23', '24', '25', '26', 'other', 'total'], rows: { Maasgouw: [1, 1, 1, 0, 2, 5], Roermond: [3, 1, 2, 1, 1, 8] }, total: [4, 2, 3, 1, 3, 13] },
  // Last support question up to the peildatum of those picked up in P. Maasgouw: G1 werk, G3 zorgtraject,
  // G2/G4/G5 none. Roermond: R5 werk_en_opleiding, R6 opleiding (its change after the peildatum does not
  // count), R10 werk; R7 cleared, R8, R9, R11, R12 none: unknown 5.
  i1_support: {
    columns: ['werk', 'opleiding', 'werk_en_opleiding', 'zorgtraject', 'dagbesteding', 'anders', 'unknown', 'total'],
    rows: { Maasgouw: [1, 0, 0, 1, 0, 0, 3, 5], Roermond: [1, 1, 1, 0, 0, 0, 5, 8] },
    total: [2, 1, 1, 1, 0, 0, 8, 13],
  },
  // Picked up in P and zzp per the list: Maasgouw G1 (self-employed); Roermond R5 (yes), R8 (no).
  i1_zzp: { columns: ['self_employed', 'not_self_employed', 'unchecked', 'total'], rows: { Maasgouw: [1, 0, 0, 1], Roermond: [1, 1, 0, 2] }, total: [2, 1, 0, 3] },
  // Approached in P: Roermond R1 (call), R3 (letter at 00:00 on 1 January), R5, R6, R7, R8, R10, R11 (delivered) = 8;
  //   not R2 (call at 23:59:59 on 31 December), R4, R9 (never delivered), R12.
  // Reached in P: R1, R5, R6, R7 (phone), R9, R10, R11 = 7 (R3's letter is no contact).
  // Active at the peildatum (reached ever, no outflow, not erased): R2, R7, R10 = 3.
  // Outflow in P: R1 werk, R4 afzien, R5 eigen_onderneming, R6 opleiding (last), R9 afzien, R11 zorgtraject = 6;
  //   not R3 (before P), R7/R10 (after), R8 (cleared). Positive: R1, R5, R6, R11 = 4 -> 66.7%.
  // Maasgouw: approached G1-G4, reached G1, G2, G3, active G3, outflow G1 werk, G2 afzien; positive 1 -> 50%.
  i2_results: {
    columns: ['approached', 'reached', 'active', 'outflow', 'positive', 'positive_share'],
    rows: { Maasgouw: [4, 3, 1, 2, 1, 50], Roermond: [8, 7, 3, 6, 4, 66.7] },
    total: [12, 10, 4, 8, 5, 62.5],
  },
  i2_outflow: {
    columns: [...OUTFLOW, 'positive', 'total'],
    rows: { Maasgouw: outflowRow({ werk: 1, afzien_van_deelname: 1 }), Roermond: outflowRow({ opleiding: 1, werk: 1, zorgtraject: 1, eigen_onderneming: 1, afzien_van_deelname: 2 }) },
    total: outflowRow({ opleiding: 1, werk: 2, zorgtraject: 1, eigen_onderneming: 1, afzien_van_deelname: 3 }),
  },
  // Last reason, recorded in P: G2 geen_behoefte; R4 privacy (in the chat, after geen_behoefte before P),
  // R9 al_hulp (after geen_tijd; anders is after the peildatum). R3's reason is before P.
  i2_reasons: {
    columns: ['geen_behoefte', 'al_hulp', 'geen_contact_instanties', 'geen_tijd', 'privacy', 'anders', 'wil_niet_zeggen', 'total'],
    rows: { Maasgouw: [1, 0, 0, 0, 0, 0, 0, 1], Roermond: [0, 1, 0, 0, 1, 0, 0, 2] },
    total: [1, 1, 0, 0, 1, 0, 0, 3],
  },
  // Minutes in P: Maasgouw G1 60, G2 20, G4 30 = 110 on 3 people: 37 per person, 110/5 = 22 per picked up,
  // 110/2 = 55 per outflow. Roermond R1 30, R3 5, R5 45, R7 20+10, R11 15 = 125 on 5 (R2's calls are just
  // outside P, R10's visit just after the peildatum): 25, 125/8 = 16, 125/6 = 21. Total 235 on 8: 29, 18, 29.
  i4_time: {
    columns: ['minutes', 'youngsters', 'picked_up', 'outflow', 'per_youngster', 'per_picked_up', 'per_outflow'],
    rows: { Maasgouw: [110, 3, 5, 2, 37, 22, 55], Roermond: [125, 5, 8, 6, 25, 16, 21] },
    total: [235, 8, 13, 8, 29, 18, 29],
  },
  // Cards made in P: Maasgouw G1 (entrepreneur), G2-G5; Roermond R5 (entrepreneur), R6-R11 (R12's card
  // is one second late; R1-R4's were made before P). Then, up to the peildatum:
  //   Maasgouw: delivered G1-G4, scanned G1 G3, chat G1 G3, consent G1, visit G1 G4, outflow G1 G2;
  //     replies after delivery G1 24 h, G3 12 h: median 18.
  //   Roermond: delivered all but R9, scanned/chat R5 R6 R9 R10 R11, consent R5, visit R5 R10,
  //     outflow R5 R6 R9 R11; replies R5 6, R6 48, R10 2, R11 24 h (R9's card was never delivered): median 15.
  //   All 12: replies 2, 6, 12, 24, 24, 48: median 18.
  funnel_municipality: { columns: FUNNEL, rows: { Maasgouw: [5, 4, 2, 2, 1, 2, 2, 18], Roermond: [7, 6, 5, 5, 1, 2, 4, 15] }, total: [12, 10, 7, 7, 2, 4, 6, 18] },
  // Entrepreneur: R5, G1 (replies 6, 24: 15). Regular: the other 10 (replies 48, 2, 24, 12: 18).
  funnel_variant: { columns: FUNNEL, rows: { regular: [10, 8, 5, 5, 0, 2, 4, 18], entrepreneur: [2, 2, 2, 2, 2, 2, 2, 15] }, total: [12, 10, 7, 7, 2, 4, 6, 18] },
  // WhatsApp: R9, R11, G1 (replies R11 24, G1 24). Telegram: R5 (6). Web: R6, R10, G3 (48, 2, 12: 12).
  // None: R7, R8, G2, G4, G5 (no replies: no median).
  funnel_channel: {
    columns: FUNNEL,
    rows: { whatsapp: [3, 2, 3, 3, 1, 1, 3, 24], telegram: [1, 1, 1, 1, 1, 1, 1, 6], web: [3, 3, 3, 3, 0, 1, 1, 12], none: [5, 4, 0, 0, 0, 1, 1, null] },
    total: [12, 10, 7, 7, 2, 4, 6, 18],
  },
};

beforeAll(async () => {
  iso = await isolated();
  app = await buildWebApp(iso.ctx);
  org = await twoTeams(db());
  const [oost] = await db().select().from(teams).where(eq(teams.id, org.oost.teamId));
  const [noord] = await db().insert(teams).values({ regionId: oost!.regionId, name: 'Team Noord' }).returning();
  noordTeamId = noord!.id;
  const [venlo] = await db().insert(municipalities).values({ regionId: oost!.regionId, name: 'Venlo' }).returning();
  await db().insert(teamMunicipalities).values({ teamId: noordTeamId, municipalityId: venlo!.id });
  M = { roermond: org.oost.municipalities.Roermond!, maasgouw: org.oost.municipalities.Maasgouw!, venlo: venlo!.id, weert: org.west.municipalities.Weert! };
  nameOf = { [M.roermond]: 'Roermond', [M.maasgouw]: 'Maasgouw', [M.venlo]: 'Venlo', [M.weert]: 'Weert' };

  await createStaff(db(), noordTeamId, { email: 'noor@noord.test', firstName: 'Noor', role: 'coordinator' });
  await createStaff(db(), org.oost.teamId, { email: 'rita@oost.test', firstName: 'Rita', role: 'regional' });
  await createStaff(db(), org.west.teamId, { email: 'wanda@west.test', firstName: 'Wanda', role: 'coordinator' });
  await createStaff(db(), org.west.teamId, { email: 'walter@west.test', firstName: 'Walter', role: 'regional' });
  await createStaff(db(), org.oost.teamId, { email: 'admin@oost.test', firstName: 'Adam', role: 'admin' });
  await createStaff(db(), org.oost.teamId, { email: 'po@oost.test', firstName: 'Petra', role: 'privacy_officer' });

  // Stored people with names, in the same database: Sigfrid is R1 (his monitoring key is in the events).
  const sigfrid = await createYoungsterWithCard(db(), M.roermond, org.michelle.id, { firstName: 'Sigfrid', lastName: 'Houben' });
  sigfridKey = sigfrid.youngster.monitoringKey;
  await createConversationFixture(db(), { municipalityId: M.venlo, firstName: 'Annelotte', lastName: 'Vermeulen', messages: [{ direction: 'in', body: 'vertrouwelijk bericht' }] });

  script(sigfridKey);
  await db().insert(events).values(history);

  s.karin = await login(app, 'karin@oost.test');
  s.noor = await login(app, 'noor@noord.test');
  s.wanda = await login(app, 'wanda@west.test');
  s.rita = await login(app, 'rita@oost.test');
  s.walter = await login(app, 'walter@west.test');
  s.michelle = await login(app, 'michelle@oost.test');
  s.admin = await login(app, 'admin@oost.test');
  s.po = await login(app, 'po@oost.test');
  for (const who of Object.values(s)) expect(who.status).toBe(303);
});
afterAll(async () => {
  await app?.close();
  await iso?.destroy();
});

// ---------------------------------------------------------------------------------------------
// The protection invariants, checked here without core/small-cells.ts.
// ---------------------------------------------------------------------------------------------
const HIDDEN = '<5';
/** Every sum the section shows: each count column adds up to the total row; each row adds up to its 'total' column; the list at the peildatum is new + old. */
function sums(sec: Section): { what: string; members: Cell[]; total: Cell }[] {
  const counts = countColumns(sec);
  const t = col(sec, 'total');
  const parts = counts.filter((c) => c !== t && sec.columns[c]!.key !== 'positive');
  const all = [...sec.rows, sec.total];
  const out: { what: string; members: Cell[]; total: Cell }[] = [];
  for (const c of counts) out.push({ what: `${sec.id} column ${sec.columns[c]!.key}`, members: sec.rows.map((r) => r.cells[c]!), total: sec.total.cells[c]! });
  if (t >= 0) for (const r of all) out.push({ what: `${sec.id} row ${r.key ?? 'total'}`, members: parts.map((c) => r.cells[c]!), total: r.cells[t]! });
  if (sec.id === 'i2_outflow') {
    // Positive outflow is its six destinations; total minus positive is the other eight (the results section shows positive too).
    const p = col(sec, 'positive');
    const pos = parts.filter((c) => POSITIVE.includes(sec.columns[c]!.key));
    const rest = parts.filter((c) => !POSITIVE.includes(sec.columns[c]!.key));
    for (const r of all) {
      out.push({ what: `${sec.id} row ${r.key ?? 'total'} positive`, members: pos.map((c) => r.cells[c]!), total: r.cells[p]! });
      out.push({ what: `${sec.id} row ${r.key ?? 'total'} not positive`, members: [...rest.map((c) => r.cells[c]!), r.cells[p]!], total: r.cells[t]! });
    }
  }
  if (sec.id === 'i1_lists') for (const r of all) out.push({ what: `${sec.id} row ${r.key ?? 'total'} new+old`, members: [r.cells[col(sec, 'new')]!, r.cells[col(sec, 'old')]!], total: r.cells[col(sec, 'reference')]! });
  return out;
}

/** A protected report: no 1-4 anywhere, no line hiding exactly one member, shown = exact, 0 shown as 0. */
function checkProtected(shown: MonitoringReport, exact: (sectionId: string, rowKey: string | null, c: number) => number | null) {
  expect(shown.protected).toBe(true);
  let hidden = 0;
  for (const sec of shown.sections) {
    for (const row of [...sec.rows, sec.total]) {
      row.cells.forEach((cell, c) => {
        const what = `${sec.id} ${row.key ?? 'total'} ${sec.columns[c]!.key}`;
        if (sec.columns[c]!.kind !== 'count') {
          expect(cell === null || typeof cell === 'number', what).toBe(true);
          return;
        }
        const e = exact(sec.id, row.key, c)!;
        if (cell === HIDDEN) {
          hidden++;
          expect(e, `${what} hides a zero`).toBeGreaterThan(0);
        } else {
          expect(typeof cell, what).toBe('number');
          expect(cell === 0 || (cell as number) >= 5, `${what} shows ${cell}`).toBe(true);
          expect(cell, what).toBe(e);
        }
        if (e > 0 && e < 5) expect(cell, `${what} = ${e}`).toBe(HIDDEN);
      });
    }
    for (const line of sums(sec)) {
      const n = [...line.members, line.total].filter((x) => x === HIDDEN).length;
      expect(n, `${line.what}: ${JSON.stringify(line)}`).not.toBe(1);
    }
  }
  return hidden;
}

/** The exact figure of a cell of the regional view: each municipality's from its own team's coordinator, the rest summed. */
function regionExact(karin: MonitoringReport, noor: MonitoringReport) {
  return (id: string, rowKey: string | null, c: number) => {
    const a = section(karin, id);
    const b = section(noor, id);
    const pick = (sec: Section) => (rowKey === null ? sec.total : sec.rows.find((r) => r.key === rowKey));
    if (rowKey !== null && (rowKey === M.venlo || rowKey === M.roermond || rowKey === M.maasgouw)) {
      return pick(rowKey === M.venlo ? b : a)!.cells[c] as number;
    }
    return (pick(a)!.cells[c] as number) + (pick(b)!.cells[c] as number);
  };
}

// ---------------------------------------------------------------------------------------------

describe("the coordinator's own view: exact figures of the scripted history", () => {
  it('matches every hand-worked figure of every section', async () => {
    const r = await reportOf(s.karin);
    expect(r).toMatchObject({ from: FROM, peildatum: PEIL, scope: 'team', protected: false });
    expect(r.municipalities).toEqual([
      { id: M.maasgouw, name: 'Maasgouw' },
      { id: M.roermond, name: 'Roermond' },
    ]);
    expect(figures(r)).toEqual(EXPECTED);
    expect(JSON.stringify(r)).not.toContain(HIDDEN);
  });

  it('gives the same figures before and after the people are erased (erasures after the peildatum)', async () => {
    const before = await get(s.karin, `/reports/monitoring.json?${PERIOD}`);
    // What the erasure worker leaves: an outflow afzien_van_deelname for an opt-out without one, and
    // youngster.erased - all dated after the peildatum; the person rows go.
    const erasure = '2026-07-15';
    history.length = 0;
    for (const { m, subject, outflow } of erasedLater) {
      if (!outflow) outcome(m, subject, erasure, 'afzien_van_deelname');
      ev(m, subject, 'youngster.erased', erasure, { reason: 'opt_out', age: 24 });
    }
    ev(M.roermond, sigfridKey, 'youngster.erased', erasure, { reason: 'retention', age: 24 });
    await db().insert(events).values(history);
    const gone = await db().delete(youngsters).where(eq(youngsters.monitoringKey, sigfridKey)).returning();
    expect(gone).toHaveLength(1);
    expect(await db().select().from(youngsters).where(eq(youngsters.monitoringKey, sigfridKey))).toEqual([]);

    const after = await get(s.karin, `/reports/monitoring.json?${PERIOD}`);
    expect(after.statusCode).toBe(200);
    expect(after.body).toBe(before.body);
    expect(figures(after.json())).toEqual(EXPECTED);

    // A reference date after the erasures sees them: from 2026-07-01, Roermond's active caseload is R2 on
    // 10 July (R7 flowed out on the 5th, R10 on the 10th), nobody on 20 July (R2 erased on the 15th).
    const active = async (peildatum: string) => {
      const sec = section(await reportOf(s.karin, `from=2026-07-01&peildatum=${peildatum}`), 'i2_results');
      return sec.rows.find((x) => x.key === M.roermond)!.cells[col(sec, 'active')];
    };
    expect(await active('2026-07-10')).toBe(1);
    expect(await active('2026-07-20')).toBe(0);
    // ... and the outflow of 1-20 July: R7 werk, R10 werk, R2 afzien_van_deelname at its erasure.
    const july = section(await reportOf(s.karin, 'from=2026-07-01&peildatum=2026-07-20'), 'i2_outflow');
    expect(july.rows.find((x) => x.key === M.roermond)!.cells).toEqual(outflowRow({ werk: 2, afzien_van_deelname: 1 }));
  });

  it('defaults to the current half year up to today', async () => {
    const today = amsterdamToday();
    const r = await reportOf(s.karin, '');
    const after = amsterdamToday();
    expect([today, after]).toContain(r.peildatum);
    expect(r.from).toBe(halfYearStart(r.peildatum));
    expect(r.from).toMatch(/^\d{4}-(01|07)-01$/);
    expect(r.protected).toBe(false);
  });

  it('refuses a bad period with 400 on every route', async () => {
    for (const q of ['peildatum=2026-02-30', 'from=2026-07-01&peildatum=2026-06-30', 'from=2023-01-01&peildatum=2026-06-30', 'from=morgen']) {
      for (const url of ROUTES) expect((await get(s.karin, `${url}?${q}`, url.endsWith('monitoring') ? 'text/html' : 'application/json')).statusCode, `${url}?${q}`).toBe(400);
    }
  });
});

describe('protection of small counts', () => {
  it("the regional account sees every municipality of its region, protected, and what it shows is exact", async () => {
    const r = await reportOf(s.rita);
    expect(r).toMatchObject({ from: FROM, peildatum: PEIL, scope: 'region', protected: true });
    expect(r.municipalities.map((m) => m.id)).toEqual([M.maasgouw, M.roermond, M.venlo]);
    for (const sec of r.sections.filter((x) => !['funnel_variant', 'funnel_channel'].includes(x.id))) {
      expect(sec.rows.map((row) => row.key), sec.id).toEqual([M.maasgouw, M.roermond, M.venlo]);
    }
    expect(JSON.stringify(r)).not.toContain(M.weert);
    const exact = regionExact(await reportOf(s.karin), await reportOf(s.noor));
    const hidden = checkProtected(r, exact);
    // A figure shown in two sections is shown (or hidden) alike in both, else one gives the other away.
    const same = (pairs: [string, string][]) => {
      const cells = pairs.map(([id, key]) => {
        const sec = section(r, id);
        return [...sec.rows, sec.total].map((row) => row.cells[col(sec, key)]);
      });
      for (const c of cells.slice(1)) expect(c, JSON.stringify(pairs)).toEqual(cells[0]);
    };
    same([['i1_inflow', 'picked_up'], ['i1_age', 'total'], ['i4_time', 'picked_up']]);
    same([['i2_results', 'outflow'], ['i2_outflow', 'total'], ['i4_time', 'outflow']]);
    same([['i2_results', 'positive'], ['i2_outflow', 'positive']]);
    same([['i1_inflow', 'picked_up'], ['i1_support', 'total']]);
    for (const key of ['cards', 'delivered', 'scanned', 'chatted', 'consented', 'visited', 'outflow']) {
      const totals = ['funnel_municipality', 'funnel_variant', 'funnel_channel'].map((id) => section(r, id).total.cells[col(section(r, id), key)]);
      expect(new Set(totals).size, key).toBe(1);
    }
    expect(hidden).toBeGreaterThan(10);
    // Shares and averages: left out where a count they are made of is hidden, else from the shown counts.
    const results = section(r, 'i2_results');
    for (const row of [...results.rows, results.total]) {
      const [outflow, positive, sharePct] = [row.cells[col(results, 'outflow')], row.cells[col(results, 'positive')], row.cells[col(results, 'positive_share')]];
      if (outflow === HIDDEN || positive === HIDDEN) expect(sharePct).toBeNull();
      else expect(sharePct).toBe((outflow as number) > 0 ? Math.round((1000 * (positive as number)) / (outflow as number)) / 10 : null);
    }
    const time = section(r, 'i4_time');
    for (const row of [...time.rows, time.total]) {
      for (const [avg, of] of [['per_youngster', 'youngsters'], ['per_picked_up', 'picked_up'], ['per_outflow', 'outflow']] as const) {
        const n = row.cells[col(time, of)];
        const minutes = row.cells[col(time, 'minutes')] as number;
        expect(row.cells[col(time, avg)], `${row.key} ${avg}`).toBe(n === HIDDEN ? null : (n as number) > 0 ? Math.round(minutes / (n as number)) : null);
      }
    }
    // A median of fewer than five replies is not shown: Maasgouw (2), Roermond (4); Venlo's six replies
    // 1..6 h: 3.5; the region's twelve (1, 2, 2, 3, 4, 5, 6, 6, 12, 24, 24, 48): 5.5.
    const funnel = section(r, 'funnel_municipality');
    const median = col(funnel, 'median_reply_hours');
    expect([...funnel.rows, funnel.total].map((row) => row.cells[median])).toEqual([null, null, 3.5, 5.5]);
  });

  it("the regional account's figures of the lists: the list at the peildatum is new + old, so one hidden part is not enough", async () => {
    // Venlo's list at the peildatum: 9 rows, 8 new, 1 old. "1" alone hidden would be 9 - 8.
    const lists = section(await reportOf(s.rita), 'i1_lists');
    const venlo = lists.rows.find((x) => x.key === M.venlo)!;
    expect(venlo.cells[col(lists, 'reference')]).toBe(9);
    expect(venlo.cells[col(lists, 'old')]).toBe(HIDDEN);
    expect(venlo.cells[col(lists, 'new')]).toBe(HIDDEN);
  });

  it('a coordinator gets protected figures with outside=1 and exact ones without', async () => {
    const exact = await reportOf(s.karin);
    const outside = await reportOf(s.karin, `${PERIOD}&outside=1`);
    expect(outside).toMatchObject({ scope: 'team', protected: true });
    expect(outside.municipalities).toEqual(exact.municipalities);
    const cell = (id: string, rowKey: string | null, c: number) => {
      const sec = section(exact, id);
      return (rowKey === null ? sec.total : sec.rows.find((x) => x.key === rowKey)!).cells[c] as number;
    };
    expect(checkProtected(outside, cell)).toBeGreaterThan(10);
    expect(figures(exact)).toEqual(EXPECTED);
    expect(exact.protected).toBe(false);
  });

  it('no personal data: no name of a stored youngster on the page, in the JSON, CSV or XLSX', async () => {
    for (const who of [s.rita, s.karin, s.noor]) {
      for (const q of [PERIOD, `${PERIOD}&outside=1`, '']) {
        const page = await get(who, `/reports/monitoring?${q}`, 'text/html');
        expect(page.statusCode).toBe(200);
        const json = await get(who, `/reports/monitoring.json?${q}`);
        const csv = await get(who, `/reports/monitoring.csv?${q}`, 'text/csv');
        const xlsx = await get(who, `/reports/monitoring.xlsx?${q}`, '*/*');
        const sheetText = JSON.stringify(await sheetRows(xlsx.rawPayload));
        for (const name of NAMES) {
          for (const [what, body] of [['page', page.body], ['json', json.body], ['csv', csv.body], ['xlsx', sheetText]] as const) {
            expect(body, `${what} contains ${name}`).not.toContain(name);
          }
        }
        // Nor a monitoring key (the events' subject) or a staff address.
        expect(json.body).not.toContain(sigfridKey);
        expect(json.body).not.toMatch(/@(oost|west|noord)\.test/);
      }
    }
    // The regional page says "<5" and never shows a small count next to a municipality.
    const page = await get(s.rita, `/reports/monitoring?${PERIOD}`, 'text/html');
    expect(page.body).toContain('&lt;5');
  });
});

// ---------------------------------------------------------------------------------------------
// Files.
// ---------------------------------------------------------------------------------------------
async function sheetRows(buf: Buffer): Promise<unknown[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  const ws = wb.worksheets[0]!;
  const rows: unknown[][] = [];
  ws.eachRow({ includeEmpty: true }, (row, n) => {
    const values: unknown[] = [];
    for (let c = 1; c <= Math.max(row.cellCount, 1); c++) values.push(row.getCell(c).value ?? null);
    rows[n - 1] = values;
  });
  return Array.from(rows, (r) => r ?? []);
}

/** Finds each section's title line in a table of lines and returns its rows (label + cells) as read. */
function sectionLines(lines: unknown[][], sec: Section) {
  const at = lines.findIndex((l) => l[0] === sec.title);
  expect(at, sec.title).toBeGreaterThanOrEqual(0);
  expect(lines[at + 1]![0]).toBe(sec.counts);
  expect(lines[at + 2]!.slice(1, 1 + sec.columns.length)).toEqual(sec.columns.map((c) => c.label));
  return lines.slice(at + 3, at + 3 + sec.rows.length + 1);
}

describe('the CSV and XLSX downloads', () => {
  for (const [who, query, protectedFile] of [
    ['karin', PERIOD, false],
    ['karin', `${PERIOD}&outside=1`, true],
    ['rita', PERIOD, true],
  ] as const) {
    it(`${who}${protectedFile && who === 'karin' ? ' (outside=1)' : ''}: the CSV is ;-separated UTF-8 with a BOM, with the JSON's numbers`, async () => {
      const json = await reportOf(s[who], query);
      const res = await get(s[who], `/reports/monitoring.csv?${query}`, 'text/csv');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
      expect(res.headers['content-disposition']).toBe(`attachment; filename="monitoring-${FROM}-${PEIL}${protectedFile ? '-buiten-team' : ''}.csv"`);
      const raw = res.rawPayload;
      expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const text = raw.subarray(3).toString('utf8');
      expect(text).toContain(';');
      const lines = parse(raw, { delimiter: ';', bom: true, relax_column_count: true, skip_empty_lines: false }) as string[][];
      // The heading names the period and whether small counts are protected.
      expect(text).toContain(`${FROM} t/m ${PEIL}`);
      expect(text.includes('<5')).toBe(protectedFile);
      let numbers = 0;
      for (const sec of json.sections) {
        const rows = sectionLines(lines, sec);
        [...sec.rows, sec.total].forEach((row, i) => {
          const line = rows[i]!;
          expect(line[0]).toBe(row.label);
          row.cells.forEach((cell, c) => {
            const got = String(line[c + 1] ?? '');
            const what = `${sec.id} ${row.label} ${sec.columns[c]!.key}`;
            if (cell === null) expect(got, what).toBe('');
            else if (cell === HIDDEN) expect(got, what).toBe(HIDDEN);
            else {
              // A decimal comma for shares, averages and medians (Dutch Excel); whole counts as they are.
              if (sec.columns[c]!.kind === 'count') expect(got, what).toMatch(/^\d+$/);
              expect(Number(got.replace(',', '.')), what).toBe(cell);
              numbers++;
            }
          });
        });
      }
      expect(numbers).toBeGreaterThan(100);
      if (!protectedFile) expect(text).toContain('66,7'); // Roermond's positive share
    });

    it(`${who}${protectedFile && who === 'karin' ? ' (outside=1)' : ''}: the XLSX opens and holds the JSON's numbers`, async () => {
      const json = await reportOf(s[who], query);
      const res = await get(s[who], `/reports/monitoring.xlsx?${query}`, '*/*');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      expect(res.headers['content-disposition']).toBe(`attachment; filename="monitoring-${FROM}-${PEIL}${protectedFile ? '-buiten-team' : ''}.xlsx"`);
      const lines = await sheetRows(res.rawPayload);
      const ids = json.sections.map((x) => x.id);
      expect(ids).toEqual(expect.arrayContaining(['i2_outflow', 'i2_results']));
      for (const sec of json.sections) {
        const rows = sectionLines(lines, sec);
        [...sec.rows, sec.total].forEach((row, i) => {
          expect(rows[i]![0]).toBe(row.label);
          row.cells.forEach((cell, c) => {
            const got = rows[i]![c + 1];
            const what = `${sec.id} ${row.label} ${sec.columns[c]!.key}`;
            if (cell === null) expect(got === null || got === '', what).toBe(true);
            else expect(got, what).toBe(cell); // numbers as numbers, "<5" as text
          });
        });
      }
      if (!protectedFile && who === 'karin') {
        const outflow = sectionLines(lines, section(json, 'i2_outflow'));
        expect(outflow.at(-1)!.slice(1)).toEqual(EXPECTED.i2_outflow.total);
        const results = sectionLines(lines, section(json, 'i2_results'));
        expect(results.map((l) => l.slice(1))).toEqual([EXPECTED.i2_results.rows.Maasgouw, EXPECTED.i2_results.rows.Roermond, EXPECTED.i2_results.total]);
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Scope and access.
// ---------------------------------------------------------------------------------------------
describe('scope and access', () => {
  const rowKeys = (r: MonitoringReport) => new Set(r.sections.filter((x) => !['funnel_variant', 'funnel_channel'].includes(x.id)).flatMap((x) => x.rows.map((row) => row.key)));

  it("a coordinator sees only the own team's municipalities, also with outside=1", async () => {
    for (const [who, ids] of [
      ['karin', [M.maasgouw, M.roermond]],
      ['noor', [M.venlo]],
      ['wanda', [M.weert]],
    ] as const) {
      for (const q of [PERIOD, `${PERIOD}&outside=1`, '']) {
        const r = await reportOf(s[who], q);
        expect(r.scope).toBe('team');
        expect(r.municipalities.map((m) => m.id), who).toEqual(ids);
        expect([...rowKeys(r)].sort(), who).toEqual([...ids].sort());
        for (const other of Object.values(M).filter((m) => !(ids as readonly string[]).includes(m))) expect(JSON.stringify(r), `${who} sees ${nameOf[other]}`).not.toContain(other);
      }
    }
    // Noord's figures are Venlo's alone: 8 cards, 8 delivered, 6 chats; West's are Weert's: 6 cards, 5 outflow.
    const noor = section(await reportOf(s.noor), 'funnel_municipality');
    expect(noor.total.cells.slice(0, 4)).toEqual([8, 8, 0, 6]);
    const wanda = section(await reportOf(s.wanda), 'i2_results');
    expect(wanda.total.cells.slice(0, 5)).toEqual([6, 6, 6 - 5, 5, 5]);
  });

  it("a regional account of another region sees that region only", async () => {
    const r = await reportOf(s.walter);
    expect(r).toMatchObject({ scope: 'region', protected: true });
    expect(r.municipalities.map((m) => m.id)).toEqual([M.weert]);
    expect([...rowKeys(r)]).toEqual([M.weert]);
  });

  it('casemanagers, admins and privacy officers get 403 on all four routes; anonymous callers 401 or the login page', async () => {
    for (const who of [s.michelle, s.admin, s.po]) {
      for (const url of ROUTES) {
        for (const accept of ['application/json', 'text/html']) {
          const res = await get(who, `${url}?${PERIOD}`, accept);
          expect(res.statusCode, `${url} ${accept}`).toBe(403);
          expect(res.body).not.toContain('Roermond');
        }
      }
    }
    for (const url of ROUTES) {
      const api = await get(null, `${url}?${PERIOD}`);
      expect(api.statusCode, url).toBe(401);
      expect(api.body).not.toContain('Roermond');
      const page = await get(null, url, 'text/html');
      expect(page.statusCode, url).toBe(303);
      expect(page.headers.location).toBe(`/login?next=${encodeURIComponent(url)}`);
    }
    // A forged session is anonymous too.
    const forged = await app.inject({ method: 'GET', url: '/reports/monitoring.json', headers: { accept: 'application/json', cookie: 'lj_sid=forged' } });
    expect(forged.statusCode).toBe(401);
  });

  it('a regional account starts at the report and sees no youngster', async () => {
    const res = await app.inject({ method: 'GET', url: '/inbox', headers: { cookie: s.rita.cookie, accept: 'text/html' } });
    expect(res.statusCode).toBe(403);
    const page = await get(s.rita, '/reports/monitoring', 'text/html');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Venlo');
  });

  it('every view and download is in the audit log, ids only', async () => {
    const karin = (await db().select().from(auditLog).where(and(eq(auditLog.staffId, org.karin.id), inArray(auditLog.action, ['report.view', 'report.download'])))).map((r) => r.action);
    expect(karin).toEqual(expect.arrayContaining(['report.view', 'report.download']));
    const rows = await db().select().from(auditLog).where(inArray(auditLog.action, ['report.view', 'report.download']));
    expect(rows.length).toBeGreaterThan(20);
    for (const name of NAMES) expect(JSON.stringify(rows)).not.toContain(name);
  });
});
