import { GrammyError, type Api } from 'grammy';
import { PermanentSendError, RateLimitedError, type ChannelSender } from '../../../core/channel.js';

/**
 * Outbound to Telegram: menus as inline keyboards (callback_data = option id,
 * at most 64 bytes), 429 turned into the delivery worker's rate-limit wait
 * (honouring retry_after), 400/403 (chat gone, bot blocked) permanent.
 */
export function createTelegramSender(deps: { api: Api }): ChannelSender {
  return {
    channel: 'telegram',
    async send(envelope) {
      try {
        const msg = await deps.api.sendMessage(
          envelope.externalContactId,
          envelope.body,
          envelope.menu?.length
            ? { reply_markup: { inline_keyboard: envelope.menu.map((o) => [{ text: o.label, callback_data: o.id }]) } }
            : {},
        );
        return { externalId: String(msg.message_id) };
      } catch (err) {
        if (err instanceof GrammyError) {
          if (err.error_code === 429) throw new RateLimitedError((err.parameters.retry_after ?? 1) * 1000);
          if (err.error_code === 400 || err.error_code === 403) {
            throw new PermanentSendError(err.description, `telegram_${err.error_code}`);
          }
        }
        throw err; // network trouble and 5xx: retried with backoff
      }
    },
  };
}
