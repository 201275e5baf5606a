import type { TextKey } from './nl.js';

/** English versions of every key in nl.ts (the type makes a missing key a compile error). */
export const en: Record<TextKey, string> = {
  'page.lang': 'en',
  'page.switchLanguage': 'Nederlands',
  'page.switchLanguageCode': 'nl',
  'landing.title': 'Hi! Good to see you here.',
  'landing.fromCoach': 'Your card is from {coach}, youth coach at the municipality of {municipality}.',
  'landing.fromTeam': 'Your card is from the youth coaches of the municipality of {municipality}.',
  'landing.voluntary': "You don't have to do anything, it's entirely up to you. Feel free to ask a question or tell us what's on your mind.",
  'landing.chooseChannel': 'How would you like to get in touch?',
  'landing.webchat': 'Chat here in your browser',
  'landing.privacy': 'How we handle your data',
  'chat.title': 'Chat with {coach}',
  'chat.titleTeam': 'Chat with your youth coach',
  'chat.intro': '{coach} will read your message and reply as soon as they can.',
  'chat.introTeam': 'A youth coach will read your message and reply as soon as they can.',
  'chat.placeholder': 'Type your message…',
  'chat.send': 'Send',
  'chat.you': 'You',
  'chat.sending': 'Sending…',
  'chat.error.message_empty': 'Your message is still empty.',
  'chat.error.message_too_long': 'Your message is too long. Could you send it in two parts?',
  'chat.error.generic': "Sending didn't work. Your text is still here; please try again in a moment.",
  'chat.error.offline': 'No connection. Your text is still here; please try again in a moment.',
  'notFound.title': "This link doesn't work (any more)",
  'notFound.body':
    "Maybe there's a typo, or your card is no longer valid. Still want to get in touch? Call or message the municipality where you live and they will help you.",
  'privacy.title': 'Your data',
  'privacy.body':
    "Your municipality has your name and address so it could send you a card; the Participation Act allows this. You don't have to reply. Only the youth coaches of your municipality read what you write here. Don't want contact? Just say so and we stop right away and erase your data.",
};
