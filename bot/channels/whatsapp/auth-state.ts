import {
  BufferJSON,
  initAuthCreds,
  proto,
  type AuthenticationCreds,
  type AuthenticationState,
  type SignalDataSet,
  type SignalDataTypeMap,
} from '@whiskeysockets/baileys';
import type { Db } from '../../../db/client.js';
import { deleteKeys, deleteSession, readCreds, readKeys, writeCreds, writeKeys, type KeyValue } from '../../../db/queries/whatsapp-auth.js';

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

const serialise = (value: unknown): string => JSON.stringify(value, BufferJSON.replacer);
const deserialise = (text: string): unknown => JSON.parse(text, BufferJSON.reviver);

export async function usePostgresAuthState(db: Db, session: string): Promise<PostgresAuthState> {
  const stored = await readCreds(db, session);
  const creds = stored !== null ? (deserialise(stored) as AuthenticationCreds) : initAuthCreds();

  async function getKeys<T extends KeyType>(type: T, ids: string[]): Promise<{ [id: string]: SignalDataTypeMap[T] }> {
    const result: { [id: string]: SignalDataTypeMap[T] } = {};
    for (const r of await readKeys(db, session, type, ids)) {
      let value = deserialise(r.data);
      // Baileys expects a protobuf object here, not the plain JSON (as its own file store does).
      if (type === 'app-state-sync-key' && value) {
        value = proto.Message.AppStateSyncKeyData.fromObject(value as Record<string, unknown>);
      }
      result[r.id] = value as SignalDataTypeMap[T];
    }
    return result;
  }

  async function setKeys(data: SignalDataSet): Promise<void> {
    const upserts: KeyValue[] = [];
    const deletes: { type: string; ids: string[] }[] = [];
    for (const type of Object.keys(data) as KeyType[]) {
      const gone: string[] = [];
      for (const [id, value] of Object.entries(data[type] ?? {})) {
        if (value === null || value === undefined) gone.push(id);
        else upserts.push({ type, id, data: serialise(value) });
      }
      if (gone.length) deletes.push({ type, ids: gone });
    }
    await writeKeys(db, session, { upserts, deletes });
  }

  async function clearKeys(): Promise<void> {
    await deleteKeys(db, session);
  }

  const state: AuthenticationState = {
    creds,
    keys: { get: getKeys, set: setKeys, clear: clearKeys },
  };

  // creds.update fires in bursts; chaining keeps an older snapshot from committing after a newer one.
  let saving: Promise<void> = Promise.resolve();
  function saveCreds(): Promise<void> {
    const run = () => writeCreds(db, session, serialise(state.creds));
    const next = saving.then(run, run);
    saving = next.catch(() => {});
    return next;
  }

  async function clear(): Promise<void> {
    // Wait for pending saves, or one could re-create the creds row after the delete.
    await saving;
    await deleteSession(db, session);
    // Fresh identity for the next pairing; the next socket reads state.creds when it is made.
    state.creds = initAuthCreds();
  }

  return { state, saveCreds, clear };
}
