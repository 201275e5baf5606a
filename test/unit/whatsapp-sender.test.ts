import { describe, expect, it } from 'vitest';
import { createWhatsAppSender, renderNumberedMenu } from '../../bot/channels/whatsapp/sender.js';
import type { SocketLike } from '../../bot/channels/whatsapp/socket.js';
import { PermanentSendError, RateLimitedError, type OutboundEnvelope } from '../../core/channel.js';

const menu = [
  { id: 'chat', label: 'Chat met Michelle' },
  { id: 'visit', label: 'Afspraak maken' },
  { id: 'optout', label: 'Nee bedankt, geen contact' },
];

/** Records what is sent and when sendMessage was called. */
function fakeSocket(opts: { fail?: unknown } = {}) {
  const sent: { jid: string; text: string; at: number }[] = [];
  const socket: SocketLike = {
    ev: { on: () => {}, off: () => {} },
    end: () => {},
    async sendMessage(jid, content) {
      sent.push({ jid, text: content.text, at: performance.now() });
      if (opts.fail) throw opts.fail;
      return { key: { id: `WA-${sent.length}` } };
    },
  };
  return { socket, sent };
}

const envelope = (over: Partial<OutboundEnvelope> = {}): OutboundEnvelope => ({
  messageId: 'm1',
  contactId: 'c1',
  externalContactId: '123456789@lid',
  body: 'Hoi, fijn dat je er bent.',
  menu: null,
  ...over,
  language: over.language ?? 'nl',
});

describe('renderNumberedMenu', () => {
  it('appends numbered options and a caller-supplied instruction', () => {
    expect(renderNumberedMenu('Wat wil je?', menu, (n) => `Stuur ${n === 3 ? '1, 2 of 3' : n}.`)).toBe(
      'Wat wil je?\n\n1. Chat met Michelle\n2. Afspraak maken\n3. Nee bedankt, geen contact\n\nStuur 1, 2 of 3.',
    );
  });

  it('defaults to a Dutch instruction, takes a plain string, and leaves menu-less bodies alone', () => {
    expect(renderNumberedMenu('Kies:', menu.slice(0, 2))).toBe(
      'Kies:\n\n1. Chat met Michelle\n2. Afspraak maken\n\nStuur het nummer van je keuze.',
    );
    expect(renderNumberedMenu('Choose:', menu.slice(0, 1), 'Send the number of your choice.')).toBe(
      'Choose:\n\n1. Chat met Michelle\n\nSend the number of your choice.',
    );
    expect(renderNumberedMenu('Alleen tekst', null)).toBe('Alleen tekst');
    expect(renderNumberedMenu('Alleen tekst', [])).toBe('Alleen tekst');
  });
});

describe('createWhatsAppSender', () => {
  it('is the WhatsApp channel and only answers people who wrote first', () => {
    const sender = createWhatsAppSender({ getSocket: () => null });
    expect(sender.channel).toBe('whatsapp');
    expect(sender.requiresInboundFirst).toBe(true);
  });

  it('sends the rendered text to the JID that wrote and returns the WhatsApp id', async () => {
    const { socket, sent } = fakeSocket();
    const sender = createWhatsAppSender({ getSocket: () => socket, minIntervalMs: 0, menuInstruction: 'Stuur 1, 2 of 3.' });
    const result = await sender.send(envelope({ menu }));
    expect(result).toEqual({ externalId: 'WA-1' });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.jid).toBe('123456789@lid');
    expect(sent[0]?.text).toBe(
      'Hoi, fijn dat je er bent.\n\n1. Chat met Michelle\n2. Afspraak maken\n3. Nee bedankt, geen contact\n\nStuur 1, 2 of 3.',
    );
  });

  it('keeps at least minIntervalMs between sends, also when called concurrently', async () => {
    const { socket, sent } = fakeSocket();
    const sender = createWhatsAppSender({ getSocket: () => socket, minIntervalMs: 120 });
    await Promise.all([
      sender.send(envelope({ messageId: 'a' })),
      sender.send(envelope({ messageId: 'b' })),
      sender.send(envelope({ messageId: 'c' })),
    ]);
    expect(sent).toHaveLength(3);
    // Timer granularity: allow 2 ms of slack on a 120 ms gap.
    expect(sent[1]!.at - sent[0]!.at).toBeGreaterThanOrEqual(118);
    expect(sent[2]!.at - sent[1]!.at).toBeGreaterThanOrEqual(118);
  });

  it('throws a retryable error while there is no open socket', async () => {
    const sender = createWhatsAppSender({ getSocket: () => null, minIntervalMs: 0 });
    const err = await sender.send(envelope()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(PermanentSendError);
    expect(err).not.toBeInstanceOf(RateLimitedError);
    expect((err as Error).message).toMatch(/not connected/);
  });

  it('refuses non-person JIDs for good and maps WhatsApp rate limits', async () => {
    const { socket } = fakeSocket();
    const sender = createWhatsAppSender({ getSocket: () => socket, minIntervalMs: 0 });
    await expect(sender.send(envelope({ externalContactId: '120363000000000000@g.us' }))).rejects.toBeInstanceOf(
      PermanentSendError,
    );

    const limited = fakeSocket({ fail: Object.assign(new Error('rate-overlimit'), { output: { statusCode: 429 } }) });
    const slow = createWhatsAppSender({ getSocket: () => limited.socket, minIntervalMs: 0, rateLimitBackoffMs: 5_000 });
    const err = await slow.send(envelope()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterMs).toBe(5_000);
  });
});
