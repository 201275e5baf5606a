import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { cards, municipalities, staffUsers, teamMunicipalities, youngsters } from '../schema/index.js';

export interface CardContext {
  cardId: string;
  status: 'active' | 'revoked';
  youngsterId: string;
  monitoringKey: string;
  municipalityId: string;
  municipalityName: string;
  casemanagerId: string | null;
  coachFirstName: string | null;
}

/** What the landing page and the inbound pipeline need to know about a scanned card. */
export async function findCardByToken(db: DbOrTx, token: string): Promise<CardContext | null> {
  const rows = await db
    .select({
      cardId: cards.id,
      status: cards.status,
      youngsterId: youngsters.id,
      monitoringKey: youngsters.monitoringKey,
      municipalityId: municipalities.id,
      municipalityName: municipalities.name,
      casemanagerId: cards.casemanagerId,
      coachFirstName: staffUsers.firstName,
    })
    .from(cards)
    .innerJoin(youngsters, eq(youngsters.id, cards.youngsterId))
    .innerJoin(municipalities, eq(municipalities.id, youngsters.municipalityId))
    .leftJoin(staffUsers, eq(staffUsers.id, cards.casemanagerId))
    .where(eq(cards.token, token))
    .limit(1);
  return rows[0] ?? null;
}

/** A youngster's name and address as a card needs them (printed, or on a casemanager's round). */
export const nameAndAddress = {
  firstName: youngsters.firstName,
  namePrefix: youngsters.namePrefix,
  lastName: youngsters.lastName,
  street: youngsters.street,
  houseNumber: youngsters.houseNumber,
  postcode: youngsters.postcode,
  city: youngsters.city,
};

/** The short code's card, for /c/<code> and a code typed into the chat. */
export async function findCardByShortCode(db: DbOrTx, shortCode: string): Promise<{ token: string; status: 'active' | 'revoked' } | null> {
  const [row] = await db.select({ token: cards.token, status: cards.status }).from(cards).where(eq(cards.shortCode, shortCode)).limit(1);
  return row ?? null;
}

// Qualified by hand (see card-batches.ts servedBy): the queries using it always join youngsters.
const inTeamScope = (teamId: string) =>
  sql`youngsters.municipality_id in (select tm.municipality_id from ${teamMunicipalities} tm where tm.team_id = ${teamId})`;

const scopedCardColumns = {
  id: cards.id,
  status: cards.status,
  youngsterId: cards.youngsterId,
  casemanagerId: cards.casemanagerId,
  variant: cards.variant,
  language: cards.language,
  listImportId: cards.listImportId,
  deliveredAt: cards.deliveredAt,
  municipalityId: youngsters.municipalityId,
  monitoringKey: youngsters.monitoringKey,
};

/** Cards of the team's municipalities among these ids, with what the card actions need (others are left out). */
export async function findScopedCards(db: DbOrTx, teamId: string, ids: readonly string[]) {
  if (!ids.length) return [];
  return db
    .select(scopedCardColumns)
    .from(cards)
    .innerJoin(youngsters, eq(youngsters.id, cards.youngsterId))
    .where(and(inArray(cards.id, [...ids]), inTeamScope(teamId)));
}

/** One card of the team's municipalities (null: not in scope). */
export async function findScopedCard(db: DbOrTx, teamId: string, id: string) {
  return (await findScopedCards(db, teamId, [id]))[0] ?? null;
}

/** The cards of an import within the team's scope, for its page (names: the coordinator prints and hands them out). */
export async function listImportCards(db: DbOrTx, teamId: string, listImportId: string) {
  return db
    .select({
      id: cards.id,
      status: cards.status,
      variant: cards.variant,
      shortCode: cards.shortCode,
      deliveredAt: cards.deliveredAt,
      firstName: youngsters.firstName,
      namePrefix: youngsters.namePrefix,
      lastName: youngsters.lastName,
      postcode: youngsters.postcode,
      municipalityName: municipalities.name,
      casemanagerName: staffUsers.name,
    })
    .from(cards)
    .innerJoin(youngsters, eq(youngsters.id, cards.youngsterId))
    .innerJoin(municipalities, eq(municipalities.id, youngsters.municipalityId))
    .leftJoin(staffUsers, eq(staffUsers.id, cards.casemanagerId))
    .where(and(eq(cards.listImportId, listImportId), inTeamScope(teamId)))
    .orderBy(asc(municipalities.name), asc(youngsters.lastName), asc(youngsters.firstName));
}

/** Put in the letterbox (once; a second click changes nothing). Returns the cards that changed. */
export async function markCardsDelivered(db: DbOrTx, cardIds: string[]) {
  if (!cardIds.length) return [];
  return db
    .update(cards)
    .set({ deliveredAt: sql`now()` })
    .where(and(inArray(cards.id, cardIds), isNull(cards.deliveredAt), eq(cards.status, 'active')))
    .returning({ id: cards.id, youngsterId: cards.youngsterId });
}

/** Lost: the card stops working (its link shows the neutral page) and a new one with new keys takes its place. */
export async function revokeAndReissue(tx: DbOrTx, cardId: string, fresh: { token: string; shortCode: string }) {
  const [old] = await tx
    .update(cards)
    .set({ status: 'revoked', revokedAt: sql`now()` })
    .where(and(eq(cards.id, cardId), eq(cards.status, 'active')))
    .returning();
  if (!old) return null;
  const [card] = await tx
    .insert(cards)
    .values({
      youngsterId: old.youngsterId,
      token: fresh.token,
      shortCode: fresh.shortCode,
      casemanagerId: old.casemanagerId,
      variant: old.variant,
      language: old.language,
      listImportId: old.listImportId,
    })
    .returning({ id: cards.id });
  return card ?? null;
}

/** A casemanager's own active cards: those still to deliver first, then the ones delivered lately. */
export async function casemanagerCards(db: DbOrTx, teamId: string, casemanagerId: string, limit = 200) {
  return db
    .select({
      id: cards.id,
      shortCode: cards.shortCode,
      variant: cards.variant,
      deliveredAt: cards.deliveredAt,
      createdAt: cards.createdAt,
      ...nameAndAddress,
      municipalityName: municipalities.name,
    })
    .from(cards)
    .innerJoin(youngsters, eq(youngsters.id, cards.youngsterId))
    .innerJoin(municipalities, eq(municipalities.id, youngsters.municipalityId))
    .where(and(eq(cards.casemanagerId, casemanagerId), eq(cards.status, 'active'), inTeamScope(teamId)))
    .orderBy(sql`${cards.deliveredAt} is not null`, asc(youngsters.postcode), asc(youngsters.houseNumber))
    .limit(limit);
}

/** An opt-out: every card of the person stops working at once (its link and short code show the neutral page). */
export async function revokeCardsOf(tx: DbOrTx, youngsterId: string): Promise<number> {
  const rows = await tx
    .update(cards)
    .set({ status: 'revoked', revokedAt: sql`now()` })
    .where(and(eq(cards.youngsterId, youngsterId), eq(cards.status, 'active')))
    .returning({ id: cards.id });
  return rows.length;
}
