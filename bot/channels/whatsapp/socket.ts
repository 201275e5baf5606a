import {
  makeCacheableSignalKeyStore,
  makeWASocket,
  type AuthenticationState,
  type BaileysEventMap,
  type WAMessageKey,
  type proto,
} from '@whiskeysockets/baileys';
import type { Logger } from '../../../core/logger.js';

/** The Baileys events the adapter listens to, with Baileys' own payload shapes. */
export type WhatsAppEvents = Pick<BaileysEventMap, 'connection.update' | 'creds.update' | 'messages.upsert'>;
export type WhatsAppEventName = keyof WhatsAppEvents;

/**
 * The part of Baileys' socket the adapter uses. Kept minimal so tests can
 * drive the adapter with a fake built on a Node EventEmitter; Baileys' real
 * socket satisfies it as is.
 */
export interface SocketLike {
  ev: {
    on<E extends WhatsAppEventName>(event: E, listener: (arg: WhatsAppEvents[E]) => void): unknown;
    off<E extends WhatsAppEventName>(event: E, listener: (arg: WhatsAppEvents[E]) => void): unknown;
  };
  sendMessage(jid: string, content: { text: string }): Promise<{ key?: { id?: string | null } | null } | undefined>;
  end(error: Error | undefined): unknown;
  /** Our own account once paired (Baileys sets it on open). */
  user?: { id: string } | undefined;
}

export interface MakeSocketOptions {
  auth: AuthenticationState;
  /** Baileys asks for a message we sent when the recipient's phone requests a retry. */
  getMessage: (key: WAMessageKey) => Promise<proto.IMessage | undefined>;
  logger: Logger;
}

export type MakeSocket = (opts: MakeSocketOptions) => SocketLike;

/**
 * Production socket factory. Settings and why:
 * - printQRInTerminal false: the QR goes to the staff web app via onPairingQr.
 * - markOnlineOnConnect false: the linked phone keeps getting notifications,
 *   so the team still notices messages when the bot is down.
 * - syncFullHistory false: we never need old chats, and history would only
 *   pull more personal data into memory.
 * - The signal key store gets Baileys' in-memory cache in front of PostgreSQL;
 *   it is made per socket, so a re-pair after logout starts with an empty cache.
 * - Baileys logs at warn at most: its debug/trace output can contain message
 *   payloads, which must never reach our logs.
 */
export const baileysSocketFactory: MakeSocket = ({ auth, getMessage, logger }) => {
  const warn = logger.levels.values['warn'] ?? 40;
  const level = logger.levelVal > warn ? logger.level : 'warn';
  const baileysLogger = logger.child({ module: 'baileys' }, { level });
  const socket = makeWASocket({
    auth: { creds: auth.creds, keys: makeCacheableSignalKeyStore(auth.keys, baileysLogger) },
    getMessage,
    logger: baileysLogger,
    printQRInTerminal: false,
    markOnlineOnConnect: false,
    syncFullHistory: false,
  });
  return socket;
};
