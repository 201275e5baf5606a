import { DisconnectReason, type BaileysEventMap, type WAMessageKey, type proto } from '@whiskeysockets/baileys';
import type { InboundEnvelope } from '../../../core/channel.js';
import type { Logger } from '../../../core/logger.js';
import type { PostgresAuthState } from './auth-state.js';
import { toInboundEnvelope } from './inbound-message.js';
import { disconnectCode } from './errors.js';
import { createRecentIds } from './recent-ids.js';
import type { MakeSocket, SocketLike } from './socket.js';

export type WhatsAppStatus = 'connecting' | 'open' | 'closed' | 'logged_out';

export interface WhatsAppConnectionDeps {
  /** Name of the WhatsApp account (auth rows and lock are keyed on it); only used for logging here. */
  session: string;
  makeSocket: MakeSocket;
  authState: Pick<PostgresAuthState, 'state' | 'saveCreds' | 'clear'>;
  /** The dialogue's entry point; must be idempotent on externalMessageId. */
  onInbound: (envelope: InboundEnvelope) => Promise<void>;
  /** Stored text of a message we sent, by its WhatsApp id (the sender's externalId), for Baileys' retries. */
  getSentMessage: (waMessageId: string) => Promise<string | null>;
  /** A QR to show in the staff web app for pairing; null once paired (or the QR is void). */
  onPairingQr: (qr: string | null) => Promise<void>;
  onStatus?: (status: WhatsAppStatus) => void;
  logger: Logger;
  /** Wait before the first reconnect; doubles on each failure in a row, capped at maxReconnectDelayMs. */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  /** How many message ids the in-memory de-duplication remembers. */
  recentIdCapacity?: number;
}

export interface WhatsAppConnection {
  /** Makes the first socket. Call once the session lock is held. */
  start(): void;
  /** Ends the socket, cancels reconnects, and waits for inbound handling and creds saves in flight. */
  stop(): Promise<void>;
  status(): WhatsAppStatus;
  /** The socket when the connection is open, else null: what the sender sends through. */
  openSocket(): SocketLike | null;
  /** Our own JID once paired (to show which number is linked). */
  accountJid(): string | null;
}

/**
 * One WhatsApp account's connection: makes a socket, reconnects after a close
 * (backing off), re-pairs after a logout, stands down when another client
 * takes the account, and hands each new message to the dialogue once.
 */
export function createWhatsAppConnection(deps: WhatsAppConnectionDeps): WhatsAppConnection {
  const log = deps.logger.child({ module: 'whatsapp', session: deps.session });
  const backoff = createBackoff(deps.reconnectDelayMs ?? 2_000, deps.maxReconnectDelayMs ?? 60_000);
  const seen = createRecentIds(deps.recentIdCapacity ?? 5_000);
  // Creds saves and connection updates still running; stop() waits for them.
  const inFlight = createInFlight();

  let socket: SocketLike | null = null;
  let detach: (() => void) | null = null;
  let current: WhatsAppStatus = 'closed';
  let stopped = true;
  let reconnectTimer: NodeJS.Timeout | null = null;
  // Inbound messages are handed on one at a time, in arrival order, across upsert events.
  let inbound: Promise<void> = Promise.resolve();

  function setStatus(status: WhatsAppStatus): void {
    current = status;
    try {
      deps.onStatus?.(status);
    } catch (err) {
      log.warn({ err }, 'onStatus failed');
    }
  }

  async function showQr(qr: string | null): Promise<void> {
    try {
      await deps.onPairingQr(qr);
    } catch (err) {
      log.warn({ err }, 'onPairingQr failed');
    }
  }

  /** Baileys asks for a message we sent when the other side could not decrypt it. */
  async function getMessage(key: WAMessageKey): Promise<proto.IMessage | undefined> {
    if (!key.id) return undefined;
    const text = await deps.getSentMessage(key.id);
    return text === null ? undefined : { conversation: text };
  }

  function scheduleReconnect(): void {
    if (stopped || reconnectTimer) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      connect();
    }, backoff.next());
  }

  function forgetSocket(): void {
    detach?.();
    detach = null;
    socket = null;
  }

  /** The phone unlinked us (or WhatsApp did): the keys are void. Forget them; a fresh socket shows a new QR. */
  async function repairAfterLogout(): Promise<void> {
    log.warn('WhatsApp logged this session out; clearing auth to re-pair');
    try {
      await deps.authState.clear();
    } catch (err) {
      log.error({ err }, 'clearing WhatsApp auth failed');
    }
    if (stopped) return; // stop() ran meanwhile and already reported 'closed'
    setStatus('logged_out');
    scheduleReconnect();
  }

  /**
   * Another socket took over this account. The session lock should make that impossible;
   * reconnecting would start the two sockets kicking each other out (and risk a ban), so
   * stand down and let an operator look.
   */
  function standDown(): void {
    log.error('WhatsApp connection replaced by another client; not reconnecting');
    stopped = true;
    setStatus('closed');
  }

  async function handleClose(update: BaileysEventMap['connection.update']): Promise<void> {
    forgetSocket();
    if (stopped) return setStatus('closed');
    const code = disconnectCode(update.lastDisconnect?.error);
    if (code === DisconnectReason.loggedOut) return repairAfterLogout();
    if (code === DisconnectReason.connectionReplaced) return standDown();
    // Includes 515 restartRequired, which WhatsApp sends right after a first pairing.
    log.info({ code }, 'WhatsApp connection closed; reconnecting');
    setStatus('closed');
    scheduleReconnect();
  }

  async function handleConnectionUpdate(sock: SocketLike, update: BaileysEventMap['connection.update']): Promise<void> {
    if (sock !== socket) return; // a late event from a socket we already left
    if (update.qr) await showQr(update.qr);
    if (update.connection === 'open') {
      backoff.reset();
      setStatus('open');
      await showQr(null);
    } else if (update.connection === 'close') {
      await handleClose(update);
    }
  }

  function saveCreds(update: BaileysEventMap['creds.update']): void {
    // Baileys merges the update into the same creds object itself; doing it
    // again is harmless and keeps us correct whatever the listener order.
    Object.assign(deps.authState.state.creds, update);
    inFlight.track(deps.authState.saveCreds().catch((err: unknown) => log.error({ err }, 'saving WhatsApp creds failed')));
  }

  function connect(): void {
    if (stopped) return;
    setStatus('connecting');
    let sock: SocketLike;
    try {
      sock = deps.makeSocket({ auth: deps.authState.state, getMessage, logger: deps.logger });
    } catch (err) {
      log.error({ err }, 'making a WhatsApp socket failed');
      setStatus('closed');
      scheduleReconnect();
      return;
    }
    socket = sock;
    detach = listen(sock, {
      creds: saveCreds,
      connection: (update) =>
        inFlight.track(handleConnectionUpdate(sock, update).catch((err: unknown) => log.error({ err }, 'handling WhatsApp connection update failed'))),
      messages: (upsert) => {
        inbound = inbound
          .then(() => forwardNewMessages(upsert, { seen, onInbound: deps.onInbound, log }))
          .catch((err: unknown) => log.error({ err }, 'handling WhatsApp messages failed'));
      },
    });
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      backoff.reset();
      connect();
    },
    async stop() {
      stopped = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      reconnectTimer = null;
      const sock = socket;
      forgetSocket();
      if (sock) {
        try {
          await sock.end(undefined);
        } catch (err) {
          log.warn({ err }, 'ending WhatsApp socket failed');
        }
      }
      setStatus('closed');
      await inbound;
      await inFlight.settled();
    },
    status: () => current,
    openSocket: () => (current === 'open' ? socket : null),
    accountJid: () => socket?.user?.id ?? null,
  };
}

