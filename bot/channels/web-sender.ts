import type { ChannelSender } from '../../core/channel.js';
import type { LiveBus } from '../../core/live-bus.js';

/**
 * Delivery to the web chat: the message is already in PostgreSQL; "sending"
 * means telling the browser's SSE stream to fetch it. A browser that is not
 * connected sees it when the page next loads, so the send itself cannot fail
 * beyond Redis being down (then the job retries).
 */
export function createWebSender(deps: { liveBus: LiveBus }): ChannelSender {
  return {
    channel: 'web',
    async send(envelope) {
      await deps.liveBus.publishWebchat(envelope.contactId, { messageId: envelope.messageId });
      return { externalId: null };
    },
  };
}
