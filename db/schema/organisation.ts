import { bigint, boolean, customType, date, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';

/**
 * Organisation: who serves whom. No youngster data here. Staff accounts are
 * personal data of employees, kept for as long as they work with Lijntje.
 */

export const regions = pgTable('regions', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export type Cmyk = [number, number, number, number];
export interface CardColours {
  primary: Cmyk;
  accent: Cmyk;
}
export const DEFAULT_CARD_COLOURS: CardColours = { primary: [85, 20, 0, 10], accent: [0, 60, 90, 0] };

/** Binary columns (images); postgres.js hands them over as Buffers. */
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/** Each municipality is a separate data controller; every youngster belongs to exactly one. */
/** Per-language text overrides for the youngster dialogue, e.g. { nl: { 'bot.signoff': 'Groet, Michelle' } }. */
export type TextOverrides = Partial<Record<'nl' | 'en', Record<string, string>>>;

export const municipalities = pgTable('municipalities', {
  id: uuid('id').primaryKey().defaultRandom(),
  regionId: uuid('region_id').notNull().references(() => regions.id),
  name: text('name').notNull().unique(),
  textOverrides: jsonb('text_overrides').$type<TextOverrides>().notNull().default({}),
  /** The cards' colours (CMYK, 0-100 each) and logo (PNG or JPEG, small); set by the team's admins. */
  cardColours: jsonb('card_colours').$type<CardColours>().notNull().default(DEFAULT_CARD_COLOURS),
  cardLogo: bytea('card_logo'),
  /** The casemanager a new youngster of this municipality's list gets; null = spread over the team. */
  defaultCasemanagerId: uuid('default_casemanager_id').references((): AnyPgColumn => staffUsers.id, { onDelete: 'set null' }),
  /** The column mapping of its last imported list (field -> header), offered again next month. */
  listMapping: jsonb('list_mapping').$type<Record<string, string>>(),
  /**
   * Retention (the pilot's defaults; admins set them): erase a youngster who never reacted to card
   * or visit after this many months, a closed case after this many, and chat messages older than this.
   */
  retentionNoReactionMonths: integer('retention_no_reaction_months').notNull().default(6),
  retentionClosedMonths: integer('retention_closed_months').notNull().default(12),
  retentionMessageMonths: integer('retention_message_months').notNull().default(12),
  /** The youngster's first name may appear in casemanagers' calendar feeds (cloud calendars); off by default. */
  calendarShowsFirstName: boolean('calendar_shows_first_name').notNull().default(false),
  /** The contract ended: its running dossiers were exported and its personal data erased. */
  exitedAt: timestamp('exited_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A Doorstroompunt team; it serves one or more municipalities. */
/** Opening hours per ISO weekday (1 = Monday) in Europe/Amsterdam, e.g. { "1": [["09:00", "17:00"]] }. */
export type OfficeHours = Partial<Record<'1' | '2' | '3' | '4' | '5' | '6' | '7', [string, string][]>>;
export const DEFAULT_OFFICE_HOURS: OfficeHours = {
  '1': [['09:00', '17:00']],
  '2': [['09:00', '17:00']],
  '3': [['09:00', '17:00']],
  '4': [['09:00', '17:00']],
  '5': [['09:00', '17:00']],
};

export const teams = pgTable('teams', {
  id: uuid('id').primaryKey().defaultRandom(),
  regionId: uuid('region_id').notNull().references(() => regions.id),
  name: text('name').notNull().unique(),
  officeHours: jsonb('office_hours').$type<OfficeHours>().notNull().default(DEFAULT_OFFICE_HOURS),
  /** A youngster's message unanswered this many office minutes is escalated to the team (default: one working day). */
  escalationOfficeMinutes: integer('escalation_office_minutes').notNull().default(480),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A municipality is served by one team at a time, so routing and scope are unambiguous. */
export const teamMunicipalities = pgTable(
  'team_municipalities',
  {
    teamId: uuid('team_id').notNull().references(() => teams.id, { onDelete: 'cascade' }),
    municipalityId: uuid('municipality_id')
      .notNull()
      .unique()
      .references(() => municipalities.id),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.municipalityId] })],
);

/**
 * casemanager: their team's conversations; coordinator: the team lead (assigns, lists, cards, reports);
 * admin: accounts, teams, municipalities, channels; privacy_officer: audit views, no message content;
 * regional: a staff member of the region rather than of a team (their account sits in a team of the
 * region for sign-in): the anonymous monitoring figures of every municipality in the region, and no
 * youngster of any municipality (their scope is empty: loadSessionPrincipal).
 */
export const staffRole = pgEnum('staff_role', ['casemanager', 'coordinator', 'admin', 'privacy_officer', 'regional']);
export type StaffRole = (typeof staffRole.enumValues)[number];

export const staffUsers = pgTable(
  'staff_users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    teamId: uuid('team_id').notNull().references(() => teams.id),
    /** Stored lower-case; the login name. */
    email: text('email').notNull().unique(),
    name: text('name').notNull(),
    /** What youngsters see: "Je praat met de chat van Michelle". */
    firstName: text('first_name').notNull(),
    role: staffRole('role').notNull(),
    /** argon2id; null until the account's invitation is accepted. */
    passwordHash: text('password_hash'),
    active: boolean('active').notNull().default(true),
    /** Absence: until this moment (exclusive) the person is away; routing and the youngster's texts follow the delegate. */
    absentUntil: timestamp('absent_until', { withTimezone: true }),
    absenceDelegateId: uuid('absence_delegate_id').references((): AnyPgColumn => staffUsers.id, { onDelete: 'set null' }),
    /** Invitation: sha256 of the one-time link's token; the link sets the first password. */
    inviteTokenHash: text('invite_token_hash').unique(),
    inviteExpiresAt: timestamp('invite_expires_at', { withTimezone: true }),
    /** TOTP second factor: the secret sealed with SECRET_KEY (AES-GCM), set once confirmed with a first code. */
    totpSecretSealed: text('totp_secret_sealed'),
    totpEnabledAt: timestamp('totp_enabled_at', { withTimezone: true }),
    /** The last accepted TOTP time step, so one code cannot be used twice. */
    totpLastStep: bigint('totp_last_step', { mode: 'number' }),
    /** Language of the staff UI: 'nl' (default) or 'en'. */
    uiLanguage: text('ui_language').notNull().default('nl'),
    /** What the cards print besides the first name: a work phone and a photo (optional). */
    cardPhone: text('card_phone'),
    cardPhoto: bytea('card_photo'),
    /** Wrong passwords and codes since the last full sign-in (attempts refused during a backoff do not count). */
    failedLogins: integer('failed_logins').notNull().default(0),
    /** Visits: time between two visits that need travel, and how far ahead a youngster must book. */
    visitBufferMinutes: integer('visit_buffer_minutes').notNull().default(15),
    minNoticeHours: integer('min_notice_hours').notNull().default(24),
    /** The private iCalendar feed: sha256 of its secret URL token; null = no feed (revoked). */
    calendarFeedTokenHash: text('calendar_feed_token_hash').unique(),
    /** Sign-in backoff: attempts before this moment are refused unchecked (exponential in failedLogins, capped). */
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('staff_users_team_idx').on(t.teamId)],
);

/** Server-side sessions so logout and deactivation take effect at once. Only a hash of the cookie is stored. */
export const staffSessions = pgTable(
  'staff_sessions',
  {
    id: text('id').primaryKey(),
    staffUserId: uuid('staff_user_id')
      .notNull()
      .references(() => staffUsers.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('staff_sessions_user_idx').on(t.staffUserId), index('staff_sessions_expiry_idx').on(t.expiresAt)],
);


/**
 * WhatsApp (Baileys) auth state: one creds row and the signal keys per session
 * (an account). Not files: Baileys' own file store is not for production, and
 * every key update must survive a restart or messages fail to decrypt.
 * Technical secrets of the account, not youngster data (key ids can hold JIDs).
 */
export const waAuthCreds = pgTable('wa_auth_creds', {
  session: text('session').primaryKey(),
  data: text('data').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const waAuthKeys = pgTable(
  'wa_auth_keys',
  {
    session: text('session').notNull(),
    type: text('type').notNull(),
    id: text('id').notNull(),
    data: text('data').notNull(),
  },
  (t) => [primaryKey({ columns: [t.session, t.type, t.id] })],
);

/**
 * One imported monthly list of a team (no personal data: counts live in the
 * anonymous events). Cards and their PDF batches hang off it.
 */
export const listImports = pgTable(
  'list_imports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    teamId: uuid('team_id').notNull().references(() => teams.id),
    /** The list's month, as its first day: ages are taken on it. */
    listMonth: date('list_month').notNull(),
    /** The municipality's first list (the nulmeting), approached whole. */
    baseline: boolean('baseline').notNull().default(false),
    importedBy: uuid('imported_by').references(() => staffUsers.id, { onDelete: 'set null' }),
    /** Counts as the result page shows them (ImportCounts); numbers only. */
    counts: jsonb('counts').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('list_imports_team_idx').on(t.teamId, t.createdAt)],
);
