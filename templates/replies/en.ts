import type { CannedReply } from './types.js';

/** The same standard answers in plain English, for youngsters who chose English. */
export const en: CannedReply[] = [
  { id: 'follow-up', label: 'Checking in', text: 'Hi {voornaam}, just wanted to ask how you are doing. No pressure at all, but I would love to hear from you. {coach}' },
  { id: 'visit', label: 'Propose a meeting', text: 'Hi {voornaam}, shall we meet up some time? I could come by on {datum}, or we meet somewhere else. What works for you? {coach}' },
  { id: 'back-tomorrow', label: "I'm back tomorrow", text: 'Hi {voornaam}, thanks for your message! I am back on {datum} and will answer you then. {coach}' },
  { id: 'thanks', label: 'Thanks for your message', text: 'Hi {voornaam}, great that you wrote! I am reading it and will get back to you soon. {coach}' },
  { id: 'call', label: 'Propose a call', text: 'Hi {voornaam}, is it okay if I give you a quick call on {datum}? Just say so if you would rather not. {coach}' },
  { id: 'no-pressure', label: 'No pressure', text: 'Hi {voornaam}, you do not have to do anything, it is completely up to you. If you want to talk later, just send me a message. {coach}' },
];
