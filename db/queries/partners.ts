import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { municipalities, partners } from '../schema/index.js';

/*
 * The partners a municipality works with (school, care provider, debt help): a
 * youngster consents to sharing per partner. Admins keep the list; a partner is
 * deactivated, never deleted, because consents point at it.
 */

export type Partner = typeof partners.$inferSelect;

/** The municipality by id, only when it is in the given scope (the admin's team's); null otherwise. */
export async function findMunicipalityInScope(db: DbOrTx, municipalityId: string, municipalityIds: string[]) {
  if (municipalityIds.length === 0) return null;
  const [row] = await db
    .select({ id: municipalities.id, name: municipalities.name })
    .from(municipalities)
    .where(and(eq(municipalities.id, municipalityId), inArray(municipalities.id, municipalityIds)))
    .limit(1);
  return row ?? null;
}

/** Active ones first, then by name. */
export async function listPartners(db: DbOrTx, municipalityId: string): Promise<Partner[]> {
  return db
    .select()
    .from(partners)
    .where(eq(partners.municipalityId, municipalityId))
    .orderBy(desc(partners.active), asc(partners.name));
}

/** What a consent form may offer: the municipality's active partners, by name. */
export async function listActivePartners(db: DbOrTx, municipalityId: string): Promise<{ id: string; name: string }[]> {
  return db
    .select({ id: partners.id, name: partners.name })
    .from(partners)
    .where(and(eq(partners.municipalityId, municipalityId), eq(partners.active, true)))
    .orderBy(asc(partners.name));
}

/** A partner of this municipality (active or not); null when it belongs to another one or does not exist. */
export async function findPartner(db: DbOrTx, municipalityId: string, partnerId: string): Promise<Partner | null> {
  const [row] = await db
    .select()
    .from(partners)
    .where(and(eq(partners.id, partnerId), eq(partners.municipalityId, municipalityId)))
    .limit(1);
  return row ?? null;
}

/** The partner with this name in the municipality, ignoring case ("GGD" and "ggd" are one partner). */
export async function findPartnerByName(db: DbOrTx, municipalityId: string, name: string): Promise<Partner | null> {
  const [row] = await db
    .select()
    .from(partners)
    .where(and(eq(partners.municipalityId, municipalityId), sql`lower(${partners.name}) = lower(${name})`))
    .limit(1);
  return row ?? null;
}

/** Null when the exact name already exists there (the unique index decides, so two admins at once cannot both add it). */
export async function insertPartner(db: DbOrTx, municipalityId: string, name: string): Promise<string | null> {
  const [row] = await db
    .insert(partners)
    .values({ municipalityId, name })
    .onConflictDoNothing({ target: [partners.municipalityId, partners.name] })
    .returning({ id: partners.id });
  return row?.id ?? null;
}

/** Sets active on a partner of this municipality; false when there is no such partner there. */
export async function setPartnerActive(db: DbOrTx, municipalityId: string, partnerId: string, active: boolean): Promise<boolean> {
  const updated = await db
    .update(partners)
    .set({ active })
    .where(and(eq(partners.id, partnerId), eq(partners.municipalityId, municipalityId)))
    .returning({ id: partners.id });
  return updated.length === 1;
}
