import type { InboundEvent, MenuOption } from '../../core/channel.js';
import type { Opening } from '../../core/office-hours.js';
import { t, type Language, type TextKey } from '../../templates/texts/index.js';
import { mentionsCrisis } from './crisis.js';
import { matchKeyword, matchNumber, matchYesNo } from './keywords.js';
import { normaliseWords } from './normalise.js';
import { automaticNotices, type ReplyFn, type Say } from './notices.js';
import type { DialogueState } from './states.js';

/**
 * The youngster-facing bot, channel-agnostic and pure: given where the contact
 * stands and what just came in, it says what to answer, what goes to the
 * coach's inbox and what changes. It never answers content itself - free text
 * always goes to a person. The service (./service.ts) applies the outcome.
 */
export interface DialogueContext {
  state: DialogueState;
  language: Language;
  /** The contact knows its municipality (through a card or by choosing one). */
  linked: boolean;
  /**
   * The person behind this contact (its card's youngster) already asked for no
   * contact, through another browser or messenger. This contact is new to us,
   * but nothing may be promised or passed on.
   */
  personOptedOut: boolean;
  youngsterFirstName: string | null;
  coachFirstName: string | null;
  municipalityName: string | null;
  /** Offered to someone without a card, sorted by name. */
  municipalities: { id: string; name: string }[];
  officeOpen: boolean;
  nextOpening: Opening | null;
  /** No "outside office hours" notice was sent recently. */
  officeNoticeDue: boolean;
  /** The coach named to the youngster (coachFirstName) is away right now; null when not. */
  coachAbsence: { until: Date; delegateFirstName: string | null } | null;
  /** No "your coach is away" notice was sent recently. */
  absenceNoticeDue: boolean;
  privacyUrl: string;
  overrides: Partial<Record<TextKey, string>>;
}

export interface Reply {
  text: string;
  menu: MenuOption[] | null;
}

export type DialogueEventType = 'visit.requested' | 'optout.requested' | 'optout.confirmed' | 'crisis.flagged';

export interface DialogueOutcome {
  replies: Reply[];
  /** Goes to the coach's inbox as the youngster's message. */
  forward: { text: string; kind: 'text' | 'choice' } | null;
  urgent: boolean;
  state: DialogueState;
  language: Language;
  /** Municipality picked by someone without a card. */
  municipalityId: string | null;
  /**
   * The municipality just became known: messages written before it (stored,
   * not yet routed - nobody could see them) now go to the inbox.
   */
  releaseHeldText: boolean;
  optOut: boolean;
  officeNoticeSent: boolean;
  absenceNoticeSent: boolean;
  events: DialogueEventType[];
}

export const CHOICE = {
  chat: 'chat',
  visit: 'visit',
  optout: 'optout',
  optoutYes: 'optout_yes',
  optoutNo: 'optout_no',
  municipalityPrefix: 'm:',
} as const;

