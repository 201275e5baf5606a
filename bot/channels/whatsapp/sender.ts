import { setTimeout as sleep } from 'node:timers/promises';
import {
  PermanentSendError,
  RateLimitedError,
  type ChannelSender,
  type MenuOption,
  type OutboundEnvelope,
} from '../../../core/channel.js';
import { disconnectCode } from './errors.js';
import { isPersonJid } from './inbound-message.js';
import type { SocketLike } from './socket.js';

export const DEFAULT_MENU_INSTRUCTION = 'Stuur het nummer van je keuze.';

/** WhatsApp (unofficial API) has no buttons or lists: menus are numbered lines the youngster answers with a digit. */
export function renderNumberedMenu(
  body: string,
  menu: MenuOption[] | null | undefined,
  /** The closing line, localised by the caller; a function gets the option count ("Stuur 1, 2 of 3."). */
  instruction: string | ((count: number, language: string) => string) = DEFAULT_MENU_INSTRUCTION,
  language = 'nl',
): string {
  if (!menu || menu.length === 0) return body;
  const lines = menu.map((option, i) => `${i + 1}. ${option.label}`).join('\n');
  const closing = typeof instruction === 'function' ? instruction(menu.length, language) : instruction;
  return closing ? `${body}\n\n${lines}\n\n${closing}` : `${body}\n\n${lines}`;
}

export interface WhatsAppSenderDeps {
  /** The open socket, or null while connecting, pairing or stopped (see WhatsAppConnection.openSocket). */
  getSocket: () => SocketLike | null;
  /**
   * Minimum gap between two sends. WhatsApp bans numbers that send fast, so
   * stay well under one message a second per account. Default 1500 ms.
   */
  minIntervalMs?: number;
  menuInstruction?: string | ((count: number, language: string) => string);
  /** How long the delivery worker should wait when WhatsApp says "rate-overlimit". */
  rateLimitBackoffMs?: number;
}

export function createWhatsAppSender(deps: WhatsAppSenderDeps): ChannelSender {
  const minIntervalMs = deps.minIntervalMs ?? 1_500;
  let lastSendEnd = Number.NEGATIVE_INFINITY;
  // Sends run one after another even when the delivery worker runs several jobs at once.
  let queue: Promise<unknown> = Promise.resolve();

  async function sendNow(envelope: OutboundEnvelope) {
    const wait = lastSendEnd + minIntervalMs - Date.now();
    if (wait > 0) await sleep(wait);
    const sock = deps.getSocket();
    // A normal Error: the delivery worker retries with backoff until the socket is back.
    if (!sock) throw new Error('WhatsApp is not connected');
    const text = renderNumberedMenu(envelope.body, envelope.menu, deps.menuInstruction, envelope.language);
    try {
      const result = await sock.sendMessage(envelope.externalContactId, { text });
      return { externalId: result?.key?.id ?? null };
    } catch (err) {
      if (disconnectCode(err) === 429) throw new RateLimitedError(deps.rateLimitBackoffMs ?? 60_000);
      throw err;
    } finally {
      // Measured from the end of a send, so the gap holds however long WhatsApp took to answer.
      lastSendEnd = Date.now();
    }
  }

  return {
    channel: 'whatsapp',
    requiresInboundFirst: true,
    async send(envelope) {
      // Only ever to a person's chat; anything else is a bug upstream and retrying will not help.
      if (!isPersonJid(envelope.externalContactId)) {
        throw new PermanentSendError('not a WhatsApp person JID', 'wa_bad_jid');
      }
      const result = queue.then(() => sendNow(envelope));
      queue = result.catch(() => {});
      return result;
    },
  };
}
