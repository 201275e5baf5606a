import type { Redis } from 'ioredis';
import { sealKey, seal, unseal } from '../../core/seal.js';
import { newSecret } from '../../core/tokens.js';

/**
 * An uploaded list between its preview and the coordinator's "import": it is
 * personal data, so nothing goes into the database before they confirm. It
 * waits in Redis, sealed with SECRET_KEY (AES-GCM), bound to the staff
 * member who uploaded it, for half an hour. After the import only the
 * rejected rows stay (sealed, a day) for the "download rejected rows" link.
 */
export interface UploadState {
  staffId: string;
  teamId: string;
  listMonth: string;
  baseline: boolean;
  mapping: Record<string, string> | null;
  /** Row number -> casemanager id, as the coordinator chose in the preview. */
  assign: Record<number, string>;
  /** Held-back rows (moved after an opt-out?) the coordinator chose to approach anyway. */
  approveHeldBack?: number[];
  file: string; // base64
}

const UPLOAD_TTL_S = 30 * 60;
const REJECTED_TTL_S = 24 * 3600;

export function createListUploads(deps: { redis: Redis; prefix: string; secretKey: string }) {
  const key = sealKey(deps.secretKey, 'list-upload');
  const uploadKey = (id: string) => `${deps.prefix}:list-upload:${id}`;
  const rejectedKey = (importId: string) => `${deps.prefix}:list-rejected:${importId}`;

  return {
    async put(state: UploadState): Promise<string> {
      const id = newSecret(18);
      await deps.redis.set(uploadKey(id), seal(key, JSON.stringify(state)), 'EX', UPLOAD_TTL_S);
      return id;
    },
    async update(id: string, state: UploadState): Promise<void> {
      await deps.redis.set(uploadKey(id), seal(key, JSON.stringify(state)), 'EX', UPLOAD_TTL_S);
    },
    /** Only for the one who uploaded it; anything else is "gone" (expired, someone else's, tampered). */
    async get(id: string, staffId: string): Promise<UploadState | null> {
      if (!/^[A-Za-z0-9_-]{16,64}$/.test(id)) return null;
      const sealed = await deps.redis.get(uploadKey(id));
      if (!sealed) return null;
      try {
        const state = JSON.parse(unseal(key, sealed)) as UploadState;
        return state.staffId === staffId ? state : null;
      } catch {
        return null;
      }
    },
    async drop(id: string): Promise<void> {
      await deps.redis.del(uploadKey(id));
    },
    async putRejected(importId: string, csv: string): Promise<void> {
      await deps.redis.set(rejectedKey(importId), seal(key, csv), 'EX', REJECTED_TTL_S);
    },
    async getRejected(importId: string): Promise<string | null> {
      const sealed = await deps.redis.get(rejectedKey(importId));
      if (!sealed) return null;
      try {
        return unseal(key, sealed);
      } catch {
        return null;
      }
    },
  };
}
export type ListUploads = ReturnType<typeof createListUploads>;
