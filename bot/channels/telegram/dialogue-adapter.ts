import { Composer, type Context } from 'grammy';
import type { InboundEvent, InboundHandler } from '../../../core/channel.js';
import { isCardTokenShape } from '../../../core/tokens.js';

/** Shown to the coach when a youngster sends something other than text (photo, voice, sticker). */
export const NON_TEXT_MARKER = '[foto, spraakbericht of bestand - alleen tekst komt door]';

/**
 * Translates Telegram updates (through grammY's own routing) into the one
 * internal shape and hands them to the dialogue. Private chats only: a bot
 * added to a group stays silent there. A Composer rather than a Bot, so the
 * channel's one Bot can run it for a webhook update and the updates queue
 * for a stored one (./channel.ts).
 */
export function telegramDialogue(dialogue: InboundHandler): Composer<Context> {
  const composer = new Composer<Context>();
  const chats = composer.chatType('private');
  const handle = (ctx: Context, event: InboundEvent, externalMessageId: string | null) =>
    dialogue.handle({
      channel: 'telegram',
      externalContactId: String(ctx.chat!.id),
      externalMessageId,
      event,
    });

  chats.command('start', async (ctx) => {
    const payload = ctx.match.trim();
    await handle(ctx, { type: 'start', token: isCardTokenShape(payload) ? payload : null }, `m${ctx.msg.message_id}`);
  });

  chats.on('callback_query:data', async (ctx) => {
    // Always answer, or the button keeps spinning on the phone; a failed answer must not lose the choice.
    await ctx.answerCallbackQuery().catch(() => {});
    await handle(ctx, { type: 'choice', choice: ctx.callbackQuery.data }, `c${ctx.callbackQuery.id}`);
  });

  chats.on('message:text', async (ctx) => {
    await handle(ctx, { type: 'text', text: ctx.msg.text }, `m${ctx.msg.message_id}`);
  });

  chats.on('message', async (ctx) => {
    const caption = ctx.msg.caption ? ` ${ctx.msg.caption}` : '';
    await handle(ctx, { type: 'text', text: `${NON_TEXT_MARKER}${caption}` }, `m${ctx.msg.message_id}`);
  });
  return composer;
}