/** Waits that double after each failure in a row, up to `max`; a success starts again at `base`. */
function createBackoff(base: number, max: number) {
  let failuresInRow = 0;
  return {
    next(): number {
      const delay = Math.min(base * 2 ** failuresInRow, max);
      failuresInRow += 1;
      return delay;
    },
    reset(): void {
      failuresInRow = 0;
    },
  };
}

/** Promises still running (their outcome is handled where they start); `settled()` waits for all. */
function createInFlight() {
  const pending = new Set<Promise<unknown>>();
  return {
    track(p: Promise<unknown>): void {
      const settled = p.then(
        () => {},
        () => {},
      );
      pending.add(settled);
      void settled.finally(() => pending.delete(settled));
    },
    settled: () => Promise.all([...pending]).then(() => {}),
  };
}

/** Subscribes to the socket's three events we use; returns the unsubscribe. */
function listen(
  sock: SocketLike,
  on: {
    creds: (update: BaileysEventMap['creds.update']) => void;
    connection: (update: BaileysEventMap['connection.update']) => void;
    messages: (upsert: BaileysEventMap['messages.upsert']) => void;
  },
): () => void {
  sock.ev.on('creds.update', on.creds);
  sock.ev.on('connection.update', on.connection);
  sock.ev.on('messages.upsert', on.messages);
  return () => {
    sock.ev.off('creds.update', on.creds);
    sock.ev.off('connection.update', on.connection);
    sock.ev.off('messages.upsert', on.messages);
  };
}

/** New messages (not history, not ours, not seen before) go to the dialogue, one by one. */
async function forwardNewMessages(
  upsert: BaileysEventMap['messages.upsert'],
  deps: { seen: ReturnType<typeof createRecentIds>; onInbound: (envelope: InboundEnvelope) => Promise<void>; log: Logger },
): Promise<void> {
  // 'append' is history or our own sends from other devices, never a new message to answer.
  if (upsert.type !== 'notify') return;
  for (const msg of upsert.messages) {
    const envelope = toInboundEnvelope(msg);
    if (!envelope) continue;
    const id = envelope.externalMessageId;
    if (id && deps.seen.has(id)) continue;
    try {
      await deps.onInbound(envelope);
      // Only after success: a redelivery of a message that failed here gets another chance.
      if (id) deps.seen.add(id);
    } catch (err) {
      deps.log.error({ err, waMessageId: id }, 'inbound WhatsApp message not handled');
    }
  }
}
