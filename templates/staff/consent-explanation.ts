/**
 * What a casemanager reads aloud (or shows) to a youngster before recording
 * consent (domain.md step 3: voluntary, withdrawable, specific per partner).
 * Every consent stores the version it was given under, so a text is never
 * edited in place: a new wording gets a new version, and old versions stay
 * here so a stored version can always be read back.
 */
export type ConsentExplanationLanguage = 'nl' | 'en';

export interface ConsentExplanation {
  /** Working together (kind 'cooperation'). */
  cooperation: string;
  /** Sharing with one partner ('that' there is contact, or 'what' it contains). */
  partner: string;
  /** Under 18: what the parent or guardian is told. */
  guardian: string;
}

/** The version new consents are recorded under. */
export const CONSENT_EXPLANATION_VERSION = '2026-12';

export const CONSENT_EXPLANATIONS: Readonly<Record<string, Record<ConsentExplanationLanguage, ConsentExplanation>>> = {
  '2026-12': {
    nl: {
      cooperation:
        'Je doet mee omdat je dat zelf wilt. Samen kijken we wat jij wilt en wat je nodig hebt, bijvoorbeeld werk, school of iets anders. ' +
        'Daarvoor schrijf ik een paar dingen over je op: je naam, je adres, je geboortedatum en wat we samen afspreken. ' +
        'Alleen ik en mijn team kunnen dat zien. Je mag altijd stoppen, zonder reden. Zeg het gewoon, dan stoppen we. Daar krijg je geen last van.',
      partner:
        'Soms kan een andere organisatie je verder helpen, zoals het leerwerkloket, het werkgeversservicepunt, het jongerenwerk of schuldhulp. ' +
        'Ik vertel die organisatie alleen iets als jij dat goed vindt, en voor elke organisatie vraag ik het apart. ' +
        'Jij kiest ook wát ik vertel: alleen dát we contact hebben, of ook wat we bespreken. ' +
        'Je kunt dit altijd weer intrekken. Vanaf dat moment vertel ik die organisatie niets meer.',
      guardian:
        'Omdat je nog geen 18 bent, vragen we ook je ouder of voogd of die het goed vindt. Zonder die toestemming leggen we niets vast.',
    },
    en: {
      cooperation:
        'You take part because you want to. Together we look at what you want and what you need, for example work, school or something else. ' +
        'For that I write down a few things about you: your name, your address, your date of birth and what we agree on. ' +
        'Only my team and I can see it. You can stop at any time, without giving a reason. Just say so and we stop. It will not count against you.',
      partner:
        'Sometimes another organisation can help you further, such as the learn-work desk, the employer service point, youth work or debt help. ' +
        'I only tell that organisation something if you agree, and I ask you separately for each organisation. ' +
        'You also choose what I tell them: only that we are in contact, or also what we talk about. ' +
        'You can withdraw this at any time. From then on I tell that organisation nothing more.',
      guardian:
        'Because you are not 18 yet, we also ask your parent or guardian whether they agree. Without that consent we record nothing.',
    },
  },
};

/** The explanation of a version in a language; the current version when it is unknown. */
export function consentExplanation(lang: ConsentExplanationLanguage, version: string = CONSENT_EXPLANATION_VERSION): ConsentExplanation {
  const texts = CONSENT_EXPLANATIONS[version] ?? CONSENT_EXPLANATIONS[CONSENT_EXPLANATION_VERSION]!;
  return texts[lang];
}
