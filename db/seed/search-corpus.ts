import { sql } from 'drizzle-orm';
import type { Db } from '../client.js';

/**
 * A realistically sized, invented inbox for measuring and proving the search
 * (bench/search.ts, test/integration/search-index.test.ts): youngsters with
 * Dutch names, one conversation each, and chats of a few sentences from a
 * plain vocabulary, the bot's greeting and menu first. Deterministic (seeded),
 * so two runs search the same data. Written with set-based INSERTs of arrays:
 * 100k messages take seconds, not minutes.
 *
 * Word frequencies are chosen so the search terms below cover the cases that
 * matter: a common word, a rare word, a common last name, a rare name, nothing.
 */
const FIRST = ['Anouk', 'Bas', 'Cem', 'Dana', 'Eva', 'Finn', 'Gijs', 'Hanna', 'Ilse', 'Jesse', 'Kim', 'Lars', 'Mila', 'Noah', 'Olga', 'Pim', 'Quinten', 'Roos', 'Sem', 'Tess', 'Umut', 'Vera', 'Wout', 'Yara', 'Zoë', 'Aziz', 'Bram', 'Chantal', 'Daan', 'Emre', 'Fleur', 'Gwen', 'Hamza', 'Iris', 'Joost', 'Kees', 'Lotte', 'Milan', 'Nina', 'Omar'];
const LAST = ['Jansen', 'de Vries', 'van den Berg', 'Bakker', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder', 'de Groot', 'Bos', 'Vos', 'Peters', 'Hendriks', 'van Leeuwen', 'Dekker', 'Brouwer', 'de Wit', 'Dijkstra', 'Smits', 'de Graaf', 'van der Meer', 'van der Linden', 'Kok', 'Jacobs', 'de Haan', 'Vermeulen', 'van den Heuvel', 'van der Veen', 'van den Broek', 'Houben', 'Schouten', 'Willems', 'van Dijk', 'Hoekstra', 'Maas', 'Verhoeven', 'Koster', 'Prins', 'Yilmaz'];
const WORDS = (
  'ik je jij we het een de dat is niet wel ook nog maar dan als met voor van op in naar om te zijn heb heeft kan wil moet ga kom ' +
  'hoi hallo hee dank bedankt goed prima oke ja nee misschien graag snel straks morgen vandaag vanavond week maand afspraak ' +
  'school opleiding cursus diploma stage baan vacature geld schuld uitkering huur kamer huis moeder vader broer zus vriend ' +
  'tijd bellen appen mailen langs komen helpen vraag vragen antwoord weet snap lastig moeilijk makkelijk leuk fijn rustig ' +
  'mbo hbo taal rijbewijs sporten gamen slapen eten koken fiets bus trein stad centrum gemeente loket formulier brief'
).split(' ');
/** Planted at known rates: "werk" in about 8 % of messages, "sollicitatiebrief" in about 0.2 %. */
const COMMON_WORD = 'werk';
const RARE_WORD = 'sollicitatiebrief';
const RARE_NAME = 'Zwartjes';
const BOT = ['Hoi! Je praat met de chat van de jongerencoaches van je gemeente.', 'Wat wil je doen? 1 Chatten 2 Afspraak 3 Geen contact'];

export const SEARCH_TERMS = [
  { term: COMMON_WORD, what: 'common word (~8 % of messages)' },
  { term: RARE_WORD, what: 'rare word (~0.2 % of messages)' },
  { term: 'Jansen', what: 'common last name (~2.5 % of youngsters)' },
  { term: RARE_NAME, what: 'rare last name (a handful of youngsters)' },
  { term: 'xylofoon', what: 'no match' },
] as const;

/** mulberry32: a small seeded PRNG, so the corpus is the same in every run (and a random-grid test names its seed). */
export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SearchCorpusOptions {
  municipalityIds: string[];
  conversations: number;
  messagesPerConversation: number;
  /** Conversations are spread over these casemanagers (and some left unassigned). */
  staffIds?: string[];
  seed?: number;
  batch?: number;
}

/** `db` is the pool, not a transaction: VACUUM cannot run inside one. */
export async function seedSearchCorpus(db: Db, o: SearchCorpusOptions): Promise<{ conversations: number; messages: number }> {
  const rnd = prng(o.seed ?? 20261202);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const sentence = () => {
    const words = Array.from({ length: 4 + Math.floor(rnd() * 14) }, () => pick(WORDS));
    if (rnd() < 0.08) words.splice(Math.floor(rnd() * words.length), 0, COMMON_WORD);
    if (rnd() < 0.002) words.splice(Math.floor(rnd() * words.length), 0, RARE_WORD);
    return words.join(' ');
  };
  const batch = o.batch ?? 500;
  const yearMs = 365 * 24 * 3600_000;
  let messageCount = 0;
  for (let start = 0; start < o.conversations; start += batch) {
    const n = Math.min(batch, o.conversations - start);
    const people = Array.from({ length: n }, (_, i) => {
      const last = (start + i) % 997 === 0 ? RARE_NAME : pick(LAST);
      const [prefix, lastName] = /^(de|van den|van der|van)\s(.+)$/.exec(last)?.slice(1) ?? [null, last];
      const lastAt = Date.now() - Math.floor(rnd() * yearMs);
      const staff = o.staffIds?.length && rnd() < 0.8 ? pick(o.staffIds) : null;
      return { first: pick(FIRST), prefix, lastName, municipality: pick(o.municipalityIds), lastAt, staff, status: rnd() < 0.3 ? 'closed' : 'open' };
    });
    const ids = await db.execute<{ conversation_id: string; contact_id: string }>(sql`
      with y as (
        insert into youngsters (municipality_id, first_name, name_prefix, last_name)
        select * from unnest(${sql.param(people.map((p) => p.municipality))}::uuid[], ${sql.param(people.map((p) => p.first))}::text[],
                             ${sql.param(people.map((p) => p.prefix))}::text[], ${sql.param(people.map((p) => p.lastName))}::text[])
        returning id, municipality_id
      ), numbered as (
        select id, municipality_id, row_number() over () as n from y
      ), cc as (
        insert into channel_contacts (channel, external_id, youngster_id, municipality_id)
        select 'web', 'corpus-' || numbered.id, numbered.id, numbered.municipality_id from numbered
        returning id, youngster_id
      ), conv as (
        insert into conversations (municipality_id, youngster_id, assigned_to, status, last_message_at)
        select numbered.municipality_id, numbered.id, a.staff, a.status::conversation_status, a.last_at
        from numbered
        join unnest(${sql.param(people.map((p) => p.staff))}::uuid[], ${sql.param(people.map((p) => p.status))}::text[],
                    ${sql.param(people.map((p) => new Date(p.lastAt).toISOString()))}::text[]::timestamptz[]) with ordinality as a(staff, status, last_at, n)
          on a.n = numbered.n
        returning id, youngster_id
      )
      select conv.id as conversation_id, cc.id as contact_id from conv join cc on cc.youngster_id = conv.youngster_id`);
    const conv: string[] = [];
    const contact: string[] = [];
    const direction: string[] = [];
    const kind: string[] = [];
    const body: string[] = [];
    const status: string[] = [];
    for (const row of ids) {
      for (let m = 0; m < o.messagesPerConversation; m++) {
        const bot = m < BOT.length;
        const inbound = !bot && (m - BOT.length) % 2 === 0;
        conv.push(row.conversation_id);
        contact.push(row.contact_id);
        direction.push(inbound ? 'in' : 'out');
        kind.push(bot ? 'bot' : 'text');
        body.push(bot ? BOT[m]! : sentence());
        status.push(inbound ? 'routed' : 'sent');
      }
    }
    await db.execute(sql`
      insert into messages (conversation_id, contact_id, channel, direction, kind, body, status)
      select c, k, 'web', d::message_direction, t::message_kind, b, s::message_status
      from unnest(${sql.param(conv)}::uuid[], ${sql.param(contact)}::uuid[], ${sql.param(direction)}::text[],
                  ${sql.param(kind)}::text[], ${sql.param(body)}::text[], ${sql.param(status)}::text[]) as m(c, k, d, t, b, s)`);
    messageCount += conv.length;
  }
  // The state autovacuum keeps a live database in: statistics, and the GIN indexes' own counts
  // (only VACUUM updates those; without them the planner overestimates a trigram lookup and scans).
  for (const table of ['youngsters', 'channel_contacts', 'conversations', 'messages']) await db.execute(sql.raw(`vacuum analyze ${table}`));
  return { conversations: o.conversations, messages: messageCount };
}
