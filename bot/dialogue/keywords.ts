import { normaliseWords } from './normalise.js';

/**
 * Commands a youngster can type at any moment, Dutch and English, whatever the
 * case or accents. Only a message that is *just* the keyword counts: "stop met
 * dat gezeur van mijn moeder" is a message for the coach, not an opt-out.
 */
export type Keyword = 'menu' | 'optout' | 'english' | 'dutch' | 'privacy' | 'visit_move' | 'visit_cancel';

const KEYWORDS: Record<Keyword, string[]> = {
  menu: ['menu', 'help', 'hulp', 'start', 'opnieuw', 'keuzes'],
  optout: [
    'stop', 'stoppen', 'afmelden', 'meld me af', 'uitschrijven', 'schrijf me uit', 'geen contact',
    'ik wil geen contact', 'nee bedankt', 'unsubscribe', 'opt out', 'optout', 'no thanks', 'leave me alone',
  ],
  english: ['english', 'engels', 'in english'],
  dutch: ['nederlands', 'dutch', 'in het nederlands'],
  privacy: [
    'wat weten jullie van mij', 'wat weten jullie over mij', 'wat weet je van mij', 'wat weet je over mij',
    'welke gegevens hebben jullie', 'mijn gegevens', 'privacy', 'what do you know about me', 'what do you know of me',
    'my data', 'what data do you have',
  ],
  visit_move: ['afspraak verzetten', 'verzetten', 'afspraak verplaatsen', 'ander moment', 'move appointment', 'reschedule', 'reschedule appointment'],
  visit_cancel: ['afspraak afzeggen', 'afzeggen', 'afspraak annuleren', 'cancel appointment', 'cancel visit'],
};

const LOOKUP = new Map<string, Keyword>();
for (const [kw, words] of Object.entries(KEYWORDS) as [Keyword, string[]][]) {
  for (const w of words) LOOKUP.set(normaliseWords(w), kw);
}

export function matchKeyword(text: string): Keyword | null {
  // "/stop" and "Stop." count too.
  return LOOKUP.get(normaliseWords(text.replace(/^\//, ''))) ?? null;
}

/** "1", " 2.", "3)" -> 1..9; anything else -> null. Used for numbered WhatsApp menus. */
export function matchNumber(text: string): number | null {
  const m = /^\s*([1-9])\s*[.)]?\s*$/.exec(text);
  return m ? Number(m[1]) : null;
}

const YES = new Set(['ja', 'yes', 'j', 'y', 'jazeker', 'zeker', 'klopt', 'ja stop maar', 'ok', 'oke', 'okay', 'prima']);
const NO = new Set(['nee', 'no', 'n', 'toch niet', 'nee toch niet', 'niet stoppen', 'nope']);

export function matchYesNo(text: string): 'yes' | 'no' | null {
  const w = normaliseWords(text);
  if (YES.has(w)) return 'yes';
  if (NO.has(w)) return 'no';
  return null;
}
