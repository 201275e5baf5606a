import { sql } from 'drizzle-orm';
import { bigint, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Append-only, ANONYMOUS event log: what monitoring will count (scans, messages,
 * routing, contact attempts, outflow). It holds no personal data and has no
 * foreign keys into personal tables, so it survives a person's erasure:
 * `subject` is the youngster's random monitoring key (unlinkable once the
 * youngster row is gone), `data` holds only categories and ids, never text.
 */
export const events = pgTable(
  'events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    type: text('type').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
    municipalityId: uuid('municipality_id'),
    subject: uuid('subject'),
    conversationId: uuid('conversation_id'),
    actorStaffId: uuid('actor_staff_id'),
    data: jsonb('data').$type<Record<string, string | number | boolean | null>>().notNull().default({}),
  },
  (t) => [
    index('events_type_time_idx').on(t.type, t.occurredAt),
    index('events_conversation_idx').on(t.conversationId),
    // The youngster panel lists one person's card and chat events.
    index('events_subject_idx').on(t.subject, t.type),
    // The monitoring report's per-youngster pass: the messages by index only (first reply, replied in the period), in
    // (municipality, subject) order so they aggregate without a sort (db/queries/monitoring-report.ts).
    index('events_facts_idx').on(t.type, t.municipalityId, t.subject, t.occurredAt).where(sql`${t.subject} is not null`),
  ],
);

export const EVENT_TYPES = [
  'card.scanned',
  'message.received',
  'message.sent',
  'message.failed',
  'message.cancelled',
  'message.in_doubt',
  'conversation.routed',
  'contact.linked',
  'visit.requested',
  'optout.requested',
  'optout.confirmed',
  'crisis.flagged',
  'conversation.escalated',
  'message.retried',
  'message.requeued',
  'conversation.assigned',
  'conversation.status_changed',
  'conversation.urgency_changed',
  'note.added',
  'contact_attempt.recorded',
  'youngster.support_question_set',
  'youngster.outcome_set',
  'youngster.step_changed',
  'staff.invited',
  'staff.activated',
  'staff.deactivated',
  'staff.totp_enabled',
  'staff.totp_reset',
  'team.settings_changed',
  'municipality.transferred',
  // List import (monitoring indicator 1): one per municipality and list, and one per person on it.
  'list.imported',
  'youngster.listed',
  // The card funnel: generated (in a PDF), delivered (in the letterbox), revoked (lost); scanned and chat started above.
  'card.generated',
  'card.delivered',
  'card.revoked',
  // Privacy: a person erased (opt-out, retention, exit), held back from a list (moved after an opt-out), consent given or withdrawn.
  'youngster.erased',
  'youngster.held_back',
  'consent.given',
  'consent.withdrawn',
  // Visits (booking): data holds the visit type and the day, never a place or a name.
  'visit.proposed',
  'visit.booked',
  'visit.moved',
  'visit.cancelled',
  'visit.held',
  'visit.not_home',
  'visit.no_show',
  // Monitoring (indicator 1 and 2): why someone declined (from the panel, or said to the bot after an opt-out), and
  // whether someone on the list as zzp is actually self-employed. Categories only.
  'youngster.decline_reason_set',
  'optout.reason_given',
  'youngster.self_employed_checked',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];
