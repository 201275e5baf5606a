import type { MakeSocket } from '../../bot/channels/whatsapp/socket.js';
import { startFakeTelegram } from '../../testing/fake-telegram.js';
import { telegramEnv, TEST_BOT_TOKEN } from './telegram-updates.js';
import { twoTeams } from './fixtures.js';
import { isolated, runningStack } from './isolated.js';

/**
 * The usual integration setup in one call: a fresh database and queue prefix,
 * the app listening on loopback with the real workers, the two-team
 * organisation, and - when asked - a fake Telegram Bot API wired in.
 */
export async function startTestStack(opts: { env?: Record<string, string>; telegram?: boolean; makeWhatsAppSocket?: MakeSocket } = {}) {
  const fake = opts.telegram ? await startFakeTelegram(TEST_BOT_TOKEN) : null;
  const iso = await isolated({ ...(fake ? telegramEnv(fake.apiRoot) : {}), ...opts.env });
  const stack = await runningStack(iso, { makeWhatsAppSocket: opts.makeWhatsAppSocket });
  const org = await twoTeams(iso.ctx.database.db);
  return {
    iso,
    stack,
    org,
    fake,
    db: iso.ctx.database.db,
    async close() {
      await stack.close();
      await iso.destroy();
      await fake?.close();
    },
  };
}
export type TestStack = Awaited<ReturnType<typeof startTestStack>>;
