import { and, asc, eq, inArray, ne } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../client.js';
import { staffUsers } from '../schema/index.js';

/** Roles that can hold conversations, so the only ones routing can hand over to. */
const DELEGATE_ROLES = ['casemanager', 'coordinator'] as const;

export interface Absence {
  absentUntil: Date | null;
  delegateId: string | null;
  delegateName: string | null;
}

export interface Colleague {
  id: string;
  name: string;
  absentUntil: Date | null;
}

export async function getAbsence(db: DbOrTx, staffId: string): Promise<Absence> {
  const delegate = alias(staffUsers, 'delegate');
  const [row] = await db
    .select({ absentUntil: staffUsers.absentUntil, delegateId: staffUsers.absenceDelegateId, delegateName: delegate.name })
    .from(staffUsers)
    .leftJoin(delegate, eq(delegate.id, staffUsers.absenceDelegateId))
    .where(eq(staffUsers.id, staffId))
    .limit(1);
  return row ?? { absentUntil: null, delegateId: null, delegateName: null };
}

/** Who may stand in for this person: active colleagues of the same team who can hold conversations. */
export async function listPossibleDelegates(db: DbOrTx, staff: { id: string; teamId: string }): Promise<Colleague[]> {
  return db
    .select({ id: staffUsers.id, name: staffUsers.name, absentUntil: staffUsers.absentUntil })
    .from(staffUsers)
    .where(
      and(
        eq(staffUsers.teamId, staff.teamId),
        eq(staffUsers.active, true),
        ne(staffUsers.id, staff.id),
        inArray(staffUsers.role, [...DELEGATE_ROLES]),
      ),
    )
    .orderBy(asc(staffUsers.name), asc(staffUsers.id));
}

export async function setAbsence(db: DbOrTx, staffId: string, until: Date, delegateId: string | null) {
  await db.update(staffUsers).set({ absentUntil: until, absenceDelegateId: delegateId }).where(eq(staffUsers.id, staffId));
}

export async function clearAbsence(db: DbOrTx, staffId: string) {
  await db.update(staffUsers).set({ absentUntil: null, absenceDelegateId: null }).where(eq(staffUsers.id, staffId));
}
