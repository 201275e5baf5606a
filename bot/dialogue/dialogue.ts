import type { InboundEvent, MenuOption } from '../../core/channel.js';
import { t, type Language, type TextKey } from '../../templates/texts/index.js';
import { mentionsCrisis } from './crisis.js';
import { matchKeyword, matchNumber, matchYesNo, type Keyword } from './keywords.js';
import { normaliseWords } from './normalise.js';
import { automaticNotices } from './notices.js';
import { decideBooking, describeBookingChoice, isBookingState } from './booking-dialogue.js';
import { CHOICE, MAIN_MENU_ORDER, OPT_OUT_REASON_ORDER, type OptOutReason } from './choices.js';
import { answerRestart, consentWords, offerConsentWithdrawal, privacyMenuIds, tellWhatWeHold, withdrawConsent, type Kit } from './privacy-dialogue.js';
import type { DialogueContext, DialogueOutcome, Turn } from './types.js';

export { CHOICE };


/**
 * The youngster-facing bot, channel-agnostic and pure: given where the contact
 * stands and what just came in, it says what to answer, what goes to the
 * coach's inbox and what changes. It never answers content itself - free text
 * always goes to a person. The service (./service.ts) applies the outcome.
 */
export function decide(ctx: DialogueContext, event: InboundEvent): DialogueOutcome {
  const turn = beginTurn(ctx);
  // Opted out means silence: nothing is answered, nothing forwarded - only the goodbye's optional
  // "wil je zeggen waarom?" is counted, anonymously, and still not answered.
  if (ctx.state === 'opted_out') return countOptOutReason(turn, event);
  // A new contact from a messenger account that opted out before (its data is erased): ask, never assume.
  if (ctx.state === 'restart_offered') return answerRestart(turn, event, kit);
  if (ctx.personOptedOut) return stopContactOfOptedOutPerson(turn, event);
  if (event.type === 'start') return ctx.linked ? greet(turn) : askMunicipality(turn);

  const typed = event.type === 'text' ? event.text : null;
  // Crisis first, whatever the state or hour.
  if (typed !== null && mentionsCrisis(typed)) return pointToCrisisHelp(turn, typed);

  const choice = event.type === 'choice' ? event.choice : typed !== null ? numberedChoice(ctx, typed) : null;
  const keyword = typed !== null && choice === null ? matchKeyword(typed) : null;
  if (keyword === 'english' || keyword === 'dutch') return switchLanguage(turn, keyword === 'english' ? 'en' : 'nl');
  // "What do you know about me?" - with or without a card.
  if (keyword === 'privacy' || choice === CHOICE.privacy) return tellWhatWeHold(turn);
  if (choice === CHOICE.consentWithdraw) return offerConsentWithdrawal(turn, kit);
  if (choice?.startsWith(CHOICE.withdrawPrefix)) return withdrawConsent(turn, choice.slice(CHOICE.withdrawPrefix.length), kit);
  if (choice === CHOICE.back) return showMenu(turn);
  // Booking a visit (a card holder): the types, moments, confirmation - or what the service just did.
  const booking = decideBooking(turn, event, kit);
  if (booking) return booking;
  if (!ctx.linked) return learnMunicipality(turn, typed, choice, keyword);

  if (ctx.state === 'optout_confirm') {
    const answer = choice === CHOICE.optoutYes ? 'yes' : choice === CHOICE.optoutNo ? 'no' : typed !== null ? matchYesNo(typed) : null;
    if (answer === 'yes' || keyword === 'optout') return confirmOptOut(turn);
    if (answer === 'no') return cancelOptOut(turn);
    // Something else entirely: they are talking, not deciding. It goes to the coach (below).
  }
  if (keyword === 'optout' || choice === CHOICE.optout) return askOptOutConfirmation(turn);
  if (keyword === 'menu') return showMenu(turn);
  if (choice === CHOICE.chat) return acceptChat(turn);
  if (choice === CHOICE.visit) return acceptVisitRequest(turn);
  // A stale button (e.g. an old keyboard) that means nothing now: the menu again, nothing changes.
  if (typed === null) return showMenuAgain(turn);
  return forwardToCoach(turn, typed);
}

/** What the privacy dialogue (privacy-dialogue.ts) uses of this one. */
const kit: Kit = {
  mainMenu: (ctx, lang) => mainMenu(ctx, lang),
  // A fresh start: the full greeting, as for a contact never greeted.
  start: (turn) => (turn.ctx.linked ? greet({ ...turn, ctx: { ...turn.ctx, state: 'new' } }) : askMunicipality(turn)),
  confirmOptOut: (turn) => confirmOptOut(turn),
};

