import { boolean, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { VISIT_TYPES } from '../../core/visit-choices.js';
import { municipalities, staffUsers } from './organisation.js';

/**
 * When casemanagers can be visited, and which kinds of visit a municipality
 * offers. Organisation data, not youngster data. Times of day are
 * Europe/Amsterdam wall-clock times ('HH:MM'); moments are timestamptz.
 */

export { VISIT_TYPES, type VisitType } from '../../core/visit-choices.js';
/** The kinds of visit (core/visit-choices.ts). */
export const visitType = pgEnum('visit_type', VISIT_TYPES);

/** A weekly recurring block of availability (ISO weekday 1 = Monday). */
export const availabilityBlocks = pgTable(
  'availability_blocks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    staffId: uuid('staff_id')
      .notNull()
      .references(() => staffUsers.id, { onDelete: 'cascade' }),
    weekday: integer('weekday').notNull(),
    startsAt: text('starts_at').notNull(),
    endsAt: text('ends_at').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('availability_blocks_staff_idx').on(t.staffId, t.weekday)],
);

/** off: holiday, sick, training - not available then; extra: one-off extra hours. */
export const availabilityExceptionKind = pgEnum('availability_exception_kind', ['off', 'extra']);

export const availabilityExceptions = pgTable(
  'availability_exceptions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    staffId: uuid('staff_id')
      .notNull()
      .references(() => staffUsers.id, { onDelete: 'cascade' }),
    kind: availabilityExceptionKind('kind').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('availability_exceptions_staff_idx').on(t.staffId, t.startsAt)],
);

/** Which visit types a municipality offers, how long each takes, and whether it needs two staff members. */
export const municipalityVisitTypes = pgTable(
  'municipality_visit_types',
  {
    municipalityId: uuid('municipality_id')
      .notNull()
      .references(() => municipalities.id, { onDelete: 'cascade' }),
    type: visitType('type').notNull(),
    durationMinutes: integer('duration_minutes').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    /** Local safety agreements: e.g. every home visit by two staff members. */
    twoStaff: boolean('two_staff').notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.municipalityId, t.type] })],
);
