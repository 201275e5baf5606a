/**
 * Everything a youngster reads, in Dutch. Short, warm, je/jij, B1 level, never
 * pushy. {placeholders} are filled by `t()`; a municipality can override any key
 * (see ./index.ts).
 */
export const nl = {
  'page.lang': 'nl',
  'page.switchLanguage': 'English',
  'page.switchLanguageCode': 'en',
  'landing.title': 'Hoi! Fijn dat je even kijkt.',
  'landing.fromCoach': 'Je kaartje komt van {coach}, jongerencoach bij gemeente {municipality}.',
  'landing.fromTeam': 'Je kaartje komt van de jongerencoaches van gemeente {municipality}.',
  'landing.voluntary': 'Je hoeft niets, het is vrijblijvend. Stel gerust een vraag of vertel waar je mee zit.',
  'landing.chooseChannel': 'Hoe wil je contact?',
  'landing.webchat': 'Chat hier in je browser',
  'landing.privacy': 'Zo gaan we om met je gegevens',
  'chat.title': 'Chat met {coach}',
  'chat.titleTeam': 'Chat met je jongerencoach',
  'chat.intro': 'Schrijf hier je bericht. {coach} leest het en antwoordt zo snel als het kan.',
  'chat.introTeam': 'Schrijf hier je bericht. Een jongerencoach leest het en antwoordt zo snel als het kan.',
  'chat.placeholder': 'Typ je bericht…',
  'chat.send': 'Verstuur',
  'chat.you': 'Jij',
  'chat.sending': 'Wordt verstuurd…',
  'chat.error.message_empty': 'Je bericht is nog leeg.',
  'chat.error.message_too_long': 'Je bericht is te lang. Kun je het in twee stukken sturen?',
  'chat.error.generic': 'Versturen lukte niet. Je tekst staat er nog; probeer het zo nog een keer.',
  'chat.error.offline': 'Geen verbinding. Je tekst staat er nog; probeer het zo nog een keer.',
  'notFound.title': 'Deze link werkt niet (meer)',
  'notFound.body':
    'Misschien is er een typfout, of is je kaartje niet meer geldig. Wil je toch contact? Bel of app de gemeente waar je woont, dan helpen ze je verder.',
  'privacy.title': 'Jouw gegevens',
  'privacy.body':
    'Je gemeente heeft je naam en adres om je een kaartje te sturen. Dat mag volgens de Participatiewet. Je hoeft niet te reageren. Wat je hier schrijft, lezen alleen de jongerencoaches van jouw gemeente. Wil je geen contact? Zeg het, dan stoppen we meteen en wissen we je gegevens.',
} as const;

export type TextKey = keyof typeof nl;
