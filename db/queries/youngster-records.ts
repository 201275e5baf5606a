import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../client.js';
import { contactAttempts, conversations, youngsters, type CONTACT_ATTEMPT_KINDS } from '../schema/index.js';

type Youngster = typeof youngsters.$inferSelect;

/**
 * The youngster of a conversation inside the scope, with their row locked for
 * the caller's transaction (what a casemanager records about them); null when
 * the conversation is outside the scope or has no youngster.
 */
export async function lockConversationYoungster(tx: Tx, conversationId: string, municipalityIds: string[]) {
  if (municipalityIds.length === 0) return null;
  const [row] = await tx
    .select({
      municipalityId: conversations.municipalityId,
      youngsterId: youngsters.id,
      monitoringKey: youngsters.monitoringKey,
      outcome: youngsters.outcome,
      processStep: youngsters.processStep,
      supportQuestion: youngsters.supportQuestion,
      declineReason: youngsters.declineReason,
      kvkRegistered: youngsters.kvkRegistered,
      selfEmployed: youngsters.selfEmployed,
    })
    .from(conversations)
    .innerJoin(youngsters, eq(youngsters.id, conversations.youngsterId))
    .where(and(eq(conversations.id, conversationId), inArray(conversations.municipalityId, municipalityIds)))
    .for('update', { of: youngsters })
    .limit(1);
  // Inside a scope, a conversation always has its municipality.
  return row?.municipalityId ? { ...row, municipalityId: row.municipalityId } : null;
}

export async function insertContactAttempt(
  db: DbOrTx,
  a: {
    youngsterId: string;
    staffId: string;
    kind: (typeof CONTACT_ATTEMPT_KINDS)[number];
    occurredOn: string;
    minutes: number;
    note: string | null;
  },
): Promise<string> {
  const [row] = await db.insert(contactAttempts).values(a).returning({ id: contactAttempts.id });
  return row!.id;
}

/** Changes only the given fields of the monitoring profile. */
export async function updateYoungsterProfile(
  db: DbOrTx,
  youngsterId: string,
  change: Partial<Pick<Youngster, 'supportQuestion' | 'outcome' | 'outcomeOn' | 'processStep' | 'declineReason' | 'selfEmployed'>>,
): Promise<void> {
  await db
    .update(youngsters)
    .set({ ...change, updatedAt: sql`now()` })
    .where(eq(youngsters.id, youngsterId));
}
