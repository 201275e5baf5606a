import { InputError, NotFoundError } from '../../core/errors.js';
import type { LiveBus } from '../../core/live-bus.js';
import type { Database, Tx } from '../../db/client.js';
import {
  lockConversation,
  setConversationAssignee,
  setConversationStatus,
  setConversationUrgent,
} from '../../db/queries/conversations.js';
import { recordEvent } from '../../db/queries/events.js';
import { insertNote } from '../../db/queries/notes.js';
import { findStaffById, type StaffPrincipal } from '../../db/queries/staff.js';
import { MAX_NOTE_CHARS, type NoteField } from './note-limit.js';

export const CONVERSATION_STATUSES = ['open', 'waiting', 'closed'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

// C0/C1 controls except tab and newline.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/** A note as it is stored: trimmed, no control characters, not empty, not longer than MAX_NOTE_CHARS. */
export function normaliseNote(raw: unknown, field: NoteField = 'note'): string {
  if (typeof raw !== 'string') throw new InputError('note is not text', 'note_not_text', 400, { field });
  const text = raw.toWellFormed().normalize('NFC').replace(/\r\n?/g, '\n').replace(CONTROL, '').trim();
  if (text.length === 0) throw new InputError('note is empty', 'note_empty', 400, { field });
  if (text.length > MAX_NOTE_CHARS) throw new InputError('note is too long', 'note_too_long', 413, { field, max: MAX_NOTE_CHARS });
  return text;
}

export interface ActionResult {
  conversationId: string;
  municipalityId: string;
  changed: boolean;
  /** The note this action added (a note, or the handover note of a transfer), for the live signal. */
  noteId?: string;
}

/**
 * What staff do with a conversation besides answering: internal notes, assign /
 * transfer with a warm handover note, status and the urgent flag. Each action is
 * one transaction that locks the conversation row, checks the scope (outside it:
 * 404, nothing changes), records an anonymous event (ids and categories, never
 * text) and then signals every open inbox.
 */
export function createConversationActions(deps: { database: Database; liveBus: LiveBus }) {
  const { db } = deps.database;

  async function locked(tx: Tx, staff: StaffPrincipal, conversationId: string) {
    const conv = await lockConversation(tx, conversationId);
    if (!conv?.municipalityId || !staff.municipalityIds.includes(conv.municipalityId)) throw new NotFoundError('conversation');
    return { ...conv, municipalityId: conv.municipalityId };
  }

  async function signal(result: ActionResult, kind: 'conversation' | 'note' = 'conversation') {
    if (!result.changed) return;
    // Best effort: a lost signal only delays other screens until their next reload.
    await deps.liveBus
      .publishInbox({ kind, conversationId: result.conversationId, municipalityId: result.municipalityId, noteId: result.noteId })
      .catch(() => {});
  }

  async function addNote(staff: StaffPrincipal, conversationId: string, rawBody: unknown): Promise<ActionResult & { noteId: string }> {
    const body = normaliseNote(rawBody);
    const result = await db.transaction(async (tx) => {
      const conv = await locked(tx, staff, conversationId);
      const noteId = await insertNote(tx, { conversationId, authorId: staff.id, kind: 'note', body });
      await recordEvent(tx, {
        type: 'note.added',
        municipalityId: conv.municipalityId,
        conversationId,
        actorStaffId: staff.id,
        data: { kind: 'note' },
      });
      return { conversationId, municipalityId: conv.municipalityId, changed: true, noteId };
    });
    await signal(result, 'note');
    return result;
  }

  /**
   * Assign or transfer. A coordinator may give any conversation of the team to
   * any active colleague; a casemanager may take an unassigned one or hand over
   * their own. Moving it from one person to another needs a handover note.
   */
  async function assign(staff: StaffPrincipal, conversationId: string, toStaffId: string, rawNote: unknown): Promise<ActionResult> {
    const hasNote = typeof rawNote === 'string' && rawNote.trim().length > 0;
    const note = hasNote ? normaliseNote(rawNote, 'handover_note') : null;
    const result = await db.transaction(async (tx) => {
      const conv = await locked(tx, staff, conversationId);
      const target = await findStaffById(tx, toStaffId);
      if (!target || target.teamId !== staff.teamId || !target.active || (target.role !== 'casemanager' && target.role !== 'coordinator')) {
        throw new InputError('assignee is not an active casemanager or coordinator of the team', 'invalid_assignee');
      }
      if (staff.role !== 'coordinator') {
        const takesUnassigned = conv.assignedTo === null && target.id === staff.id;
        const handsOverOwn = conv.assignedTo === staff.id;
        if (!takesUnassigned && !handsOverOwn) {
          if (conv.assignedTo === null) throw new InputError('an unassigned conversation is only taken by oneself', 'take_unassigned_yourself', 403);
          throw new InputError('only the owner or a coordinator hands a conversation over', 'transfer_by_owner', 403);
        }
      }
      if (conv.assignedTo === target.id) return { conversationId, municipalityId: conv.municipalityId, changed: false };
      const transfer = conv.assignedTo !== null;
      if (transfer && !note) {
        throw new InputError('a transfer needs a handover note', 'handover_note_required');
      }

      await setConversationAssignee(tx, conversationId, target.id);
      const handoverId = note
        ? await insertNote(tx, { conversationId, authorId: staff.id, kind: 'handover', toStaffId: target.id, body: note })
        : undefined;
      await recordEvent(tx, {
        type: 'conversation.assigned',
        municipalityId: conv.municipalityId,
        conversationId,
        actorStaffId: staff.id,
        data: {
          from: conv.assignedTo,
          to: target.id,
          reason: transfer ? 'transfer' : target.id === staff.id ? 'take' : 'assign',
          handoverNote: note !== null,
        },
      });
      if (note) {
        await recordEvent(tx, {
          type: 'note.added',
          municipalityId: conv.municipalityId,
          conversationId,
          actorStaffId: staff.id,
          data: { kind: 'handover' },
        });
      }
      return { conversationId, municipalityId: conv.municipalityId, changed: true, noteId: handoverId };
    });
    await signal(result);
    return result;
  }

  async function setStatus(staff: StaffPrincipal, conversationId: string, status: ConversationStatus): Promise<ActionResult> {
    if (!CONVERSATION_STATUSES.includes(status)) throw new InputError('unknown conversation status', 'invalid_status');
    const result = await db.transaction(async (tx) => {
      const conv = await locked(tx, staff, conversationId);
      if (conv.status === status) return { conversationId, municipalityId: conv.municipalityId, changed: false };
      await setConversationStatus(tx, conversationId, status);
      await recordEvent(tx, {
        type: 'conversation.status_changed',
        municipalityId: conv.municipalityId,
        conversationId,
        actorStaffId: staff.id,
        data: { from: conv.status, to: status },
      });
      return { conversationId, municipalityId: conv.municipalityId, changed: true };
    });
    await signal(result);
    return result;
  }

  /** Sets the urgent flag; without a value it toggles. */
  async function setUrgent(staff: StaffPrincipal, conversationId: string, urgent: boolean | null): Promise<ActionResult & { urgent: boolean }> {
    const result = await db.transaction(async (tx) => {
      const conv = await locked(tx, staff, conversationId);
      const next = urgent ?? !conv.urgent;
      if (conv.urgent === next) return { conversationId, municipalityId: conv.municipalityId, changed: false, urgent: next };
      await setConversationUrgent(tx, conversationId, next);
      await recordEvent(tx, {
        type: 'conversation.urgency_changed',
        municipalityId: conv.municipalityId,
        conversationId,
        actorStaffId: staff.id,
        data: { urgent: next },
      });
      return { conversationId, municipalityId: conv.municipalityId, changed: true, urgent: next };
    });
    await signal(result);
    return result;
  }

  return { addNote, assign, setStatus, setUrgent };
}
export type ConversationActions = ReturnType<typeof createConversationActions>;
