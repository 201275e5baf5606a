/**
 * What the card says, in Dutch. Short, warm, je/jij, never pushy: many of
 * these youngsters do not trust the gemeente, so the card says who is writing,
 * that nothing is required, and how to make it stop. {placeholders} are
 * filled by `cardText()` (./index.ts).
 */
export const nl = {
  'front.municipality': 'Gemeente {municipality}',
  'front.greeting': 'Hoi {name},',
  'front.greetingNoName': 'Hoi!',
  'front.message.regular':
    'Ik ben {coach}, jongerencoach bij de gemeente {municipality}. Zit je even zonder school of werk? Ik denk graag met je mee. Je hoeft niets, het is vrijblijvend.',
  'front.message.entrepreneur':
    'Ik ben {coach}, jongerencoach bij de gemeente {municipality}. Je staat ingeschreven bij de KvK. Loopt het zoals je wilt? Ik denk graag met je mee, ook over je eigen bedrijf. Je hoeft niets, het is vrijblijvend.',
  // Without a coach's name (a card from the team): the same words in the plural.
  'front.message.regular.team':
    'Wij zijn de jongerencoaches van de gemeente {municipality}. Zit je even zonder school of werk? We denken graag met je mee. Je hoeft niets, het is vrijblijvend.',
  'front.message.entrepreneur.team':
    'Wij zijn de jongerencoaches van de gemeente {municipality}. Je staat ingeschreven bij de KvK. Loopt het zoals je wilt? We denken graag met je mee, ook over je eigen bedrijf. Je hoeft niets, het is vrijblijvend.',
  'front.coachRole': 'Jongerencoach',
  'front.teamName': 'Jongerencoaches',
  'front.turnOver': 'Chatten? Draai de kaart om.',
  'back.title': 'Chat met {coach}',
  'back.titleTeam': 'Chat met een jongerencoach',
  'back.scan': 'Scan de code met de camera van je telefoon.',
  'back.noCamera': 'Lukt scannen niet? Ga naar',
  'back.codeIntro': 'Of typ deze code in de chat:',
  'back.privacy': 'Wat we van je weten en wat je kunt laten wissen: {privacyUrl}',
  'back.stop': 'Geen interesse? Stuur ‘stop’, dan hoor je niets meer van ons.',
  'back.band': 'Gemeente {municipality}',
  'address.cardNumber': 'Kaart {n} van {total}',
} as const;

export type CardTextKey = keyof typeof nl;
