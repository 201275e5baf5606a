import { proto, type WAMessage } from '@whiskeysockets/baileys';
import { describe, expect, it } from 'vitest';
import {
  MEDIA_MARKER,
  VOICE_MARKER,
  messageText,
  toInboundEnvelope,
} from '../../bot/channels/whatsapp/inbound-message.js';
import { createRecentIds } from '../../bot/channels/whatsapp/recent-ids.js';

/** Through the protobuf codec, as Baileys hands messages over after decryption. */
const decoded = (obj: Record<string, unknown>) =>
  proto.Message.decode(proto.Message.encode(proto.Message.fromObject(obj)).finish());

describe('messageText', () => {
  it('reads plain, extended and ephemeral (disappearing) texts', () => {
    expect(messageText(decoded({ conversation: 'hoi' }))).toBe('hoi');
    expect(messageText(decoded({ extendedTextMessage: { text: 'met link https://x.nl' } }))).toBe('met link https://x.nl');
    expect(messageText(decoded({ ephemeralMessage: { message: { conversation: 'verdwijnt' } } }))).toBe('verdwijnt');
  });

  it('marks media so the coach sees something arrived, keeping a caption', () => {
    expect(messageText(decoded({ imageMessage: { mimetype: 'image/jpeg' } }))).toBe(MEDIA_MARKER);
    expect(messageText(decoded({ imageMessage: { caption: 'mijn brief' } }))).toBe(`${MEDIA_MARKER} mijn brief`);
    expect(messageText(decoded({ stickerMessage: { mimetype: 'image/webp' } }))).toBe(MEDIA_MARKER);
    expect(messageText(decoded({ documentMessage: { fileName: 'cv.pdf' } }))).toBe(MEDIA_MARKER);
    expect(messageText(decoded({ audioMessage: { ptt: true } }))).toBe(VOICE_MARKER);
  });

  it('ignores protocol traffic and undecrypted messages', () => {
    expect(messageText(decoded({ reactionMessage: { text: '❤️' } }))).toBeNull();
    expect(messageText(decoded({ protocolMessage: { type: 0 } }))).toBeNull();
    expect(messageText(decoded({ senderKeyDistributionMessage: { groupId: 'g' }, messageContextInfo: {} }))).toBeNull();
    expect(messageText(null)).toBeNull();
    expect(messageText(decoded({ conversation: '   ' }))).toBeNull();
  });
});

describe('toInboundEnvelope', () => {
  const msg = (key: WAMessage['key']): WAMessage => ({ key, message: { conversation: 'hoi' } });

  it('drops the device part of a JID so one person stays one contact', () => {
    const env = toInboundEnvelope(
      msg({ id: 'X1', remoteJid: '31612345678:7@s.whatsapp.net', remoteJidAlt: '42:7@lid', fromMe: false }),
    );
    expect(env?.externalContactId).toBe('31612345678@s.whatsapp.net');
    expect(env?.externalAltId).toBe('42@lid');
  });

  it('skips bots and anything that is not a person', () => {
    expect(toInboundEnvelope(msg({ id: 'X2', remoteJid: '867051314767696@bot' }))).toBeNull();
    expect(toInboundEnvelope(msg({ id: 'X3', remoteJid: undefined }))).toBeNull();
  });
});

describe('createRecentIds', () => {
  it('remembers up to its capacity and forgets the oldest first', () => {
    const ids = createRecentIds(3);
    for (const id of ['a', 'b', 'c']) ids.add(id);
    ids.add('a'); // refreshed: now the youngest
    ids.add('d');
    expect(ids.size).toBe(3);
    expect(ids.has('b')).toBe(false);
    expect(['a', 'c', 'd'].every((id) => ids.has(id))).toBe(true);
  });
});
