/*
 * Moved: lockOrCreateContact and ContactRow to db/queries/contacts.ts,
 * ensureConversation and touchConversation to db/queries/conversations.ts
 * (same names and signatures). Only bot/dialogue/service.ts still imports from
 * here; the message-lifecycle change points it at those files, and this file
 * goes when the two are merged.
 */
export { lockOrCreateContact, type ContactRow } from '../db/queries/contacts.js';
export { ensureConversation, touchConversation } from '../db/queries/conversations.js';
