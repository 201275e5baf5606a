import {
  BufferJSON,
  initAuthCreds,
  proto,
  type AuthenticationCreds,
  type AuthenticationState,
  type SignalDataSet,
  type SignalDataTypeMap,
} from '@whiskeysockets/baileys';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { waAuthCreds, waAuthKeys } from '../../../db/schema/index.js';

/**
 * Baileys' auth state in PostgreSQL (its useMultiFileAuthState is not meant
 * for production). One creds row per session and one row per signal key
 * (session, type, id). Every key update must be stored, or later messages
 * fail to decrypt ("Bad MAC"). Values are JSON through BufferJSON so Buffers
 * and Uint8Arrays survive the round trip.
 */
export interface PostgresAuthState {
  /** Pass to the socket. `state.creds` is replaced by clear(), so read it at socket creation, not once. */
  state: AuthenticationState;
  /** Stores the current `state.creds`. Calls are serialised, so the last call's state wins. */
  saveCreds(): Promise<void>;
  /** Forgets this session (after WhatsApp logged us out): creds and keys, in memory and in PostgreSQL. */
  clear(): Promise<void>;
}

type KeyType = keyof SignalDataTypeMap;

// Baileys uploads 812 pre-keys at once; 4 parameters a row stays far below PostgreSQL's 65,535 limit.
const CHUNK = 500;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const serialise = (value: unknown): string => JSON.stringify(value, BufferJSON.replacer);
const deserialise = (text: string): unknown => JSON.parse(text, BufferJSON.reviver);

export async function usePostgresAuthState(db: Db, session: string): Promise<PostgresAuthState> {
  const [row] = await db.select({ data: waAuthCreds.data }).from(waAuthCreds).where(eq(waAuthCreds.session, session));
  const creds = row ? (deserialise(row.data) as AuthenticationCreds) : initAuthCreds();

  async function getKeys<T extends KeyType>(type: T, ids: string[]): Promise<{ [id: string]: SignalDataTypeMap[T] }> {
    const result: { [id: string]: SignalDataTypeMap[T] } = {};
    for (const part of chunks([...new Set(ids)])) {
      const rows = await db
        .select({ id: waAuthKeys.id, data: waAuthKeys.data })
        .from(waAuthKeys)
        .where(and(eq(waAuthKeys.session, session), eq(waAuthKeys.type, type), inArray(waAuthKeys.id, part)));
      for (const r of rows) {
        let value = deserialise(r.data);
        // Baileys expects a protobuf object here, not the plain JSON (as its own file store does).
        if (type === 'app-state-sync-key' && value) {
          value = proto.Message.AppStateSyncKeyData.fromObject(value as Record<string, unknown>);
        }
        result[r.id] = value as SignalDataTypeMap[T];
      }
    }
    return result;
  }

  async function setKeys(data: SignalDataSet): Promise<void> {
    const upserts: { session: string; type: string; id: string; data: string }[] = [];
    const deletes = new Map<string, string[]>();
    for (const type of Object.keys(data) as KeyType[]) {
      for (const [id, value] of Object.entries(data[type] ?? {})) {
        if (value === null || value === undefined) {
          deletes.set(type, [...(deletes.get(type) ?? []), id]);
        } else {
          upserts.push({ session, type, id, data: serialise(value) });
        }
      }
    }
    if (upserts.length === 0 && deletes.size === 0) return;
    // One transaction: a half-applied key update (new session, old pre-key) breaks decryption.
    await db.transaction(async (tx) => {
      for (const part of chunks(upserts)) {
        await tx
          .insert(waAuthKeys)
          .values(part)
          .onConflictDoUpdate({
            target: [waAuthKeys.session, waAuthKeys.type, waAuthKeys.id],
            set: { data: sql`excluded.data` },
          });
      }
      for (const [type, ids] of deletes) {
        for (const part of chunks(ids)) {
          await tx
            .delete(waAuthKeys)
            .where(and(eq(waAuthKeys.session, session), eq(waAuthKeys.type, type), inArray(waAuthKeys.id, part)));
        }
      }
    });
  }

  async function clearKeys(): Promise<void> {
    await db.delete(waAuthKeys).where(eq(waAuthKeys.session, session));
  }

  const state: AuthenticationState = {
    creds,
    keys: { get: getKeys, set: setKeys, clear: clearKeys },
  };

  // creds.update fires in bursts; chaining keeps an older snapshot from committing after a newer one.
  let saving: Promise<void> = Promise.resolve();
  function saveCreds(): Promise<void> {
    const run = async () => {
      const data = serialise(state.creds);
      await db
        .insert(waAuthCreds)
        .values({ session, data })
        .onConflictDoUpdate({ target: waAuthCreds.session, set: { data, updatedAt: sql`now()` } });
    };
    const next = saving.then(run, run);
    saving = next.catch(() => {});
    return next;
  }

  async function clear(): Promise<void> {
    // Wait for pending saves, or one could re-create the creds row after the delete.
    await saving;
    await db.transaction(async (tx) => {
      await tx.delete(waAuthKeys).where(eq(waAuthKeys.session, session));
      await tx.delete(waAuthCreds).where(eq(waAuthCreds.session, session));
    });
    // Fresh identity for the next pairing; the next socket reads state.creds when it is made.
    state.creds = initAuthCreds();
  }

  return { state, saveCreds, clear };
}
