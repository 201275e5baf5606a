import { EventEmitter } from 'node:events';
import { DisconnectReason, type BaileysEventMap, type WAMessage } from '@whiskeysockets/baileys';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { usePostgresAuthState, type PostgresAuthState } from '../../bot/channels/whatsapp/auth-state.js';
import {
  createWhatsAppConnection,
  type WhatsAppConnection,
  type WhatsAppStatus,
} from '../../bot/channels/whatsapp/connection.js';
import { MEDIA_MARKER } from '../../bot/channels/whatsapp/inbound-message.js';
import type { MakeSocketOptions, SocketLike } from '../../bot/channels/whatsapp/socket.js';
import type { InboundEnvelope } from '../../core/channel.js';
import { createLogger } from '../../core/logger.js';
import { newCardToken } from '../../core/tokens.js';
import { waAuthCreds, waAuthKeys } from '../../db/schema/index.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

/** Stands in for Baileys' socket: same event names and payload shapes, driven by the test. */
class FakeSocket implements SocketLike {
  readonly ev = new EventEmitter();
  ended = false;
  user: { id: string } | undefined = undefined;
  constructor(readonly opts: MakeSocketOptions) {}
  emit<E extends keyof BaileysEventMap>(event: E, arg: BaileysEventMap[E]): void {
    this.ev.emit(event, arg);
  }
  async sendMessage(): Promise<undefined> {
    return undefined;
  }
  end(error: Error | undefined): void {
    this.ended = true;
    // Baileys reports its own end as a close.
    this.emit('connection.update', { connection: 'close', lastDisconnect: { error, date: new Date() } });
  }
  /** A close as Baileys emits it: a Boom error carrying the status code. */
  closeWith(statusCode: number): void {
    const error = Object.assign(new Error(`closed ${statusCode}`), {
      isBoom: true,
      output: { statusCode, payload: { statusCode, error: 'x', message: 'x' }, headers: {} },
    });
    this.emit('connection.update', { connection: 'close', lastDisconnect: { error, date: new Date() } });
  }
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
const settle = () => new Promise((r) => setTimeout(r, 50));

let iso: Isolated;
beforeAll(async () => {
  iso = await isolated();
});
afterAll(async () => iso?.destroy());
const db = () => iso.ctx.database.db;

interface Harness {
  session: string;
  conn: WhatsAppConnection;
  auth: PostgresAuthState;
  sockets: FakeSocket[];
  inbound: InboundEnvelope[];
  qrs: (string | null)[];
  statuses: WhatsAppStatus[];
  sentTexts: Map<string, string>;
  latest(): FakeSocket;
}

let running: WhatsAppConnection[] = [];
afterEach(async () => {
  await Promise.all(running.map((c) => c.stop()));
  running = [];
});

let sessionNo = 0;
async function harness(opts: { failInboundOnce?: boolean } = {}): Promise<Harness> {
  const session = `test-${++sessionNo}`;
  const auth = await usePostgresAuthState(db(), session);
  const sockets: FakeSocket[] = [];
  const inbound: InboundEnvelope[] = [];
  const qrs: (string | null)[] = [];
  const statuses: WhatsAppStatus[] = [];
  const sentTexts = new Map<string, string>();
  let failNext = opts.failInboundOnce ?? false;
  const conn = createWhatsAppConnection({
    session,
    authState: auth,
    makeSocket: (o) => {
      const s = new FakeSocket(o);
      sockets.push(s);
      return s;
    },
    onInbound: async (e) => {
      if (failNext) {
        failNext = false;
        throw new Error('database down');
      }
      inbound.push(e);
    },
    getSentMessage: async (id) => sentTexts.get(id) ?? null,
    onPairingQr: async (qr) => {
      qrs.push(qr);
    },
    onStatus: (s) => statuses.push(s),
    logger: createLogger({ level: 'silent' }),
    reconnectDelayMs: 10,
  });
  running.push(conn);
  conn.start();
  return { session, conn, auth, sockets, inbound, qrs, statuses, sentTexts, latest: () => sockets[sockets.length - 1]! };
}

let msgNo = 0;
function waMessage(key: Partial<WAMessage['key']>, message: WAMessage['message']): WAMessage {
  return {
    key: { id: `3EB0${String(++msgNo).padStart(16, '0')}`, fromMe: false, ...key },
    message,
    messageTimestamp: Math.floor(Date.now() / 1000),
    pushName: 'Sam',
  };
}

describe('WhatsApp connection lifecycle', () => {
  it('passes the QR on, clears it when open, and exposes the socket only while open', async () => {
    const h = await harness();
    expect(h.sockets).toHaveLength(1);
    expect(h.conn.status()).toBe('connecting');
    expect(h.conn.openSocket()).toBeNull();

    h.latest().emit('connection.update', { qr: '2@abc,def,ghi' });
    await until(() => h.qrs.length === 1);
    expect(h.qrs).toEqual(['2@abc,def,ghi']);

    h.latest().user = { id: '31600000000:4@s.whatsapp.net' };
    h.latest().emit('connection.update', { connection: 'open' });
    await until(() => h.qrs.length === 2);
    expect(h.qrs[1]).toBeNull();
    expect(h.conn.status()).toBe('open');
    expect(h.statuses).toEqual(['connecting', 'open']);
    expect(h.conn.openSocket()).toBe(h.latest());
    expect(h.conn.accountJid()).toBe('31600000000:4@s.whatsapp.net');
  });

  it('reconnects with a new socket after 515 restartRequired (normal after first pairing)', async () => {
    const h = await harness();
    const first = h.latest();
    first.emit('connection.update', { connection: 'open' });
    first.closeWith(DisconnectReason.restartRequired);
    await until(() => h.sockets.length === 2);
    expect(h.latest()).not.toBe(first);
    expect(h.conn.openSocket()).toBeNull();
    // Events from the old socket are ignored once we left it.
    first.emit('connection.update', { qr: 'stale' });
    await settle();
    expect(h.qrs).not.toContain('stale');
    // Auth survives a restart.
    expect(h.latest().opts.auth).toBe(h.auth.state);
  });

  it('on 401 loggedOut clears auth in PostgreSQL and opens a fresh socket for re-pairing', async () => {
    const h = await harness();
    const s = h.latest();
    s.emit('creds.update', { registered: true, me: { id: '31600000000:4@s.whatsapp.net' } });
    await h.auth.state.keys.set({ 'pre-key': { '1': { public: Buffer.alloc(32, 1), private: Buffer.alloc(32, 2) } } });
    await until(async () => (await db().select().from(waAuthCreds).where(eq(waAuthCreds.session, h.session))).length === 1);
    const oldCreds = h.auth.state.creds;

    s.emit('connection.update', { connection: 'open' });
    s.closeWith(DisconnectReason.loggedOut);
    await until(() => h.sockets.length === 2);

    expect(h.statuses).toContain('logged_out');
    expect(await db().select().from(waAuthCreds).where(eq(waAuthCreds.session, h.session))).toHaveLength(0);
    expect(await db().select().from(waAuthKeys).where(eq(waAuthKeys.session, h.session))).toHaveLength(0);
    // The new socket gets fresh, unregistered creds, so it shows a new QR instead of failing again.
    const fresh = h.latest().opts.auth.creds;
    expect(fresh).not.toBe(oldCreds);
    expect(fresh.registered).toBe(false);
    expect(fresh.me).toBeUndefined();
  });

  it('saves every creds.update in PostgreSQL', async () => {
    const h = await harness();
    h.latest().emit('creds.update', { me: { id: '31611111111:2@s.whatsapp.net', name: 'Lijntje' } });
    h.latest().emit('creds.update', { registered: true, nextPreKeyId: 813 });
    const stored = async () => {
      const [row] = await db().select().from(waAuthCreds).where(eq(waAuthCreds.session, h.session));
      return row ? (JSON.parse(row.data) as { me?: { id: string }; registered?: boolean; nextPreKeyId?: number }) : null;
    };
    await until(async () => (await stored())?.nextPreKeyId === 813);
    const row = await stored();
    expect(row?.me?.id).toBe('31611111111:2@s.whatsapp.net');
    expect(row?.registered).toBe(true);
  });

  it('gives Baileys the text we sent when it asks for a retry', async () => {
    const h = await harness();
    h.sentTexts.set('3EB0SENT', 'Hoi! Michelle antwoordt vandaag nog.');
    const { getMessage } = h.latest().opts;
    expect(await getMessage({ remoteJid: '123@lid', id: '3EB0SENT', fromMe: true })).toEqual({
      conversation: 'Hoi! Michelle antwoordt vandaag nog.',
    });
    expect(await getMessage({ remoteJid: '123@lid', id: 'UNKNOWN', fromMe: true })).toBeUndefined();
  });

  it('stop() ends the socket and never reconnects', async () => {
    const h = await harness();
    const s = h.latest();
    await h.conn.stop();
    expect(s.ended).toBe(true);
    expect(h.conn.status()).toBe('closed');
    s.closeWith(DisconnectReason.connectionLost);
    await settle();
    expect(h.sockets).toHaveLength(1);
  });

  it('does not fight another client for the account (440 connectionReplaced)', async () => {
    const h = await harness();
    h.latest().closeWith(DisconnectReason.connectionReplaced);
    await settle();
    expect(h.sockets).toHaveLength(1);
    expect(h.conn.status()).toBe('closed');
  });
});

describe('WhatsApp inbound messages', () => {
  it('hands on texts from LID and phone JIDs with the right ids', async () => {
    const h = await harness();
    const fromLid = waMessage(
      { remoteJid: '123456789012345@lid', remoteJidAlt: '31612345678@s.whatsapp.net', addressingMode: 'lid' },
      { conversation: 'hoi' },
    );
    const fromPhone = waMessage(
      { remoteJid: '31687654321@s.whatsapp.net', remoteJidAlt: '987654321098765@lid', addressingMode: 'pn' },
      { extendedTextMessage: { text: 'is er iemand?' } },
    );
    const phoneOnly = waMessage({ remoteJid: '31699999999@s.whatsapp.net' }, { conversation: '2' });
    h.latest().emit('messages.upsert', { type: 'notify', messages: [fromLid, fromPhone, phoneOnly] });
    await until(() => h.inbound.length === 3);
    expect(h.inbound).toEqual([
      {
        channel: 'whatsapp',
        externalContactId: '123456789012345@lid',
        externalAltId: '31612345678@s.whatsapp.net',
        externalMessageId: fromLid.key.id,
        event: { type: 'text', text: 'hoi' },
      },
      {
        channel: 'whatsapp',
        externalContactId: '31687654321@s.whatsapp.net',
        externalAltId: '987654321098765@lid',
        externalMessageId: fromPhone.key.id,
        event: { type: 'text', text: 'is er iemand?' },
      },
      {
        channel: 'whatsapp',
        externalContactId: '31699999999@s.whatsapp.net',
        externalAltId: null,
        externalMessageId: phoneOnly.key.id,
        event: { type: 'text', text: '2' },
      },
    ]);
  });

  it('turns a prefilled card-code message into a start event with the token', async () => {
    const h = await harness();
    const token = newCardToken();
    const text = `Hoi! Mijn kaartcode is ${token}`;
    h.latest().emit('messages.upsert', {
      type: 'notify',
      messages: [waMessage({ remoteJid: '111@lid', remoteJidAlt: '31600000001@s.whatsapp.net' }, { conversation: text })],
    });
    await until(() => h.inbound.length === 1);
    expect(h.inbound[0]?.event).toEqual({ type: 'start', token, text });
  });

  it('hands on the same key.id once', async () => {
    const h = await harness();
    const msg = waMessage({ remoteJid: '222@lid' }, { conversation: 'dubbel' });
    h.latest().emit('messages.upsert', { type: 'notify', messages: [msg] });
    h.latest().emit('messages.upsert', { type: 'notify', messages: [structuredClone(msg)] });
    const marker = waMessage({ remoteJid: '222@lid' }, { conversation: 'daarna' });
    h.latest().emit('messages.upsert', { type: 'notify', messages: [marker] });
    await until(() => h.inbound.some((e) => e.externalMessageId === marker.key.id));
    expect(h.inbound.map((e) => e.event)).toEqual([
      { type: 'text', text: 'dubbel' },
      { type: 'text', text: 'daarna' },
    ]);
  });

  it('lets a redelivery through when handling the first copy failed', async () => {
    const h = await harness({ failInboundOnce: true });
    const msg = waMessage({ remoteJid: '333@lid' }, { conversation: 'nog een keer' });
    h.latest().emit('messages.upsert', { type: 'notify', messages: [msg] });
    await settle();
    expect(h.inbound).toHaveLength(0);
    h.latest().emit('messages.upsert', { type: 'notify', messages: [msg] });
    await until(() => h.inbound.length === 1);
    expect(h.inbound[0]?.externalMessageId).toBe(msg.key.id);
  });

  it('ignores our own messages, history appends, groups, broadcasts, status, newsletters and protocol traffic', async () => {
    const h = await harness();
    const s = h.latest();
    s.emit('messages.upsert', {
      type: 'append',
      messages: [waMessage({ remoteJid: '444@lid' }, { conversation: 'oud bericht' })],
    });
    s.emit('messages.upsert', {
      type: 'notify',
      messages: [
        waMessage({ remoteJid: '444@lid', fromMe: true }, { conversation: 'van onszelf' }),
        waMessage(
          { remoteJid: '120363000000000000@g.us', participant: '555@lid', participantAlt: '31600000005@s.whatsapp.net' },
          { conversation: 'groep' },
        ),
        waMessage({ remoteJid: '1700000000@broadcast', participant: '555@lid' }, { conversation: 'broadcast' }),
        waMessage({ remoteJid: 'status@broadcast', participant: '555@lid' }, { conversation: 'status' }),
        waMessage({ remoteJid: '120363000000000001@newsletter' }, { conversation: 'nieuwsbrief' }),
        waMessage({ remoteJid: '444@lid' }, { reactionMessage: { text: '👍' } }),
        waMessage({ remoteJid: '444@lid' }, { protocolMessage: { type: 0 } }),
        // Not decrypted (yet): Baileys retries and re-emits under the same id.
        waMessage({ remoteJid: '444@lid' }, null),
      ],
    });
    const last = waMessage({ remoteJid: '444@lid' }, { stickerMessage: { mimetype: 'image/webp' } });
    s.emit('messages.upsert', { type: 'notify', messages: [last] });
    await until(() => h.inbound.length >= 1);
    await settle();
    // Only the sticker arrives, as a marker the coach can read.
    expect(h.inbound).toHaveLength(1);
    expect(h.inbound[0]?.externalMessageId).toBe(last.key.id);
    expect(h.inbound[0]?.event).toEqual({ type: 'text', text: MEDIA_MARKER });
  });
});