function beginTurn(ctx: DialogueContext): Turn {
  const out: DialogueOutcome = {
    replies: [],
    forward: null,
    urgent: false,
    state: ctx.state,
    language: ctx.language,
    municipalityId: null,
    releaseHeldText: false,
    optOut: false,
    withdrawConsentId: null,
    restart: false,
    officeNoticeSent: false,
    absenceNoticeSent: false,
    events: [],
  };
  return {
    ctx,
    out,
    say: (key, vars = {}) => text(ctx, out.language, key, vars),
    reply: (body, menu = null) => void out.replies.push({ text: body, menu }),
    coachHere: ctx.coachFirstName !== null && ctx.coachAbsence === null,
  };
}

/**
 * They said no earlier, through another contact: one calm line (with 113/112 if needed - that
 * promises no coach), then this contact is stopped too. No menu, nothing for the inbox: nobody may answer.
 */
function stopContactOfOptedOutPerson({ out, say, reply }: Turn, event: InboundEvent) {
  const typed = event.type === 'text' ? event.text : null;
  const crisis = typed !== null && mentionsCrisis(typed) ? `${say('bot.crisis')}\n\n` : '';
  reply(`${crisis}${say('bot.optedOutEarlier')}`);
  out.optOut = true;
  out.state = 'opted_out';
  return out;
}

/** A card scan: the full greeting the first time, the menu again after that. */
function greet({ ctx, out, say, reply }: Turn) {
  if (ctx.state === 'new') {
    const greeting = [
      say(ctx.coachFirstName ? 'bot.greeting.coach' : 'bot.greeting.team', {
        name: ctx.youngsterFirstName ? ` ${ctx.youngsterFirstName}` : '',
      }),
      say('bot.voluntary'),
      say('bot.privacy'),
      say('bot.signoff'),
    ].filter(Boolean);
    reply(greeting.join('\n\n'));
    reply(say('bot.menu.prompt'), mainMenu(ctx, out.language));
  } else {
    reply(say('bot.menu.again'), mainMenu(ctx, out.language));
  }
  out.state = 'menu';
  return out;
}

/** Pointer to 113/112 and an urgent flag; with a municipality known, the words go to the coach too. */
function pointToCrisisHelp(turn: Turn, typed: string) {
  const { ctx, out, say, reply } = turn;
  out.urgent = true;
  out.events.push('crisis.flagged');
  reply(`${say('bot.crisis')}${ctx.linked ? `\n\n${say('bot.crisis.seen')}` : ''}`);
  if (!ctx.linked) return askMunicipality(turn);
  out.forward = { text: typed, kind: 'text' };
  if (ctx.state !== 'optout_confirm') out.state = 'chatting';
  return out;
}

function switchLanguage({ ctx, out, say, reply }: Turn, language: Language) {
  out.language = language;
  if (ctx.linked) reply(say('bot.language.switched'), mainMenu(ctx, out.language));
  else reply(`${say('bot.language.switched')}\n\n${say('bot.lostCard.ask')}`, municipalityMenu(ctx));
  // A pending "are you sure you want to stop?" stays open.
  if (ctx.linked && ctx.state !== 'optout_confirm') out.state = 'menu';
  return out;
}

/** Someone without a (valid) card: nothing goes anywhere until they say where they live. */
function learnMunicipality(turn: Turn, typed: string | null, choice: string | null, keyword: Keyword | null) {
  const { ctx, out, say, reply } = turn;
  if (choice?.startsWith(CHOICE.municipalityPrefix)) return pickMunicipality(turn, choice.slice(CHOICE.municipalityPrefix.length));
  const byName = typed !== null ? findMunicipality(ctx, typed) : null;
  if (byName) return pickMunicipality(turn, byName);
  if (ctx.state === 'ask_municipality' && typed !== null && keyword === null) {
    reply(say('bot.lostCard.unknown'), municipalityMenu(ctx));
    return out;
  }
  return askMunicipality(turn);
}

function askOptOutConfirmation({ out, say, reply }: Turn) {
  out.events.push('optout.requested');
  out.state = 'optout_confirm';
  reply(say('bot.optout.confirm'), [
    { id: CHOICE.optoutYes, label: say('bot.optout.yes') },
    { id: CHOICE.optoutNo, label: say('bot.optout.no') },
  ]);
  return out;
}

/**
 * The goodbye is the last message they get. It carries one optional, never
 * repeated question - why? - with a few reasons to tap (numbers on WhatsApp);
 * the answer is counted in opted_out (countOptOutReason) and never answered.
 */
function confirmOptOut({ out, say, reply }: Turn) {
  out.optOut = true;
  out.events.push('optout.confirmed');
  out.state = 'opted_out';
  reply(`${say('bot.optout.done')}\n\n${say('bot.optout.why')}`, optOutReasonMenu(say));
  return out;
}

