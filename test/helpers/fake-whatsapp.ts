import { EventEmitter } from 'node:events';
import type { BaileysEventMap } from '@whiskeysockets/baileys';
import type { MakeSocket, MakeSocketOptions, SocketLike } from '../../bot/channels/whatsapp/socket.js';

/** Stands in for Baileys' socket: same event names and payload shapes; records what is sent. */
export class FakeWhatsAppSocket implements SocketLike {
  readonly ev = new EventEmitter();
  readonly sent: { jid: string; text: string; at: number }[] = [];
  user: { id: string } | undefined = undefined;
  private nextId = 1;
  constructor(readonly opts: MakeSocketOptions) {}
  emit<E extends keyof BaileysEventMap>(event: E, arg: BaileysEventMap[E]): void {
    this.ev.emit(event, arg);
  }
  async sendMessage(jid: string, content: { text: string }) {
    this.sent.push({ jid, text: content.text, at: Date.now() });
    return { key: { id: `OUT${this.nextId++}` } };
  }
  end(): void {}
  open() {
    this.user = { id: '31612345678@s.whatsapp.net' };
    this.emit('connection.update', { connection: 'open' });
  }
  /** A youngster's message as Baileys delivers it (messages.upsert, type notify). */
  receive(m: { jid: string; alt?: string; id: string; text: string }) {
    this.emit('messages.upsert', {
      type: 'notify',
      messages: [
        {
          key: { remoteJid: m.jid, remoteJidAlt: m.alt, id: m.id, fromMe: false },
          messageTimestamp: Math.floor(Date.now() / 1000),
          message: { conversation: m.text },
        },
      ],
    } as unknown as BaileysEventMap['messages.upsert']);
  }
}

export function fakeWhatsApp() {
  const sockets: FakeWhatsAppSocket[] = [];
  const makeSocket: MakeSocket = (opts) => {
    const s = new FakeWhatsAppSocket(opts);
    sockets.push(s);
    return s;
  };
  return { sockets, makeSocket, latest: () => sockets.at(-1) };
}
