import { and, asc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../client.js';
import {
  cardBatchCards,
  cardBatches,
  cards,
  channelContacts,
  consents,
  contactAttempts,
  conversationNotes,
  conversations,
  events,
  messages,
  municipalities,
  partners,
  searchableName,
  staffUsers,
  youngsters,
} from '../schema/index.js';

/**
 * Everything Lijntje holds about one youngster, in one place: the access
 * export (GDPR art. 15) and the exit hand-over read it here. It is also the
 * list of what an erasure must remove - when a table with personal data is
 * added, add it here AND to the erasure (worker/erasure.ts), and to
 * PERSONAL_TABLES below, which a test compares.
 * Not here on purpose: the card's token (a key to the chat, not information
 * about the person) and the staff members' own data beyond a name.
 */
export const PERSONAL_TABLES = [
  'youngsters',
  'cards',
  'card_batch_cards',
  'channel_contacts',
  'conversations',
  'messages',
  'conversation_notes',
  'contact_attempts',
  'consents',
] as const;

const author = alias(staffUsers, 'author');

export type Dossier = Awaited<ReturnType<typeof loadDossiers>>[number];

/** The dossiers of these youngsters (same order), a few statements for any number of them. */
export async function loadDossiers(db: DbOrTx, youngsterIds: readonly string[]) {
  if (!youngsterIds.length) return [];
  const ids = [...youngsterIds];
  const people = await db
    .select({ youngster: youngsters, municipality: municipalities.name })
    .from(youngsters)
    .innerJoin(municipalities, eq(municipalities.id, youngsters.municipalityId))
    .where(inArray(youngsters.id, ids));

  const cardRows = await db
    .select({
      youngsterId: cards.youngsterId,
      id: cards.id,
      shortCode: cards.shortCode,
      status: cards.status,
      variant: cards.variant,
      language: cards.language,
      casemanager: staffUsers.name,
      createdAt: cards.createdAt,
      deliveredAt: cards.deliveredAt,
      revokedAt: cards.revokedAt,
    })
    .from(cards)
    .leftJoin(staffUsers, eq(staffUsers.id, cards.casemanagerId))
    .where(inArray(cards.youngsterId, ids))
    .orderBy(asc(cards.createdAt));

  const contactRows = await db
    .select({
      youngsterId: channelContacts.youngsterId,
      id: channelContacts.id,
      channel: channelContacts.channel,
      externalId: channelContacts.externalId,
      externalAltId: channelContacts.externalAltId,
      language: channelContacts.language,
      dialogueState: channelContacts.dialogueState,
      optedOutAt: channelContacts.optedOutAt,
      createdAt: channelContacts.createdAt,
    })
    .from(channelContacts)
    .where(inArray(channelContacts.youngsterId, ids))
    .orderBy(asc(channelContacts.createdAt));
  const contactIds = contactRows.map((c) => c.id);

  // Their thread, and a thread a contact of theirs had before it was linked to the card.
  const convRows = await db
    .select({
      id: conversations.id,
      youngsterId: conversations.youngsterId,
      contactId: conversations.contactId,
      status: conversations.status,
      urgent: conversations.urgent,
      assignedTo: staffUsers.name,
      createdAt: conversations.createdAt,
      lastMessageAt: conversations.lastMessageAt,
    })
    .from(conversations)
    .leftJoin(staffUsers, eq(staffUsers.id, conversations.assignedTo))
    .where(or(inArray(conversations.youngsterId, ids), contactIds.length ? inArray(conversations.contactId, contactIds) : undefined))
    .orderBy(asc(conversations.createdAt));
  const convIds = convRows.map((c) => c.id);

  const messageRows = convIds.length
    ? await db
        .select({
          conversationId: messages.conversationId,
          createdAt: messages.createdAt,
          direction: messages.direction,
          kind: messages.kind,
          channel: messages.channel,
          body: messages.body,
          status: messages.status,
          author: author.name,
          sentAt: messages.sentAt,
        })
        .from(messages)
        .leftJoin(author, eq(author.id, messages.authorStaffId))
        .where(inArray(messages.conversationId, convIds))
        .orderBy(asc(messages.conversationId), asc(messages.seq))
    : [];

  const noteRows = convIds.length
    ? await db
        .select({ conversationId: conversationNotes.conversationId, createdAt: conversationNotes.createdAt, kind: conversationNotes.kind, body: conversationNotes.body, author: staffUsers.name })
        .from(conversationNotes)
        .leftJoin(staffUsers, eq(staffUsers.id, conversationNotes.authorId))
        .where(inArray(conversationNotes.conversationId, convIds))
        .orderBy(asc(conversationNotes.createdAt))
    : [];

  const attemptRows = await db
    .select({ youngsterId: contactAttempts.youngsterId, kind: contactAttempts.kind, occurredOn: contactAttempts.occurredOn, minutes: contactAttempts.minutes, note: contactAttempts.note, staff: staffUsers.name, createdAt: contactAttempts.createdAt })
    .from(contactAttempts)
    .leftJoin(staffUsers, eq(staffUsers.id, contactAttempts.staffId))
    .where(inArray(contactAttempts.youngsterId, ids))
    .orderBy(asc(contactAttempts.occurredOn), asc(contactAttempts.createdAt));

  const consentRows = await db
    .select({
      youngsterId: consents.youngsterId,
      kind: consents.kind,
      partner: partners.name,
      category: consents.category,
      givenAt: consents.givenAt,
      givenVia: consents.givenVia,
      explanationVersion: consents.explanationVersion,
      guardianConsentAt: consents.guardianConsentAt,
      guardianRelation: consents.guardianRelation,
      withdrawnAt: consents.withdrawnAt,
      withdrawnVia: consents.withdrawnVia,
    })
    .from(consents)
    .leftJoin(partners, eq(partners.id, consents.partnerId))
    .where(inArray(consents.youngsterId, ids))
    .orderBy(asc(consents.givenAt));

  const batchRows = await db
    .select({
      youngsterId: cards.youngsterId,
      batchId: cardBatches.id,
      createdAt: cardBatches.createdAt,
      status: cardBatches.status,
      layout: cardBatches.layout,
      addressSheets: cardBatches.addressSheets,
      fileKept: sql<boolean>`${cardBatches.fileName} is not null`,
      downloadedAt: cardBatches.downloadedAt,
      expiresAt: cardBatches.expiresAt,
    })
    .from(cardBatchCards)
    .innerJoin(cards, eq(cards.id, cardBatchCards.cardId))
    .innerJoin(cardBatches, eq(cardBatches.id, cardBatchCards.batchId))
    .where(inArray(cards.youngsterId, ids))
    .orderBy(asc(cardBatches.createdAt));

  const keys = people.map((p) => p.youngster.monitoringKey);
  const eventRows = await db
    .select({ subject: events.subject, type: events.type, occurredAt: events.occurredAt, data: events.data })
    .from(events)
    .where(inArray(events.subject, keys))
    .orderBy(asc(events.occurredAt), asc(events.id));

  const byId = new Map(people.map((p) => [p.youngster.id, p]));
  return ids.flatMap((id) => {
    const p = byId.get(id);
    if (!p) return [];
    const own = contactRows.filter((c) => c.youngsterId === id);
    const ownContactIds = new Set(own.map((c) => c.id));
    const threads = convRows.filter((c) => c.youngsterId === id || (c.contactId !== null && ownContactIds.has(c.contactId)));
    const strip = <T extends { youngsterId: unknown }>({ youngsterId: _y, ...rest }: T) => rest;
    return [
      {
        municipality: p.municipality,
        youngster: p.youngster,
        cards: cardRows.filter((c) => c.youngsterId === id).map(strip),
        contacts: own.map(strip),
        conversations: threads.map(({ youngsterId: _y, contactId: _c, ...c }) => ({
          ...c,
          messages: messageRows.filter((m) => m.conversationId === c.id).map(({ conversationId: _x, ...m }) => m),
          notes: noteRows.filter((n) => n.conversationId === c.id).map(({ conversationId: _x, ...n }) => n),
        })),
        contactAttempts: attemptRows.filter((a) => a.youngsterId === id).map(strip),
        consents: consentRows.filter((c) => c.youngsterId === id).map(strip),
        cardBatches: batchRows.filter((b) => b.youngsterId === id).map(strip),
        events: eventRows.filter((e) => e.subject === p.youngster.monitoringKey).map(({ subject: _s, ...e }) => e),
      },
    ];
  });
}

/** A youngster of these municipalities, or null (not there, or not the caller's to see). */
export async function youngsterInScope(db: DbOrTx, id: string, municipalityIds: readonly string[]): Promise<{ id: string; municipalityId: string } | null> {
  if (!municipalityIds.length) return null;
  const [row] = await db
    .select({ id: youngsters.id, municipalityId: youngsters.municipalityId })
    .from(youngsters)
    .where(and(eq(youngsters.id, id), inArray(youngsters.municipalityId, [...municipalityIds])));
  return row ?? null;
}

/** The privacy officer's search: part of the name and/or the exact birth date, in the team's municipalities. */
export async function searchYoungsters(
  db: DbOrTx,
  municipalityIds: readonly string[],
  q: { name: string | null; birthDate: string | null },
  limit = 50,
) {
  if (!municipalityIds.length || (!q.name && !q.birthDate)) return [];
  const parts: SQL[] = [inArray(youngsters.municipalityId, [...municipalityIds])];
  if (q.name) parts.push(ilike(searchableName(youngsters), `%${q.name.replace(/[\\%_]/g, (c) => `\\${c}`)}%`));
  if (q.birthDate) parts.push(eq(youngsters.birthDate, q.birthDate));
  return db
    .select({
      id: youngsters.id,
      firstName: youngsters.firstName,
      namePrefix: youngsters.namePrefix,
      lastName: youngsters.lastName,
      birthDate: youngsters.birthDate,
      city: youngsters.city,
      municipality: municipalities.name,
    })
    .from(youngsters)
    .innerJoin(municipalities, eq(municipalities.id, youngsters.municipalityId))
    .where(and(...parts))
    .orderBy(asc(youngsters.lastName), asc(youngsters.firstName))
    .limit(limit);
}
