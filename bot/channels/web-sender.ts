import type { ChannelSender } from '../../core/channel.js';
import type { LiveBus } from '../../core/live-bus.js';

/**
 * Delivery to the web chat: the message is already in PostgreSQL, and the chat
 * shows every reply marked sent - on its next load, or at once through the
 * browser's SSE stream, which is woken only after the row says 'sent' (the
 * stream re-reads it and would otherwise find it still 'sending').
 */
export function createWebSender(deps: { liveBus: LiveBus }): ChannelSender {
  return {
    channel: 'web',
    async send() {
      return { externalId: null };
    },
    async afterSent(envelope) {
      await deps.liveBus.publishWebchat(envelope.contactId, { messageId: envelope.messageId });
    },
  };
}