export function decide(ctx: DialogueContext, event: InboundEvent): DialogueOutcome {
  const out: DialogueOutcome = {
    replies: [],
    forward: null,
    urgent: false,
    state: ctx.state,
    language: ctx.language,
    municipalityId: null,
    releaseHeldText: false,
    optOut: false,
    officeNoticeSent: false,
    absenceNoticeSent: false,
    events: [],
  };
  // Opted out means silence: nothing is answered, nothing forwarded.
  if (ctx.state === 'opted_out') return out;

  const say = (key: TextKey, vars: Record<string, string> = {}) => text(ctx, out.language, key, vars);
  const reply = (body: string, menu: MenuOption[] | null = null) => out.replies.push({ text: body, menu });

  if (ctx.personOptedOut) {
    // They said no earlier: one calm line (with 113/112 if needed - that promises no coach), then this
    // contact is stopped too. No menu, nothing for the inbox: nobody may answer.
    const typed = event.type === 'text' ? event.text : null;
    const crisis = typed !== null && mentionsCrisis(typed) ? `${say('bot.crisis')}\n\n` : '';
    reply(`${crisis}${say('bot.optedOutEarlier')}`);
    out.optOut = true;
    out.state = 'opted_out';
    return out;
  }
  // "Michelle reads it" is only promised while Michelle is there; during her absence the team wording is used.
  const coachHere = ctx.coachFirstName !== null && ctx.coachAbsence === null;

  if (event.type === 'start') {
    if (!ctx.linked) return askMunicipality(out, say, reply, ctx);
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

  const typed = event.type === 'text' ? event.text : null;

  // Crisis first, whatever the state or hour: pointer to 113/112 and an urgent flag.
  if (typed !== null && mentionsCrisis(typed)) {
    out.urgent = true;
    out.events.push('crisis.flagged');
    reply(`${say('bot.crisis')}${ctx.linked ? `\n\n${say('bot.crisis.seen')}` : ''}`);
    if (ctx.linked) {
      out.forward = { text: typed, kind: 'text' };
      if (ctx.state !== 'optout_confirm') out.state = 'chatting';
      return out;
    }
    return askMunicipality(out, say, reply, ctx);
  }

  const choice = event.type === 'choice' ? event.choice : typed !== null ? numberedChoice(ctx, typed) : null;
  const keyword = typed !== null && choice === null ? matchKeyword(typed) : null;

  if (keyword === 'english' || keyword === 'dutch') {
    out.language = keyword === 'english' ? 'en' : 'nl';
    const sayNew = (key: TextKey) => text(ctx, out.language, key, {});
    if (ctx.linked) reply(sayNew('bot.language.switched'), mainMenu(ctx, out.language));
    else reply(`${sayNew('bot.language.switched')}\n\n${sayNew('bot.lostCard.ask')}`, municipalityMenu(ctx));
    if (ctx.linked && ctx.state !== 'optout_confirm') out.state = 'menu';
    return out;
  }

  if (!ctx.linked) {
    if (choice?.startsWith(CHOICE.municipalityPrefix)) return pickMunicipality(ctx, out, say, reply, choice.slice(2));
    const byName = typed !== null ? findMunicipality(ctx, typed) : null;
    if (byName) return pickMunicipality(ctx, out, say, reply, byName);
    if (ctx.state === 'ask_municipality' && typed !== null && keyword === null) {
      reply(say('bot.lostCard.unknown'), municipalityMenu(ctx));
      return out;
    }
    return askMunicipality(out, say, reply, ctx);
  }

  if (ctx.state === 'optout_confirm') {
    const answer = choice === CHOICE.optoutYes ? 'yes' : choice === CHOICE.optoutNo ? 'no' : typed !== null ? matchYesNo(typed) : null;
    if (answer === 'yes' || keyword === 'optout') {
      out.optOut = true;
      out.events.push('optout.confirmed');
      out.state = 'opted_out';
      reply(say('bot.optout.done'));
      return out;
    }
    if (answer === 'no') {
      out.state = 'menu';
      reply(say('bot.optout.cancelled'), mainMenu(ctx, out.language));
      return out;
    }
    // Something else entirely: they are talking, not deciding. It goes to the coach.
  }

  if (keyword === 'optout' || choice === CHOICE.optout) {
    out.events.push('optout.requested');
    out.state = 'optout_confirm';
    reply(say('bot.optout.confirm'), [
      { id: CHOICE.optoutYes, label: say('bot.optout.yes') },
      { id: CHOICE.optoutNo, label: say('bot.optout.no') },
    ]);
    return out;
  }

  if (keyword === 'menu') {
    out.state = 'menu';
    reply(say('bot.menu.prompt'), mainMenu(ctx, out.language));
    return out;
  }

  if (choice === CHOICE.chat) {
    out.state = 'chatting';
    out.forward = { text: say(ctx.coachFirstName ? 'bot.menu.chat.coach' : 'bot.menu.chat.team'), kind: 'choice' };
    reply(say(coachHere ? 'bot.chat.ack.coach' : 'bot.chat.ack.team'));
    automaticNotices(ctx, out, say, reply);
    return out;
  }

  if (choice === CHOICE.visit) {
    // Booking comes later; until then the request is recorded and the coach follows up.
    out.state = 'chatting';
    out.events.push('visit.requested');
    out.forward = { text: say('bot.menu.visit'), kind: 'choice' };
    reply(say(coachHere ? 'bot.visit.ack.coach' : 'bot.visit.ack.team'));
    automaticNotices(ctx, out, say, reply);
    return out;
  }

  if (choice !== null && typed === null) {
    // A stale button (e.g. an old keyboard) that means nothing now: show the menu again.
    reply(say('bot.menu.prompt'), mainMenu(ctx, out.language));
    return out;
  }

  // Free text: to the coach. A short acknowledgement the first time, and the due notices (away, after hours).
  if (typed !== null) {
    out.forward = { text: typed, kind: 'text' };
    if (ctx.state === 'menu' || ctx.state === 'new') {
      reply(say(coachHere ? 'bot.firstText.ack.coach' : 'bot.firstText.ack.team'));
    }
    out.state = 'chatting';
    automaticNotices(ctx, out, say, reply);
  }
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
  if (ctx.state === 'menu') return [CHOICE.chat, CHOICE.visit, CHOICE.optout][n - 1] ?? null;
  if (ctx.state === 'optout_confirm') return [CHOICE.optoutYes, CHOICE.optoutNo][n - 1] ?? null;
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

function askMunicipality(out: DialogueOutcome, say: Say, reply: ReplyFn, ctx: DialogueContext) {
  out.state = 'ask_municipality';
  reply(say('bot.lostCard.ask'), municipalityMenu(ctx));
  return out;
}

function pickMunicipality(ctx: DialogueContext, out: DialogueOutcome, say: Say, reply: ReplyFn, id: string) {
  const m = ctx.municipalities.find((x) => x.id === id);
  if (!m) return askMunicipality(out, say, reply, ctx);
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
  const say = (key: TextKey) => text(ctx, ctx.language, key, {});
  if (choice.startsWith(CHOICE.municipalityPrefix)) {
    return ctx.municipalities.find((m) => m.id === choice.slice(CHOICE.municipalityPrefix.length))?.name ?? choice;
  }
  const keys: Record<string, TextKey> = {
    [CHOICE.chat]: ctx.coachFirstName ? 'bot.menu.chat.coach' : 'bot.menu.chat.team',
    [CHOICE.visit]: 'bot.menu.visit',
    [CHOICE.optout]: 'bot.menu.optout',
    [CHOICE.optoutYes]: 'bot.optout.yes',
    [CHOICE.optoutNo]: 'bot.optout.no',
  };
  const key = keys[choice];
  return key ? say(key) : choice;
}
