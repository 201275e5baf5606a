import type { ChannelSender, InboundHandler } from '../../../core/channel.js';
import type { Logger } from '../../../core/logger.js';
import type { Database } from '../../../db/client.js';
import { findSentMessage } from '../../../db/queries/sent-message.js';
import { t, type Language } from '../../../templates/texts/index.js';
import { usePostgresAuthState } from './auth-state.js';
import { createWhatsAppConnection, type WhatsAppConnection } from './connection.js';
import { acquireSessionLock, type SessionLock } from './lock.js';
import type { PairingStore } from './pairing-store.js';
import { createWhatsAppSender, renderNumberedMenu } from './sender.js';
import type { MakeSocket } from './socket.js';

const menuInstruction = (_count: number, language: string) =>
  t((language === 'en' ? 'en' : 'nl') as Language, 'bot.menu.numbered');

/**
 * Runs one WhatsApp account in this process - if it can take the account's
 * lock; otherwise it retries now and then, so exactly one process in the whole
 * deployment holds the socket. `onSocketOwner` fires once this process owns it
 * (the caller starts the WhatsApp delivery worker then, and only then).
 */
export function startWhatsAppRuntime(deps: {
  database: Database;
  databaseUrl: string;
  session: string;
  dialogue: InboundHandler;
  pairing: PairingStore;
  makeSocket: MakeSocket;
  logger: Logger;
  onSocketOwner: (sender: ChannelSender) => void;
  lockRetryMs?: number;
}) {
  const { db } = deps.database;
  let connection: WhatsAppConnection | undefined;
  let lock: SessionLock | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function getSentMessage(waId: string): Promise<string | null> {
    const row = await findSentMessage(db, 'whatsapp', waId);
    // Exactly as it was sent, numbered menu included, so a retry decrypts to the same text.
    return row ? renderNumberedMenu(row.body, row.menu, menuInstruction, row.language) : null;
  }

  async function tryStart() {
    if (stopped) return;
    try {
      lock = await acquireSessionLock(deps.databaseUrl, deps.session, { onLost: () => void connection?.stop() });
      if (!lock.acquired) {
        timer = setTimeout(() => void tryStart(), deps.lockRetryMs ?? 30_000);
        return;
      }
      const authState = await usePostgresAuthState(db, deps.session);
      connection = createWhatsAppConnection({
        session: deps.session,
        makeSocket: deps.makeSocket,
        authState,
        onInbound: async (envelope) => {
          await deps.dialogue.handle(envelope);
        },
        getSentMessage,
        onPairingQr: (qr) => deps.pairing.setQr(qr),
        onStatus: (status) => void deps.pairing.setStatus(status).catch(() => {}),
        logger: deps.logger,
      });
      connection.start();
      deps.onSocketOwner(
        createWhatsAppSender({ getSocket: () => connection?.openSocket() ?? null, menuInstruction }),
      );
      deps.logger.info({ session: deps.session }, 'whatsapp session owned by this process');
    } catch (err) {
      deps.logger.error({ err }, 'whatsapp start failed; retrying');
      timer = setTimeout(() => void tryStart(), deps.lockRetryMs ?? 30_000);
    }
  }
  void tryStart();

  return {
    connection: () => connection,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await connection?.stop();
      await lock?.release();
    },
  };
}
