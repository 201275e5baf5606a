import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { cards, municipalities, staffUsers, youngsters } from '../schema/index.js';

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
