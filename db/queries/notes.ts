import { and, asc, eq, inArray } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../client.js';
import { conversationNotes, conversations, staffUsers } from '../schema/index.js';

const toStaff = alias(staffUsers, 'to_staff');

/** What the inbox shows of a note (the thread view and live pushes alike). */
const noteColumns = {
  id: conversationNotes.id,
  conversationId: conversationNotes.conversationId,
  kind: conversationNotes.kind,
  body: conversationNotes.body,
  authorName: staffUsers.name,
  toStaffName: toStaff.name,
  createdAt: conversationNotes.createdAt,
};

/** Internal notes and handover notes of one conversation, oldest first. The caller has checked the scope. */
export async function listNotes(db: DbOrTx, conversationId: string, limit = 500) {
  return db
    .select(noteColumns)
    .from(conversationNotes)
    .leftJoin(staffUsers, eq(staffUsers.id, conversationNotes.authorId))
    .leftJoin(toStaff, eq(toStaff.id, conversationNotes.toStaffId))
    .where(eq(conversationNotes.conversationId, conversationId))
    .orderBy(asc(conversationNotes.createdAt), asc(conversationNotes.id))
    .limit(limit);
}
export type NoteRow = Awaited<ReturnType<typeof listNotes>>[number];

/** One note, only if its conversation is inside the scope (a live push re-reads it with the viewer's scope). */
export async function getNoteInScope(db: DbOrTx, noteId: string, municipalityIds: string[]): Promise<NoteRow | null> {
  if (municipalityIds.length === 0) return null;
  const rows = await db
    .select(noteColumns)
    .from(conversationNotes)
    .innerJoin(conversations, eq(conversations.id, conversationNotes.conversationId))
    .leftJoin(staffUsers, eq(staffUsers.id, conversationNotes.authorId))
    .leftJoin(toStaff, eq(toStaff.id, conversationNotes.toStaffId))
    .where(and(eq(conversationNotes.id, noteId), inArray(conversations.municipalityId, municipalityIds)))
    .limit(1);
  return rows[0] ?? null;
}

/** Active colleagues in a team who work with conversations (the people one can hand a conversation to). */
export async function listAssignableColleagues(db: DbOrTx, teamId: string) {
  return db
    .select({ id: staffUsers.id, name: staffUsers.name, firstName: staffUsers.firstName, role: staffUsers.role })
    .from(staffUsers)
    .where(
      and(
        eq(staffUsers.teamId, teamId),
        eq(staffUsers.active, true),
        inArray(staffUsers.role, ['casemanager', 'coordinator']),
      ),
    )
    .orderBy(asc(staffUsers.name));
}

/** Adds an internal note (or the handover note of a transfer); its id. The caller has checked the scope. */
export async function insertNote(
  db: DbOrTx,
  n: { conversationId: string; authorId: string; kind: 'note' | 'handover'; toStaffId?: string | null; body: string },
): Promise<string> {
  const [row] = await db
    .insert(conversationNotes)
    .values({ conversationId: n.conversationId, authorId: n.authorId, kind: n.kind, toStaffId: n.toStaffId ?? null, body: n.body })
    .returning({ id: conversationNotes.id });
  return row!.id;
}
