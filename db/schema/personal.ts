import { sql, type SQL } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  type AnyPgColumn,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { MESSAGE_STATUSES } from '../../core/message-lifecycle.js';
import { listImports, municipalities, staffUsers } from './organisation.js';
import { partners } from './privacy.js';
import { visitType } from './availability.js';

/**
 * PERSONAL DATA of youngsters. Everything in this file is about someone who never
 * asked to be in a system. Every row hangs off `youngsters` (or, for someone who
 * wrote without a card, off their `channel_contacts` row) with ON DELETE CASCADE,
 * so erasing a person is one DELETE. Nothing outside this file may hold a
 * youngster's name, address, message text or messenger id.
 * No BSN, ever: the municipality removes it before the list reaches us.
 */

/** domain.md, indicator 1: the support question categories. */
export const SUPPORT_QUESTIONS = ['werk', 'opleiding', 'werk_en_opleiding', 'zorgtraject', 'dagbesteding', 'anders'] as const;
export const supportQuestion = pgEnum('support_question', SUPPORT_QUESTIONS);

/** domain.md, indicator 2: outflow per destination, exactly these categories. */
export const OUTCOME_CATEGORIES = [
  'opleiding',
  'werk',
  'werken_en_opleiding',
  'dagbesteding',
  'zorgtraject',
  'eigen_onderneming',
  'vrijwilligerswerk',
  'uitkering',
  'verhuizing',
  'samenwonen',
  'afzien_van_deelname',
  'geen_reactie',
  'geen_doelgroep_meer',
  'anders',
] as const;
export const outcomeCategory = pgEnum('outcome_category', OUTCOME_CATEGORIES);

/**
 * Why a youngster declined (the pilot never recorded it; monitoring indicator 2). The region's
 * categories, also what the bot offers after an opt-out ("wil je zeggen waarom? mag ook niet").
 */
export const DECLINE_REASONS = ['geen_behoefte', 'al_hulp', 'geen_contact_instanties', 'geen_tijd', 'privacy', 'anders', 'wil_niet_zeggen'] as const;
export const declineReason = pgEnum('decline_reason', DECLINE_REASONS);
export type DeclineReason = (typeof DECLINE_REASONS)[number];

/** domain.md: the six-step work process, as a youngster's status. */
export const PROCESS_STEPS = ['list', 'contact', 'intake', 'trajectory', 'follow_up', 'monitoring'] as const;
export const processStep = pgEnum('process_step', PROCESS_STEPS);

/**
 * The full name as the inbox search matches it: "first [prefix ]last". Immutable
 * (unlike concat_ws), so a trigram index can hold it (youngsters_name_trgm_idx,
 * pg_trgm from migration 0007); the query must use this same expression or the
 * planner cannot use the index. A part of a first or last name is a part of it too.
 */
export function searchableName(t: { firstName: AnyPgColumn; namePrefix: AnyPgColumn; lastName: AnyPgColumn }): SQL {
  return sql`${t.firstName} || ' ' || coalesce(${t.namePrefix} || ' ', '') || ${t.lastName}`;
}

export const youngsters = pgTable(
  'youngsters',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    municipalityId: uuid('municipality_id')
      .notNull()
      .references(() => municipalities.id),
    firstName: text('first_name').notNull(),
    namePrefix: text('name_prefix'), // tussenvoegsel
    lastName: text('last_name').notNull(),
    street: text('street'),
    houseNumber: text('house_number'),
    postcode: text('postcode'),
    city: text('city'),
    birthDate: date('birth_date'),
    /** datum_instroom: when they first appeared on the Jongeren in Beeld list. */
    listInflowDate: date('list_inflow_date'),
    newInflow: boolean('new_inflow').notNull().default(false),
    kvkRegistered: boolean('kvk_registered').notNull().default(false),
    knownToMunicipality: boolean('known_to_municipality').notNull().default(false),
    /**
     * Normalised first name, prefix, last name, birth date and postcode (core/list-file): the same
     * person on next month's list finds this row instead of becoming a second one. Null for
     * youngsters that did not come from a list (the demo's).
     */
    matchKey: text('match_key'),
    /** The list months this person was on: the first (approached then, or not) and the latest. */
    firstListMonth: date('first_list_month'),
    lastListMonth: date('last_list_month'),
    /** ondersteuningsvraag, as monitoring counts it; null = not yet known. */
    supportQuestion: supportQuestion('support_question'),
    /** uitstroomrichting: set when the youngster leaves the caseload; null while active. */
    outcome: outcomeCategory('outcome'),
    outcomeOn: date('outcome_on'),
    /** Why they declined, when they did and said so (or the coach learned it); null = not recorded. */
    declineReason: declineReason('decline_reason'),
    /** On the list as zzp (kvkRegistered): actually self-employed after checking? null = not checked. */
    selfEmployed: boolean('self_employed'),
    /** Where this youngster is in the six-step work process. */
    processStep: processStep('process_step').notNull().default('list'),
    /**
     * Random key that anonymous monitoring events carry instead of this row's id.
     * Once the row is erased, nothing links the events back to a person.
     */
    monitoringKey: uuid('monitoring_key').notNull().defaultRandom().unique(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('youngsters_municipality_idx').on(t.municipalityId),
    uniqueIndex('youngsters_match_key_uq').on(t.municipalityId, t.matchKey).where(sql`${t.matchKey} is not null`),
    // The inbox search ("name contains ..."): trigrams of the full name, see searchableName.
    index('youngsters_name_trgm_idx').using('gin', sql`(${searchableName(t)}) gin_trgm_ops`),
  ],
);

