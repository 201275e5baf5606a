/**
 * Telegram updates as Telegram sends them, and the config that points the
 * app's Telegram channel at the fake Bot API (testing/fake-telegram.ts).
 */
let updateId = 1;
export const tg = {
  start(chatId: number, payload: string) {
    const update = tg.text(chatId, `/start ${payload}`);
    return { ...update, message: { ...update.message, entities: [{ type: 'bot_command', offset: 0, length: 6 }] } };
  },
  text(chatId: number, text: string) {
    return {
      update_id: updateId++,
      message: {
        message_id: updateId * 10,
        date: Math.floor(Date.now() / 1000),
        chat: { id: chatId, type: 'private', first_name: 'Jongere' },
        from: { id: chatId, is_bot: false, first_name: 'Jongere' },
        text,
      },
    };
  },
  button(chatId: number, data: string) {
    return {
      update_id: updateId++,
      callback_query: {
        id: `cb${updateId}`,
        chat_instance: 'ci',
        from: { id: chatId, is_bot: false, first_name: 'Jongere' },
        message: {
          message_id: 5,
          date: Math.floor(Date.now() / 1000),
          chat: { id: chatId, type: 'private', first_name: 'Jongere' },
          text: 'Wat wil je?',
        },
        data,
      },
    };
  },
};

export const TEST_BOT_TOKEN = '123456:TEST-token-abcdefghijklmnopqrstu';
export const TEST_WEBHOOK_SECRET = 'webhook-secret-0123456789';

/** Config that points the app's Telegram channel at a fake Bot API. */
export function telegramEnv(apiRoot: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN,
    TELEGRAM_BOT_USERNAME: 'lijntje_test_bot',
    TELEGRAM_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    TELEGRAM_API_ROOT: apiRoot,
    ...extra,
  };
}
