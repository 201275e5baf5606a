import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramChannel } from '../../bot/channels/telegram/channel.js';
import type { InboundEnvelope } from '../../core/channel.js';
import { createLogger } from '../../core/logger.js';
import { startFakeTelegram, type FakeTelegram } from '../../testing/fake-telegram.js';
import { tg, TEST_BOT_TOKEN, TEST_WEBHOOK_SECRET } from '../helpers/telegram-updates.js';

/**
 * One grammY Bot per process: the webhook route's bot is the one that sends
 * the outbox, registers the webhook and answers for a stored update. Every API
 * call of that bot passes a transformer installed on it here; a call made by
 * another Bot would not.
 */
let fake: FakeTelegram;
beforeAll(async () => {
  fake = await startFakeTelegram(TEST_BOT_TOKEN);
});
afterAll(async () => fake?.close());

describe('the Telegram channel', () => {
  it('uses its one Bot to send, to register the webhook and for stored updates', async () => {
    const handled: InboundEnvelope[] = [];
    const channel = createTelegramChannel(
      { token: TEST_BOT_TOKEN, username: 'lijntje_test_bot', apiRoot: fake.apiRoot, mode: 'webhook', webhookSecret: TEST_WEBHOOK_SECRET },
      {
        dialogue: { handle: async (envelope) => (handled.push(envelope), { messageId: null, duplicate: false }) },
        database: {} as never,
        queues: {} as never,
        logger: createLogger({ level: 'silent' }),
      },
    );
    expect(channel.webhook?.secretToken).toBe(TEST_WEBHOOK_SECRET);
    const through: string[] = [];
    channel.webhook!.bot.api.config.use((prev, method, payload, signal) => {
      through.push(method);
      return prev(method, payload, signal);
    });

    await channel.sender.send({ messageId: 'm1', contactId: 'c1', externalContactId: '4242', body: 'Hoi', menu: null, language: 'nl' });
    await channel.registerWebhook('https://lijntje.test');
    await channel.handleStoredUpdate(tg.button(4242, 'chat'));

    expect(through).toEqual(['sendMessage', 'setWebhook', 'answerCallbackQuery']);
    expect(handled).toEqual([expect.objectContaining({ channel: 'telegram', externalContactId: '4242', event: { type: 'choice', choice: 'chat' } })]);
    expect(channel.startPolling({ databaseUrl: 'postgres://unused' })).toBeNull();
  });
});
