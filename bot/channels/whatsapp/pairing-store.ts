import type { Redis } from 'ioredis';
import type { WhatsAppStatus } from './connection.js';

/**
 * The socket lives in a worker process; admins pair from the web app. The
 * current pairing QR (short-lived by nature) and the connection status are
 * shared through Redis. The QR is a pairing secret: it expires quickly and is
 * only shown to admins.
 */
const QR_TTL_S = 120;

export interface PairingState {
  status: WhatsAppStatus | 'not_running';
  qr: string | null;
}

export function createPairingStore(redis: Redis, prefix: string, session: string) {
  const key = (what: string) => `${prefix}:wa:${session}:${what}`;
  return {
    async setQr(qr: string | null) {
      if (qr) await redis.set(key('qr'), qr, 'EX', QR_TTL_S);
      else await redis.del(key('qr'));
    },
    async setStatus(status: WhatsAppStatus) {
      // Expires unless refreshed, so a dead worker does not leave "open" behind forever.
      await redis.set(key('status'), status, 'EX', 24 * 3600);
    },
    async read(): Promise<PairingState> {
      const [status, qr] = await Promise.all([redis.get(key('status')), redis.get(key('qr'))]);
      return { status: (status as WhatsAppStatus | null) ?? 'not_running', qr };
    },
  };
}
export type PairingStore = ReturnType<typeof createPairingStore>;
