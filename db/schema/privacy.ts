import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { municipalities, staffUsers, teams } from './organisation.js';

/**
 * What a privacy officer needs to PROVE the rules are kept - and nothing of a
 * youngster in clear. These tables have no foreign keys into `personal.ts`, so
 * they survive a person's erasure; ids in them are random uuids that point at
 * nothing once the person is gone.
 */

export const SUPPRESSION_KINDS = ['person', 'name_birth', 'channel'] as const;
export const suppressionKind = pgEnum('suppression_kind', SUPPRESSION_KINDS);
export type SuppressionKind = (typeof SUPPRESSION_KINDS)[number];

/**
 * "Never approach again", remembered without remembering who: keyed hashes
 * (HMAC-SHA256 with SUPPRESSION_KEY, core/suppression.ts) of normalised name +
 * birth date + postcode (person), of name + birth date (name_birth: the person
 * moved - held back for the coordinator), and of each messenger identity
 * (channel). `key_version` says which key made it, so a new key keeps old
 * entries checkable.
 */
export const suppressionEntries = pgTable(
  'suppression_entries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: suppressionKind('kind').notNull(),
    keyVersion: integer('key_version').notNull(),
    hash: text('hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('suppression_entries_uq').on(t.kind, t.keyVersion, t.hash)],
);

export const ERASURE_REASONS = ['opt_out', 'staff_opt_out', 'retention', 'exit'] as const;
export const erasureReason = pgEnum('erasure_reason', ERASURE_REASONS);
export type ErasureReason = (typeof ERASURE_REASONS)[number];

/**
 * A person to erase: written in the opt-out's transaction, done by the worker
 * right after the goodbye was delivered - or by the sweeper when a crash came
 * between, and at the latest at `due_at` (24 hours). Holds only random ids.
 */
export const erasureRequests = pgTable(
  'erasure_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    municipalityId: uuid('municipality_id'),
    youngsterId: uuid('youngster_id'),
    /** Contacts of someone without a card (no youngster row), or the ones of the youngster. */
    contactIds: uuid('contact_ids').array().notNull().default([]),
    reason: erasureReason('reason').notNull(),
    /** The goodbye that still goes out: erasure waits until it is final (sent, failed, cancelled). */
    goodbyeMessageId: uuid('goodbye_message_id'),
    requestedBy: uuid('requested_by'),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    erasedAt: timestamp('erased_at', { withTimezone: true }),
    /** What was erased, counted per table (numbers only). */
    counts: jsonb('counts').$type<Record<string, number>>(),
  },
  (t) => [index('erasure_requests_pending_idx').on(t.dueAt).where(sql`erased_at is null`), index('erasure_requests_youngster_idx').on(t.youngsterId)],
);

/**
 * The deletion log: every erasure and every retention or exit run, with counts
 * only. What a privacy officer shows as proof of deletion, and what a restore
 * replays (the README's backup section).
 */
export const deletionLog = pgTable(
  'deletion_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    reason: text('reason').notNull(),
    municipalityId: uuid('municipality_id'),
    /** The erasure request (one person) or null for a run. */
    erasureId: uuid('erasure_id'),
    staffId: uuid('staff_id'),
    counts: jsonb('counts').$type<Record<string, number>>().notNull().default({}),
  },
  (t) => [index('deletion_log_time_idx').on(t.at), index('deletion_log_municipality_idx').on(t.municipalityId, t.at)],
);

/**
 * What a casemanager is told without content, e.g. "a youngster of yours asked
 * for no contact; their data is being erased". No name, no conversation id: the
 * conversation is about to disappear.
 */
export const staffNotices = pgTable(
  'staff_notices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    staffId: uuid('staff_id')
      .notNull()
      .references(() => staffUsers.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    municipalityId: uuid('municipality_id').references(() => municipalities.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp('read_at', { withTimezone: true }),
  },
  (t) => [index('staff_notices_staff_idx').on(t.staffId, t.createdAt)],
);

/**
 * Append-only audit log (BIO: logging of access): every view of a youngster's
 * panel or conversation, every export, change, erasure and sign-in - who, when,
 * what, which object (an id, never content). A trigger (migration) refuses
 * UPDATE and DELETE except through purge_audit_log(), the retention function.
 * No foreign keys: a cascade would be an UPDATE or DELETE.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    staffId: uuid('staff_id'),
    teamId: uuid('team_id'),
    action: text('action').notNull(),
    objectType: text('object_type'),
    objectId: text('object_id'),
    municipalityId: uuid('municipality_id'),
    /** Numbers and codes only (a count, a filter's name), never text a person typed. */
    detail: jsonb('detail').$type<Record<string, string | number | boolean | null>>().notNull().default({}),
  },
  (t) => [
    index('audit_log_time_idx').on(t.at),
    index('audit_log_staff_idx').on(t.staffId, t.at),
    index('audit_log_team_idx').on(t.teamId, t.at),
    index('audit_log_object_idx').on(t.objectId),
  ],
);

/** A data breach (processor agreement: the controller is told within 24 hours). No youngster data in it. */
export const breaches = pgTable(
  'breaches',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    teamId: uuid('team_id')
      .notNull()
      .references(() => teams.id),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    discoveredAt: timestamp('discovered_at', { withTimezone: true }).notNull(),
    /** e.g. name_address, birth_date, messages, messenger_ids, notes (templates/staff labels). */
    dataCategories: text('data_categories').array().notNull().default([]),
    peopleCount: integer('people_count'),
    measures: text('measures').notNull().default(''),
    municipalityIds: uuid('municipality_ids').array().notNull().default([]),
    createdBy: uuid('created_by').references(() => staffUsers.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [index('breaches_team_idx').on(t.teamId, t.discoveredAt)],
);

/** Who was told of a breach, when, by whom. */
export const breachNotifications = pgTable(
  'breach_notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    breachId: uuid('breach_id')
      .notNull()
      .references(() => breaches.id, { onDelete: 'cascade' }),
    /** Who: the controller (a municipality), the Autoriteit Persoonsgegevens, the people concerned, other. */
    party: text('party').notNull(),
    toldAt: timestamp('told_at', { withTimezone: true }).notNull(),
    toldBy: uuid('told_by').references(() => staffUsers.id, { onDelete: 'set null' }),
    note: text('note').notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('breach_notifications_breach_idx').on(t.breachId, t.toldAt)],
);

/** A partner a municipality works with (school, care provider): a youngster consents per partner. */
export const partners = pgTable(
  'partners',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    municipalityId: uuid('municipality_id')
      .notNull()
      .references(() => municipalities.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('partners_municipality_name_uq').on(t.municipalityId, t.name)],
);
