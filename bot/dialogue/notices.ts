import { formatDay } from '../../core/local-time.js';
import type { Opening } from '../../core/office-hours.js';
import type { TextKey } from '../../templates/texts/index.js';
import type { DialogueContext, DialogueOutcome, ReplyFn, Say } from './types.js';

/**
 * The automatic notices after a youngster writes: "your coach is away" and
 * "outside office hours". Each is sent at most once in a while (the context
 * says whether one is due), so a conversation does not fill up with them.
 */
export function automaticNotices(ctx: DialogueContext, out: DialogueOutcome, say: Say, reply: ReplyFn) {
  absenceNotice(ctx, out, say, reply);
  officeNotice(ctx, out, say, reply);
}

function absenceNotice(ctx: DialogueContext, out: DialogueOutcome, say: Say, reply: ReplyFn) {
  const absence = ctx.coachAbsence;
  if (!absence || !ctx.coachFirstName || !ctx.absenceNoticeDue) return;
  // The end is exclusive ("away until Saturday 00:00"); the youngster reads the last day away ("t/m vrijdag").
  const until = formatDay(out.language, new Date(absence.until.getTime() - 60_000));
  reply(
    absence.delegateFirstName
      ? say('bot.absent.delegate', { until, delegate: absence.delegateFirstName })
      : say('bot.absent.colleague', { until }),
  );
  out.absenceNoticeSent = true;
}

function officeNotice(ctx: DialogueContext, out: DialogueOutcome, say: Say, reply: ReplyFn) {
  if (ctx.officeOpen || !ctx.officeNoticeDue) return;
  // While the coach is away, the person who will actually read it is named (or the team).
  const reader = ctx.coachAbsence ? ctx.coachAbsence.delegateFirstName : ctx.coachFirstName;
  const when = whenText(ctx.nextOpening, say);
  reply(reader ? say('bot.offHours.coach', { coach: reader, when }) : say('bot.offHours.team', { when }));
  out.officeNoticeSent = true;
}

function whenText(opening: Opening | null, say: Say): string {
  if (!opening) return say('bot.when.soon');
  if (opening.daysAhead === 0) return say('bot.when.today', { time: opening.time });
  if (opening.daysAhead === 1) return say('bot.when.tomorrow', { time: opening.time });
  return say('bot.when.weekday', { weekday: say(`bot.weekday.${opening.weekday}` as TextKey), time: opening.time });
}
