import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { municipalities, municipalityVisitTypes, VISIT_TYPES, type VisitType } from '../schema/index.js';

/*
 * Which kinds of visit a municipality offers. A municipality that configured
 * nothing offers all five with these durations and one staff member each: a
 * new municipality can book at once, and an admin only changes what differs
 * locally (e.g. two staff members at home visits). A stored row wins for its
 * type; types without a row keep the default.
 */

export interface VisitTypeConfig {
  type: VisitType;
  durationMinutes: number;
  enabled: boolean;
  twoStaff: boolean;
  /** False while the municipality uses the default for this type. */
  configured: boolean;
}

export const DEFAULT_VISIT_TYPES: Record<VisitType, { durationMinutes: number; enabled: boolean; twoStaff: boolean }> = {
  home: { durationMinutes: 60, enabled: true, twoStaff: false },
  office: { durationMinutes: 45, enabled: true, twoStaff: false },
  walk: { durationMinutes: 60, enabled: true, twoStaff: false },
  phone: { durationMinutes: 30, enabled: true, twoStaff: false },
  video: { durationMinutes: 30, enabled: true, twoStaff: false },
};

function withDefault(type: VisitType, row: { durationMinutes: number; enabled: boolean; twoStaff: boolean } | undefined): VisitTypeConfig {
  return row ? { type, ...row, configured: true } : { type, ...DEFAULT_VISIT_TYPES[type], configured: false };
}

/** All five types in their fixed order, stored or default. */
export async function listVisitTypes(db: DbOrTx, municipalityId: string): Promise<VisitTypeConfig[]> {
  const rows = await db
    .select({ type: municipalityVisitTypes.type, durationMinutes: municipalityVisitTypes.durationMinutes, enabled: municipalityVisitTypes.enabled, twoStaff: municipalityVisitTypes.twoStaff })
    .from(municipalityVisitTypes)
    .where(eq(municipalityVisitTypes.municipalityId, municipalityId));
  const byType = new Map(rows.map((r) => [r.type, r]));
  return VISIT_TYPES.map((t) => withDefault(t, byType.get(t)));
}

/** One type's configuration (stored or default). */
export async function getVisitType(db: DbOrTx, municipalityId: string, type: VisitType): Promise<VisitTypeConfig> {
  const [row] = await db
    .select({ durationMinutes: municipalityVisitTypes.durationMinutes, enabled: municipalityVisitTypes.enabled, twoStaff: municipalityVisitTypes.twoStaff })
    .from(municipalityVisitTypes)
    .where(and(eq(municipalityVisitTypes.municipalityId, municipalityId), eq(municipalityVisitTypes.type, type)))
    .limit(1);
  return withDefault(type, row);
}

/** Stores every given type (insert or update): after a save the municipality's settings are explicit. */
export async function upsertVisitTypes(db: DbOrTx, municipalityId: string, list: { type: VisitType; durationMinutes: number; enabled: boolean; twoStaff: boolean }[]) {
  if (list.length === 0) return;
  await db
    .insert(municipalityVisitTypes)
    .values(list.map((v) => ({ municipalityId, ...v })))
    .onConflictDoUpdate({
      target: [municipalityVisitTypes.municipalityId, municipalityVisitTypes.type],
      set: { durationMinutes: sql`excluded.duration_minutes`, enabled: sql`excluded.enabled`, twoStaff: sql`excluded.two_staff` },
    });
}

/**
 * Whether the casemanagers' calendar feeds show the youngster's first name (off by default:
 * those feeds end up in cloud calendars; without it a visit reads as its type and reference).
 */
export async function calendarShowsFirstName(db: DbOrTx, municipalityId: string): Promise<boolean> {
  const [row] = await db.select({ on: municipalities.calendarShowsFirstName }).from(municipalities).where(eq(municipalities.id, municipalityId));
  return row?.on ?? false;
}

export async function setCalendarShowsFirstName(db: DbOrTx, municipalityId: string, on: boolean): Promise<void> {
  await db.update(municipalities).set({ calendarShowsFirstName: on }).where(eq(municipalities.id, municipalityId));
}