export const cardStatus = pgEnum('card_status', ['active', 'revoked']);
/** entrepreneur: KvK-registered at the address (domain.md step 1), a card that speaks to their business. */
export const cardVariant = pgEnum('card_variant', ['regular', 'entrepreneur']);
export type CardVariant = (typeof cardVariant.enumValues)[number];

export const cards = pgTable(
  'cards',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    youngsterId: uuid('youngster_id')
      .notNull()
      .references(() => youngsters.id, { onDelete: 'cascade' }),
    /** Goes into the QR code: random, <= 64 chars of A-Za-z0-9_- (Telegram start payload). */
    token: text('token').notNull().unique(),
    casemanagerId: uuid('casemanager_id').references(() => staffUsers.id, { onDelete: 'set null' }),
    /**
     * The second key of the card, printed for typing (core/short-codes.ts): 8 characters without
     * look-alikes, e.g. 7K3M9QXD (shown 7K3M-9QXD). Null for cards made before short codes.
     */
    shortCode: text('short_code').unique(),
    variant: cardVariant('variant').notNull().default('regular'),
    language: text('language').notNull().default('nl'),
    /** The import that made it (null for cards made by hand or by the demo). */
    listImportId: uuid('list_import_id').references(() => listImports.id, { onDelete: 'set null' }),
    status: cardStatus('status').notNull().default('active'),
    /** The casemanager put it in the letterbox. */
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('cards_youngster_idx').on(t.youngsterId), index('cards_list_import_idx').on(t.listImportId)],
);

export const cardBatchStatus = pgEnum('card_batch_status', ['queued', 'rendering', 'ready', 'failed', 'expired']);
export type CardBatchStatus = (typeof cardBatchStatus.enumValues)[number];

/**
 * A print-ready PDF of cards (a list's approached youngsters of one municipality, or one card
 * made again). The row holds no personal data, the FILE does: it is deleted once downloaded plus
 * a few days (expiresAt), and with any person in it (card_batch_cards says who is).
 */
