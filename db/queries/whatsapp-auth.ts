import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { waAuthCreds, waAuthKeys } from '../schema/index.js';

/*
 * Baileys' auth state of one WhatsApp session (account): one creds row and one
 * row per signal key (session, type, id). Values are opaque text here; the
 * channel (bot/channels/whatsapp/auth-state.ts) serialises them.
 */

// Baileys uploads 812 pre-keys at once; 4 parameters a row stays far below PostgreSQL's 65,535 limit.
const CHUNK = 500;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface KeyValue {
  type: string;
  id: string;
  data: string;
}

export async function readCreds(db: DbOrTx, session: string): Promise<string | null> {
  const [row] = await db.select({ data: waAuthCreds.data }).from(waAuthCreds).where(eq(waAuthCreds.session, session));
  return row?.data ?? null;
}

/** Creates or replaces the session's creds. */
export async function writeCreds(db: DbOrTx, session: string, data: string): Promise<void> {
  await db
    .insert(waAuthCreds)
    .values({ session, data })
    .onConflictDoUpdate({ target: waAuthCreds.session, set: { data, updatedAt: sql`now()` } });
}

/** The stored keys of one type among `ids` (unknown ids are simply absent). */
export async function readKeys(db: DbOrTx, session: string, type: string, ids: string[]): Promise<{ id: string; data: string }[]> {
  const found: { id: string; data: string }[] = [];
  for (const part of chunks([...new Set(ids)])) {
    found.push(
      ...(await db
        .select({ id: waAuthKeys.id, data: waAuthKeys.data })
        .from(waAuthKeys)
        .where(and(eq(waAuthKeys.session, session), eq(waAuthKeys.type, type), inArray(waAuthKeys.id, part)))),
    );
  }
  return found;
}

/**
 * Stores and deletes keys in one transaction: a half-applied key update (new
 * session, old pre-key) breaks decryption.
 */
export async function writeKeys(db: DbOrTx, session: string, change: { upserts: KeyValue[]; deletes: { type: string; ids: string[] }[] }) {
  if (change.upserts.length === 0 && change.deletes.every((d) => d.ids.length === 0)) return;
  await db.transaction(async (tx) => {
    for (const part of chunks(change.upserts)) {
      await tx
        .insert(waAuthKeys)
        .values(part.map((k) => ({ session, ...k })))
        .onConflictDoUpdate({
          target: [waAuthKeys.session, waAuthKeys.type, waAuthKeys.id],
          set: { data: sql`excluded.data` },
        });
    }
    for (const { type, ids } of change.deletes) {
      for (const part of chunks(ids)) {
        await tx
          .delete(waAuthKeys)
          .where(and(eq(waAuthKeys.session, session), eq(waAuthKeys.type, type), inArray(waAuthKeys.id, part)));
      }
    }
  });
}

export async function deleteKeys(db: DbOrTx, session: string): Promise<void> {
  await db.delete(waAuthKeys).where(eq(waAuthKeys.session, session));
}

/** Forgets the session: keys and creds, in one transaction. */
export async function deleteSession(db: DbOrTx, session: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(waAuthKeys).where(eq(waAuthKeys.session, session));
    await tx.delete(waAuthCreds).where(eq(waAuthCreds.session, session));
  });
}
