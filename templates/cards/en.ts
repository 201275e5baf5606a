import type { CardTextKey } from './nl.js';

/** English versions of every key in nl.ts (the type makes a missing key a compile error). */
export const en: Record<CardTextKey, string> = {
  'front.municipality': 'Municipality of {municipality}',
  'front.greeting': 'Hi {name},',
  'front.greetingNoName': 'Hi!',
  'front.message.regular':
    "I'm {coach}, youth coach at the municipality of {municipality}. Not in school or work right now? I'm happy to think along with you. You don't have to do anything, it's entirely up to you.",
  'front.message.entrepreneur':
    "I'm {coach}, youth coach at the municipality of {municipality}. You're registered with the Chamber of Commerce (KvK). Is it going the way you want? I'm happy to think along with you, about your business too. You don't have to do anything, it's entirely up to you.",
  'front.message.regular.team':
    "We're the youth coaches of the municipality of {municipality}. Not in school or work right now? We're happy to think along with you. You don't have to do anything, it's entirely up to you.",
  'front.message.entrepreneur.team':
    "We're the youth coaches of the municipality of {municipality}. You're registered with the Chamber of Commerce (KvK). Is it going the way you want? We're happy to think along with you, about your business too. You don't have to do anything, it's entirely up to you.",
  'front.coachRole': 'Youth coach',
  'front.teamName': 'Youth coaches',
  'front.turnOver': 'Want to chat? Turn the card over.',
  'back.title': 'Chat with {coach}',
  'back.titleTeam': 'Chat with a youth coach',
  'back.scan': 'Scan the code with your phone camera.',
  'back.noCamera': "Scanning doesn't work? Go to",
  'back.codeIntro': 'Or type this code in the chat:',
  'back.privacy': 'What we know about you and what you can have deleted: {privacyUrl}',
  'back.stop': "Not interested? Send ‘stop’ and you won't hear from us again.",
  'back.band': 'Municipality of {municipality}',
  'address.cardNumber': 'Card {n} of {total}',
};
