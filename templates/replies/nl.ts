import type { CannedReply } from './types.js';

/** Short, warm standard answers a coach can start from (B1, je/jij, no pressure). Variables: {voornaam}, {coach}, {datum}. */
export const nl: CannedReply[] = [
  { id: 'follow-up', label: 'Even checken hoe het gaat', text: 'Hoi {voornaam}, ik wilde even vragen hoe het met je gaat. Je hoeft niets, maar ik hoor het graag. Groet, {coach}' },
  { id: 'visit', label: 'Afspraak voorstellen', text: 'Hoi {voornaam}, zullen we een keer afspreken? Ik kan {datum} langskomen, of we spreken ergens anders af. Wat vind jij fijn? {coach}' },
  { id: 'back-tomorrow', label: 'Ik ben er morgen weer', text: 'Hoi {voornaam}, dank je voor je bericht! Ik ben er {datum} weer en dan reageer ik. Groet, {coach}' },
  { id: 'thanks', label: 'Bedankt voor je bericht', text: 'Hoi {voornaam}, fijn dat je schrijft! Ik lees het goed en kom er snel bij je op terug. {coach}' },
  { id: 'call', label: 'Bellen voorstellen', text: 'Hoi {voornaam}, is het goed als ik je {datum} even bel? Zeg het gerust als je dat liever niet wilt. {coach}' },
  { id: 'no-pressure', label: 'Geen druk', text: 'Hoi {voornaam}, je hoeft niets, het is vrijblijvend. Als je later wilt praten, stuur dan gewoon een berichtje. {coach}' },
];
