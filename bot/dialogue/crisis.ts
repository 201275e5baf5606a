import { normaliseWords } from './normalise.js';

/**
 * Words that mean someone may be in danger. Deliberately broad: a false alarm
 * costs a coach a look; a miss can cost a life. Matched on whole words/phrases
 * after normalising (case, accents, punctuation), Dutch and English.
 */
const PHRASES = [
  // Dutch
  'zelfmoord', 'suicide', 'suïcide', 'zelfdoding', 'mezelf doden', 'mijzelf doden', 'mezelf van kant',
  'van kant maken', 'niet meer leven', 'wil dood', 'dood willen', 'ik wil dood', 'een eind aan maken',
  'er een eind aan', 'er een einde aan', 'einde aan mijn leven', 'eind aan mijn leven', 'mezelf pijn', 'mijzelf pijn',
  'mezelf snijden', 'zelfbeschadiging', 'snijden in mezelf', 'overdosis', 'niet meer verder', 'geen zin meer in leven',
  'ik ben in gevaar', 'hij slaat me', 'zij slaat me', 'mishandeld', 'bedreigd', 'ze willen me vermoorden',
  // English
  'suicidal', 'kill myself', 'end my life', 'want to die', 'self harm', 'selfharm', 'hurt myself', 'cut myself',
  'overdose', 'in danger', 'not safe', 'going to hurt me',
].map(normaliseWords);

const PATTERNS = PHRASES.map((p) => new RegExp(`(^| )${p.replace(/ /g, ' +')}($| )`));

export function mentionsCrisis(text: string): boolean {
  const words = normaliseWords(text);
  return PATTERNS.some((re) => re.test(words));
}
