import type { Db } from '../../db/client.js';
import { channelContacts, conversations, messages, youngsters } from '../../db/schema/index.js';

/**
 * Many Telegram contacts, each with a first inbound message (so every gate
 * passes) and `perChat` queued outbound messages, texts "c<chat> #<n>".
 * Inserted in bulk: a fault test is about delivery, not about seeding.
 */
export async function seedTelegramOutbox(db: Db, opts: { municipalityId: string; chats: number; perChat: number; firstChat?: number }) {
  const first = opts.firstChat ?? 9_000_000;
  const ys = await db
    .insert(youngsters)
    .values(Array.from({ length: opts.chats }, (_, i) => ({ municipalityId: opts.municipalityId, firstName: `J${i}`, lastName: 'Test' })))
    .returning({ id: youngsters.id });
  const contacts = await db
    .insert(channelContacts)
    .values(ys.map((y, i) => ({ channel: 'telegram' as const, externalId: String(first + i), youngsterId: y.id, municipalityId: opts.municipalityId, dialogueState: 'chatting' })))
    .returning({ id: channelContacts.id, externalId: channelContacts.externalId });
  const convs = await db
    .insert(conversations)
    .values(ys.map((y) => ({ municipalityId: opts.municipalityId, youngsterId: y.id })))
    .returning({ id: conversations.id });
  await db.insert(messages).values(
    contacts.map((c, i) => ({ conversationId: convs[i]!.id, contactId: c.id, channel: 'telegram' as const, direction: 'in' as const, body: 'hoi', status: 'routed' as const })),
  );
  const rows: { conversationId: string; contactId: string; channel: 'telegram'; direction: 'out'; body: string; status: 'queued' }[] = [];
  for (let n = 0; n < opts.perChat; n++) {
    contacts.forEach((c, i) =>
      rows.push({ conversationId: convs[i]!.id, contactId: c.id, channel: 'telegram', direction: 'out', body: `c${c.externalId} #${n}`, status: 'queued' }),
    );
  }
  const out = await db.insert(messages).values(rows).returning({ id: messages.id, body: messages.body });
  return { messages: out, chatIds: contacts.map((c) => Number(c.externalId)), contactIds: contacts.map((c) => c.id) };
}
