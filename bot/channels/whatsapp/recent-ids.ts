/**
 * A bounded set of recently handled WhatsApp message ids. Baileys can emit the
 * same message twice (reconnect, retry receipts); this in-memory filter stops
 * the cheap duplicates. It is deliberately small and forgets on restart: the
 * durable de-duplication is downstream, on the stored externalMessageId.
 */
export interface RecentIds {
  has(id: string): boolean;
  add(id: string): void;
  readonly size: number;
}

export function createRecentIds(capacity = 5_000): RecentIds {
  if (capacity < 1) throw new Error('capacity must be at least 1');
  // A Set iterates in insertion order, so its first entry is the oldest.
  const ids = new Set<string>();
  return {
    has: (id) => ids.has(id),
    add(id) {
      // Re-adding moves an id to the young end, so busy ids are evicted last.
      ids.delete(id);
      ids.add(id);
      if (ids.size > capacity) {
        const oldest = ids.values().next().value;
        if (oldest !== undefined) ids.delete(oldest);
      }
    },
    get size() {
      return ids.size;
    },
  };
}
