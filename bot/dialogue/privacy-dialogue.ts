import type { InboundEvent, MenuOption } from '../../core/channel.js';
import type { Language } from '../../templates/texts/index.js';
import { CHOICE } from './choices.js';
import { mentionsCrisis } from './crisis.js';
import { matchKeyword, matchNumber, matchYesNo } from './keywords.js';
import type { DialogueContext, DialogueOutcome, HeldData, Turn } from './types.js';

/** What this uses of dialogue.ts, handed in (dialogue.ts imports this file, not the other way round). */
export interface Kit {
  mainMenu(ctx: DialogueContext, lang: Language): MenuOption[];
  start(turn: Turn): DialogueOutcome;
  confirmOptOut(turn: Turn): DialogueOutcome;
}

/**
 * The youngster's privacy in the chat: "wat weten jullie van mij?" (the
 * categories held, never the values - anyone holding the card could ask - and
 * how to get a full copy), withdrawing a consent, and the question to someone
 * whose messenger account opted out before. Pure, like dialogue.ts.
 */

/** The options under "what we hold": withdraw (only with a consent in force), stop, back. */
export function privacyMenuIds(ctx: DialogueContext): string[] {
  return [...(ctx.held?.consents.length ? [CHOICE.consentWithdraw] : []), CHOICE.optout, CHOICE.back];
}

function privacyMenu(turn: Turn): MenuOption[] {
  const { say } = turn;
  const labels: Record<string, string> = {
    [CHOICE.consentWithdraw]: say('bot.held.withdraw'),
    [CHOICE.optout]: say('bot.held.stop'),
    [CHOICE.back]: say('bot.held.back'),
  };
  return privacyMenuIds(turn.ctx).map((id) => ({ id, label: labels[id]! }));
}

/** What a consent reads as for the youngster. */
export function consentWords(turn: Pick<Turn, 'say'>, c: HeldData['consents'][number]): string {
  if (c.kind === 'cooperation') return turn.say('bot.consent.cooperation');
  return turn.say(c.category === 'what' ? 'bot.consent.partner.what' : 'bot.consent.partner.that', { partner: c.partnerName ?? '' });
}

export function tellWhatWeHold(turn: Turn) {
  const { ctx, out, say, reply } = turn;
  const held = ctx.held ?? { listData: false, messages: true, notes: false, contactAttempts: false, consents: [] };
  const lines = [say('bot.held.intro')];
  if (held.listData) lines.push(say('bot.held.listData'));
  lines.push(say('bot.held.account'));
  if (held.messages) lines.push(say('bot.held.messages'));
  if (ctx.linked && !held.listData) lines.push(say('bot.held.municipality'));
  if (held.notes) lines.push(say('bot.held.notes'));
  if (held.contactAttempts) lines.push(say('bot.held.attempts'));
  if (held.consents.length) lines.push(say('bot.held.consents', { list: held.consents.map((c) => consentWords(turn, c)).join('; ') }));
  reply(`${lines.join('\n')}\n\n${say('bot.held.copy')}`, ctx.linked ? privacyMenu(turn) : null);
  if (ctx.linked) out.state = 'privacy';
  return out;
}

export function offerConsentWithdrawal(turn: Turn, kit: Kit) {
  const { ctx, out, say, reply } = turn;
  const consents = ctx.held?.consents ?? [];
  if (!consents.length) {
    reply(say('bot.consent.none'), kit.mainMenu(ctx, out.language));
    out.state = 'menu';
    return out;
  }
  reply(
    say('bot.consent.pick'),
    consents.map((c) => ({ id: `${CHOICE.withdrawPrefix}${c.id}`, label: consentWords(turn, c) })),
  );
  out.state = 'consent_withdraw';
  return out;
}

/** Only a consent of theirs in force (ctx.held) can be withdrawn; anything else shows the menu. */
export function withdrawConsent(turn: Turn, consentId: string, kit: Kit) {
  const { ctx, out, say, reply } = turn;
  const c = ctx.held?.consents.find((x) => x.id === consentId);
  if (!c) return offerConsentWithdrawal(turn, kit);
  const what = consentWords(turn, c);
  out.withdrawConsentId = c.id;
  // The coach reads it in the thread, in words.
  out.forward = { text: say('bot.consent.withdrawnNote', { what }), kind: 'choice' };
  out.state = 'menu';
  reply(say('bot.consent.withdrawn', { what }), kit.mainMenu(ctx, out.language));
  return out;
}

/**
 * A new contact from an account that opted out before. Until they answer, nothing
 * goes to anyone (forward stays null). Yes: a fresh start with no link to the old
 * contact (which is erased anyway). No: this contact stops and is erased too.
 */
export function answerRestart(turn: Turn, event: InboundEvent, kit: Kit) {
  const { out, say, reply } = turn;
  const typed = event.type === 'text' ? event.text : null;
  const choice = event.type === 'choice' ? event.choice : null;
  const n = typed !== null ? matchNumber(typed) : null;
  const answer =
    choice === CHOICE.restartYes || n === 1
      ? 'yes'
      : choice === CHOICE.restartNo || n === 2
        ? 'no'
        : typed !== null
          ? matchKeyword(typed) === 'optout'
            ? 'no'
            : matchYesNo(typed)
          : null;
  if (answer === 'yes') {
    out.restart = true;
    out.state = 'new';
    const started = kit.start(turn);
    started.replies.unshift({ text: say('bot.restart.welcome'), menu: null });
    return started;
  }
  if (answer === 'no') {
    kit.confirmOptOut(turn);
    out.replies = [{ text: say('bot.restart.bye'), menu: null }];
    return out;
  }
  const crisis = typed !== null && mentionsCrisis(typed) ? `${say('bot.crisis')}\n\n` : '';
  reply(`${crisis}${say('bot.restart.ask')}`, [
    { id: CHOICE.restartYes, label: say('bot.restart.yes') },
    { id: CHOICE.restartNo, label: say('bot.restart.no') },
  ]);
  return out;
}