export const cardBatches = pgTable(
  'card_batches',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    municipalityId: uuid('municipality_id')
      .notNull()
      .references(() => municipalities.id),
    listImportId: uuid('list_import_id').references(() => listImports.id, { onDelete: 'set null' }),
    layout: text('layout').notNull().default('a6'),
    addressSheets: boolean('address_sheets').notNull().default(true),
    status: cardBatchStatus('status').notNull().default('queued'),
    total: integer('total').notNull().default(0),
    done: integer('done').notNull().default(0),
    /** Relative to CARD_PDF_DIR; set when ready. */
    fileName: text('file_name'),
    createdBy: uuid('created_by').references(() => staffUsers.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    readyAt: timestamp('ready_at', { withTimezone: true }),
    downloadedAt: timestamp('downloaded_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
  },
  (t) => [index('card_batches_municipality_idx').on(t.municipalityId, t.createdAt), index('card_batches_expiry_idx').on(t.status, t.expiresAt)],
);

export const cardBatchCards = pgTable(
  'card_batch_cards',
  {
    batchId: uuid('batch_id')
      .notNull()
      .references(() => cardBatches.id, { onDelete: 'cascade' }),
    cardId: uuid('card_id')
      .notNull()
      .references(() => cards.id, { onDelete: 'cascade' }),
    /** Print order within the batch. */
    position: integer('position').notNull(),
  },
  (t) => [primaryKey({ columns: [t.batchId, t.cardId] }), index('card_batch_cards_card_idx').on(t.cardId)],
);

export const channel = pgEnum('channel', ['web', 'telegram', 'whatsapp']);
export type Channel = (typeof channel.enumValues)[number];

/**
 * One messenger identity (a browser, a Telegram chat, a WhatsApp JID). For the
 * web chat the external id is a hash of the device cookie, never the cookie.
 */
export const channelContacts = pgTable(
  'channel_contacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    channel: channel('channel').notNull(),
    externalId: text('external_id').notNull(),
    youngsterId: uuid('youngster_id').references(() => youngsters.id, { onDelete: 'cascade' }),
    /** Known even for someone who lost their card, once they name their municipality. */
    municipalityId: uuid('municipality_id').references(() => municipalities.id),
    cardId: uuid('card_id').references(() => cards.id, { onDelete: 'set null' }),
    /**
     * The other form of a WhatsApp identity (phone JID when the key is a LID, or
     * the other way round), so either form finds the same contact.
     */
    externalAltId: text('external_alt_id'),
    language: text('language').notNull().default('nl'),
    /** Where the bot dialogue stands for this contact (see bot/dialogue/states.ts). */
    dialogueState: text('dialogue_state').notNull().default('new'),
    /** Last automatic "outside office hours" notice, so it is not repeated for every message. */
    lastOfficeNoticeAt: timestamp('last_office_notice_at', { withTimezone: true }),
    /** Set once, never cleared: an opted-out contact is never sent anything again. */
    optedOutAt: timestamp('opted_out_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('channel_contacts_channel_external_uq').on(t.channel, t.externalId),
    index('channel_contacts_channel_alt_idx').on(t.channel, t.externalAltId),
    index('channel_contacts_youngster_idx').on(t.youngsterId),
  ],
);

export const conversationStatus = pgEnum('conversation_status', ['open', 'waiting', 'closed']);

/**
 * One thread per youngster across channels; someone without a card gets a
 * thread per contact (youngster_id null, contact_id set) until linked.
 */
export const conversations = pgTable(
  'conversations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Null only while someone without a card has not named their municipality: then no staff member can see it. */
    municipalityId: uuid('municipality_id').references(() => municipalities.id),
    youngsterId: uuid('youngster_id')
      .unique()
      .references(() => youngsters.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id')
      .unique()
      .references(() => channelContacts.id, { onDelete: 'cascade' }),
    assignedTo: uuid('assigned_to').references(() => staffUsers.id, { onDelete: 'set null' }),
    status: conversationStatus('status').notNull().default('open'),
    urgent: boolean('urgent').notNull().default(false),
    /** Set when the youngster's last message waited too long (or was urgent) and the team was alerted; cleared by a staff reply. */
    escalatedAt: timestamp('escalated_at', { withTimezone: true }),
    lastMessageAt: timestamp('last_message_at', { withTimezone: true }).notNull().defaultNow(),
    lastInboundAt: timestamp('last_inbound_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('conversations_scope_idx').on(t.municipalityId, t.lastMessageAt),
    index('conversations_assignee_idx').on(t.assignedTo, t.lastMessageAt),
  ],
);

export const messageDirection = pgEnum('message_direction', ['in', 'out']);
/** The statuses and which may follow which: core/message-lifecycle.ts (new values go at the end: PostgreSQL adds enum values, it does not reorder them). */
export const messageStatus = pgEnum('message_status', MESSAGE_STATUSES);
export type MessageStatus = (typeof messageStatus.enumValues)[number];

/** text: typed by a person; choice: a menu button/number; bot: written by the dialogue, not by staff. */
export const messageKind = pgEnum('message_kind', ['text', 'choice', 'bot']);
export type MessageKind = (typeof messageKind.enumValues)[number];

export interface MenuOption {
  id: string;
  label: string;
}

export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Strict order within a conversation, independent of clock skew between processes. */
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    /** Who wrote it (in) or where it goes (out). */
    contactId: uuid('contact_id').references(() => channelContacts.id, { onDelete: 'cascade' }),
    channel: channel('channel').notNull(),
    direction: messageDirection('direction').notNull(),
    kind: messageKind('kind').notNull().default('text'),
    /** Options offered with a bot message: buttons on Telegram and web, numbered text on WhatsApp. */
    menu: jsonb('menu').$type<MenuOption[]>(),
    /** The one message an opted-out contact still receives: the confirmation that contact has stopped. */
    isOptOutAck: boolean('is_opt_out_ack').notNull().default(false),
    authorStaffId: uuid('author_staff_id').references(() => staffUsers.id, { onDelete: 'set null' }),
    body: text('body').notNull(),
    /**
     * lower(body), kept by PostgreSQL, for the inbox search: LIKE on it costs a
     * tenth of ILIKE on body per row the trigram index hands back (ILIKE folds
     * case again for every row). Part of the message row, so erased with it.
     */
    searchText: text('search_text').generatedAlwaysAs(sql`lower(body)`),
    status: messageStatus('status').notNull(),
    /** Platform or client id; inbound duplicates (retries, double submits) collide here. */
    externalId: text('external_id'),
    /** Staff client's idempotency key for a reply (double click, retried POST). */
    clientRef: text('client_ref'),
    /** How often a delivery worker claimed the row (queued -> sending); also the outbound job id's round. */
    attempts: bigint('attempts', { mode: 'number' }).notNull().default(0),
    /** When a delivery worker took the row (status 'sending'); it may still wait for its turn. */
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    /**
     * Set right before the platform call: from here on nobody can know whether
     * the platform got it. A claimed row without it was never handed over.
     */
    sendingSince: timestamp('sending_since', { withTimezone: true }),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [
    index('messages_conversation_idx').on(t.conversationId, t.seq),
    // Delivery works per contact, in seq order (the head of each contact's line, "wrote first").
    index('messages_contact_idx').on(t.contactId, t.seq),
    uniqueIndex('messages_contact_external_uq')
      .on(t.contactId, t.direction, t.externalId)
      .where(sql`${t.externalId} is not null`),
    uniqueIndex('messages_conversation_client_ref_uq')
      .on(t.conversationId, t.clientRef)
      .where(sql`${t.clientRef} is not null`),
    // The inbox search over what youngsters and staff wrote (never the bot's stock texts): trigrams, pg_trgm from migration 0007.
    index('messages_search_trgm_idx')
      .using('gin', t.searchText.op('gin_trgm_ops'))
      .where(sql`${t.kind} <> 'bot'`),
    index('messages_outbox_idx')
      .on(t.status, t.createdAt)
      .where(sql`${t.status} in ('received', 'queued', 'sending')`),
  ],
);

/**
 * Raw platform updates (Telegram webhook / polling), stored before the HTTP
 * answer so a slow or crashed worker loses nothing; `update_key` de-duplicates
 * Telegram's re-sends. The payload holds message text, so it is cleared as soon
 * as the update is processed; only the key and timestamps stay.
 */
export const channelUpdates = pgTable(
  'channel_updates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    channel: channel('channel').notNull(),
    updateKey: text('update_key').notNull(),
    payload: jsonb('payload'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('channel_updates_key_uq').on(t.channel, t.updateKey)],
);

/** Internal notes on a conversation: never sent to the youngster. A handover note goes with a transfer. */
export const noteKind = pgEnum('note_kind', ['note', 'handover']);
export const conversationNotes = pgTable(
  'conversation_notes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id').references(() => staffUsers.id, { onDelete: 'set null' }),
    kind: noteKind('kind').notNull().default('note'),
    /** For a handover: who took over. */
    toStaffId: uuid('to_staff_id').references(() => staffUsers.id, { onDelete: 'set null' }),
    body: text('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('conversation_notes_conversation_idx').on(t.conversationId, t.createdAt)],
);

/** Contact attempts (domain.md step 2) with the time they took: monitoring's "time invested per youngster". */
export const CONTACT_ATTEMPT_KINDS = ['card_delivered', 'letter_sent', 'home_visit_not_home', 'home_visit_spoke', 'phone', 'chat', 'office_visit', 'walk', 'video_call'] as const;
export const contactAttemptKind = pgEnum('contact_attempt_kind', CONTACT_ATTEMPT_KINDS);
export const contactAttempts = pgTable(
  'contact_attempts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    youngsterId: uuid('youngster_id')
      .notNull()
      .references(() => youngsters.id, { onDelete: 'cascade' }),
    staffId: uuid('staff_id').references(() => staffUsers.id, { onDelete: 'set null' }),
    kind: contactAttemptKind('kind').notNull(),
    occurredOn: date('occurred_on').notNull(),
    minutes: bigint('minutes', { mode: 'number' }).notNull().default(0),
    note: text('note'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('contact_attempts_youngster_idx').on(t.youngsterId, t.occurredOn)],
);

export const CONSENT_KINDS = ['cooperation', 'partner'] as const;
export const consentKind = pgEnum('consent_kind', CONSENT_KINDS);
/** For a partner: "that" there is contact, or "what" it contains. */
export const CONSENT_CATEGORIES = ['that', 'what'] as const;
export const consentCategory = pgEnum('consent_category', CONSENT_CATEGORIES);
/** How a consent was given or withdrawn. */
export const CONSENT_VIA = ['in_person', 'phone', 'chat', 'letter', 'other'] as const;
export const consentVia = pgEnum('consent_via', CONSENT_VIA);

/**
 * The consent ledger (domain.md step 3: consent must be specific - what, shared
 * with whom - and withdrawable). One row per consent given; withdrawing sets
 * withdrawn_at, never deletes, so the history stays provable - until the
 * person is erased: it is their data, so it goes with them.
 */
export const consents = pgTable(
  'consents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    youngsterId: uuid('youngster_id')
      .notNull()
      .references(() => youngsters.id, { onDelete: 'cascade' }),
    kind: consentKind('kind').notNull(),
    partnerId: uuid('partner_id').references(() => partners.id, { onDelete: 'restrict' }),
    category: consentCategory('category'),
    givenAt: timestamp('given_at', { withTimezone: true }).notNull(),
    givenVia: consentVia('given_via').notNull(),
    /** The version of the explanation text the youngster was given (templates/staff consent texts). */
    explanationVersion: text('explanation_version').notNull(),
    recordedBy: uuid('recorded_by').references(() => staffUsers.id, { onDelete: 'set null' }),
    /** Under 18: a parent's or guardian's consent too (domain.md). */
    guardianConsentAt: timestamp('guardian_consent_at', { withTimezone: true }),
    guardianRelation: text('guardian_relation'),
    withdrawnAt: timestamp('withdrawn_at', { withTimezone: true }),
    withdrawnVia: consentVia('withdrawn_via'),
    withdrawnRecordedBy: uuid('withdrawn_recorded_by').references(() => staffUsers.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('consents_youngster_idx').on(t.youngsterId, t.givenAt)],
);

export const VISIT_STATUSES = ['booked', 'held', 'not_home', 'no_show', 'cancelled'] as const;
export const visitStatus = pgEnum('visit_status', VISIT_STATUSES);
export type VisitStatus = (typeof VISIT_STATUSES)[number];

/** A PostgreSQL range of moments: the no-double-booking constraint works on it (migration: btree_gist exclusion). */
const tstzrange = customType<{ data: string; driverData: string }>({ dataType: () => 'tstzrange' });

/**
 * A visit (domain.md step 2-3): booked by the youngster in the chat or proposed
 * by staff. Personal data (who meets whom, where): erased with the youngster.
 */
export const visits = pgTable(
  'visits',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    youngsterId: uuid('youngster_id')
      .notNull()
      .references(() => youngsters.id, { onDelete: 'cascade' }),
    municipalityId: uuid('municipality_id')
      .notNull()
      .references(() => municipalities.id),
    type: visitType('type').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    status: visitStatus('status').notNull().default('booked'),
    /** Another place the youngster asked for instead of the address on file ("liever in de bibliotheek"). */
    place: text('place'),
    bookedVia: text('booked_via').notNull().default('chat'),
    /** Short reference for calendars and the chat ("V-7K3M"), no personal data. */
    reference: text('reference').notNull().unique(),
    createdBy: uuid('created_by').references(() => staffUsers.id, { onDelete: 'set null' }),
    resultRecordedBy: uuid('result_recorded_by').references(() => staffUsers.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('visits_youngster_idx').on(t.youngsterId, t.startsAt), index('visits_municipality_time_idx').on(t.municipalityId, t.startsAt)],
);

/**
 * Who goes to a visit (one or two staff members) and the time they are busy: the visit plus the
 * travel buffer. `active` while the visit is booked or held; the exclusion constraint (migration)
 * refuses two overlapping active rows of one staff member - no double booking, whatever the code does.
 */
export const visitStaff = pgTable(
  'visit_staff',
  {
    visitId: uuid('visit_id')
      .notNull()
      .references(() => visits.id, { onDelete: 'cascade' }),
    staffId: uuid('staff_id')
      .notNull()
      .references(() => staffUsers.id),
    busy: tstzrange('busy').notNull(),
    active: boolean('active').notNull().default(true),
  },
  (t) => [primaryKey({ columns: [t.visitId, t.staffId] }), index('visit_staff_staff_idx').on(t.staffId)],
);