function optOutReasonMenu(say: Turn['say']): MenuOption[] {
  return OPT_OUT_REASON_ORDER.map((reason) => ({ id: `${CHOICE.optOutReasonPrefix}${reason}`, label: say(`bot.optout.why.${reason}`) }));
}

/**
 * After the goodbye: a reason tapped (or its number typed on WhatsApp) becomes the anonymous
 * event 'optout.reason_given' - only when the last menu this contact got (the goodbye) offered
 * it, so a number typed after any other last message means nothing. No reply, nothing forwarded,
 * no state change: everything else stays silence. (The service counts one reason per goodbye.)
 */
function countOptOutReason({ ctx, out }: Turn, event: InboundEvent) {
  const typedNumber = event.type === 'text' ? matchNumber(event.text) : null;
  const choice =
    event.type === 'choice'
      ? event.choice
      : typedNumber !== null && OPT_OUT_REASON_ORDER[typedNumber - 1]
        ? `${CHOICE.optOutReasonPrefix}${OPT_OUT_REASON_ORDER[typedNumber - 1]}`
        : null;
  if (choice === null || !choice.startsWith(CHOICE.optOutReasonPrefix)) return out;
  if (!ctx.lastMenu?.some((o) => o.id === choice)) return out;
  const reason = choice.slice(CHOICE.optOutReasonPrefix.length);
  if (isOptOutReason(reason)) out.events.push({ type: 'optout.reason_given', data: { reason } });
  return out;
}

function isOptOutReason(v: string): v is OptOutReason {
  return (OPT_OUT_REASON_ORDER as readonly string[]).includes(v);
}

function cancelOptOut({ ctx, out, say, reply }: Turn) {
  out.state = 'menu';
  reply(say('bot.optout.cancelled'), mainMenu(ctx, out.language));
  return out;
}

function showMenu(turn: Turn) {
  turn.out.state = 'menu';
  return showMenuAgain(turn);
}

function showMenuAgain({ ctx, out, say, reply }: Turn) {
  reply(say('bot.menu.prompt'), mainMenu(ctx, out.language));
  return out;
}

function acceptChat(turn: Turn) {
  const { ctx, out, say, reply } = turn;
  out.state = 'chatting';
  out.forward = { text: say(ctx.coachFirstName ? 'bot.menu.chat.coach' : 'bot.menu.chat.team'), kind: 'choice' };
  reply(say(turn.coachHere ? 'bot.chat.ack.coach' : 'bot.chat.ack.team'));
  automaticNotices(ctx, out, say, reply);
  return out;
}

/** Booking comes later; until then the request is recorded and the coach follows up. */
function acceptVisitRequest(turn: Turn) {
  const { ctx, out, say, reply } = turn;
  out.state = 'chatting';
  out.events.push('visit.requested');
  out.forward = { text: say('bot.menu.visit'), kind: 'choice' };
  reply(say(turn.coachHere ? 'bot.visit.ack.coach' : 'bot.visit.ack.team'));
  automaticNotices(ctx, out, say, reply);
  return out;
}

/** Free text goes to a person: a short acknowledgement the first time, and the due notices (away, after hours). */
function forwardToCoach(turn: Turn, typed: string) {
  const { ctx, out, say, reply } = turn;
  out.forward = { text: typed, kind: 'text' };
  if (ctx.state === 'menu' || ctx.state === 'new') {
    reply(say(turn.coachHere ? 'bot.firstText.ack.coach' : 'bot.firstText.ack.team'));
  }
  out.state = 'chatting';
  automaticNotices(ctx, out, say, reply);
  return out;
}

function text(ctx: DialogueContext, lang: Language, key: TextKey, vars: Record<string, string>) {
  return t(
    lang,
    key,
    {
      coach: ctx.coachFirstName ?? '',
      municipality: ctx.municipalityName ?? '',
      // The privacy page in the language they read, as a full URL: Telegram and WhatsApp turn that into a link.
      privacyUrl: lang === 'en' ? `${ctx.privacyUrl}?lang=en` : ctx.privacyUrl,
      ...vars,
    },
    ctx.overrides,
  ).trim();
}

function mainMenu(ctx: DialogueContext, lang: Language): MenuOption[] {
  const say = (key: TextKey) => text(ctx, lang, key, {});
  return [
    { id: CHOICE.chat, label: say(ctx.coachFirstName ? 'bot.menu.chat.coach' : 'bot.menu.chat.team') },
    { id: CHOICE.visit, label: say('bot.menu.visit') },
    { id: CHOICE.optout, label: say('bot.menu.optout') },
  ];
}

function municipalityMenu(ctx: DialogueContext): MenuOption[] {
  return ctx.municipalities.map((m) => ({ id: `${CHOICE.municipalityPrefix}${m.id}`, label: m.name }));
}

/** "2" means the second option of the menu the contact is looking at - only where a menu is open. */
function numberedChoice(ctx: DialogueContext, typed: string): string | null {
  const n = matchNumber(typed);
  if (n === null) return null;
  if (!ctx.linked && ctx.state === 'ask_municipality') {
    const m = ctx.municipalities[n - 1];
    return m ? `${CHOICE.municipalityPrefix}${m.id}` : null;
  }
  if (ctx.state === 'menu') return MAIN_MENU_ORDER[n - 1] ?? null;
  if (ctx.state === 'optout_confirm') return [CHOICE.optoutYes, CHOICE.optoutNo][n - 1] ?? null;
  if (ctx.state === 'restart_offered') return [CHOICE.restartYes, CHOICE.restartNo][n - 1] ?? null;
  if (ctx.state === 'privacy') return privacyMenuIds(ctx)[n - 1] ?? null;
  if (isBookingState(ctx.state)) return ctx.lastMenu?.[n - 1]?.id ?? null;
  if (ctx.state === 'consent_withdraw') {
    const c = ctx.held?.consents[n - 1];
    return c ? `${CHOICE.withdrawPrefix}${c.id}` : null;
  }
  return null;
}

function findMunicipality(ctx: DialogueContext, typed: string): string | null {
  const w = normaliseWords(typed);
  if (!w) return null;
  const exact = ctx.municipalities.find((m) => normaliseWords(m.name) === w);
  if (exact) return exact.id;
  const contains = ctx.municipalities.filter((m) => w.split(' ').includes(normaliseWords(m.name)));
  return contains.length === 1 ? contains[0]!.id : null;
}

function askMunicipality({ ctx, out, say, reply }: Turn) {
  out.state = 'ask_municipality';
  reply(say('bot.lostCard.ask'), municipalityMenu(ctx));
  return out;
}

/** From now on they talk with that municipality's team: a greeting in its name, and what they wrote before goes to it. */
function pickMunicipality(turn: Turn, id: string) {
  const { ctx, out, reply } = turn;
  const m = ctx.municipalities.find((x) => x.id === id);
  if (!m) return askMunicipality(turn);
  out.municipalityId = m.id;
  out.releaseHeldText = true;
  out.state = 'menu';
  const withMunicipality = { ...ctx, municipalityName: m.name, linked: true };
  const sayM = (key: TextKey, vars: Record<string, string> = {}) => text(withMunicipality, out.language, key, vars);
  reply([sayM('bot.greeting.team', { name: '' }), sayM('bot.voluntary'), sayM('bot.privacy')].join('\n\n'));
  reply(sayM('bot.menu.prompt'), mainMenu(withMunicipality, out.language));
  return out;
}

/** What a picked option reads as in the thread ("Afspraak maken"), so the coach sees the choice in words. */
export function describeChoice(ctx: DialogueContext, choice: string): string {
  const say = (key: TextKey, vars: Record<string, string> = {}) => text(ctx, ctx.language, key, vars);
  if (choice.startsWith(CHOICE.municipalityPrefix)) {
    return ctx.municipalities.find((m) => m.id === choice.slice(CHOICE.municipalityPrefix.length))?.name ?? choice;
  }
  const booking = describeBookingChoice(say, ctx.language, choice);
  if (booking !== null) return booking;
  if (choice.startsWith(CHOICE.withdrawPrefix)) {
    const consent = ctx.held?.consents.find((c) => c.id === choice.slice(CHOICE.withdrawPrefix.length));
    // What they tapped, in words (the bot's answer in the thread says it was withdrawn).
    return consent ? consentWords({ say }, consent) : say('bot.held.withdraw');
  }
  const keys: Record<string, TextKey> = {
    [CHOICE.chat]: ctx.coachFirstName ? 'bot.menu.chat.coach' : 'bot.menu.chat.team',
    [CHOICE.visit]: 'bot.menu.visit',
    [CHOICE.optout]: 'bot.menu.optout',
    [CHOICE.optoutYes]: 'bot.optout.yes',
    [CHOICE.optoutNo]: 'bot.optout.no',
    [CHOICE.privacy]: 'bot.held.intro',
    [CHOICE.consentWithdraw]: 'bot.held.withdraw',
    [CHOICE.back]: 'bot.held.back',
    [CHOICE.restartYes]: 'bot.restart.yes',
    [CHOICE.restartNo]: 'bot.restart.no',
  };
  const key = keys[choice];
  return key ? say(key) : choice;
}
