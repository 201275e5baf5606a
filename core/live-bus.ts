import type { Redis } from 'ioredis';

/**
 * Live notifications between processes over Redis pub/sub: a worker says
 * "message X arrived in conversation Y", the web process that holds the SSE
 * connection reloads X from PostgreSQL (with the viewer's scope) and pushes it.
 * Payloads carry ids only; losing one only delays the screen until the next
 * reload, never loses a message (PostgreSQL is the source of truth).
 */
export interface InboxSignal {
  /** message: a message arrived or changed; conversation: its state changed (assignee, status, urgent); note: only a note was added. */
  kind: 'message' | 'conversation' | 'note';
  conversationId: string;
  municipalityId: string;
  messageId?: string;
  /** An internal or handover note that was added (kind 'note', or with a transfer). */
  noteId?: string;
}
export interface WebchatSignal {
  messageId: string;
}
/** The municipalities these teams serve changed: their open inbox streams must re-read their scope. */
export interface ScopeSignal {
  teamIds: string[];
}

export interface LiveBus {
  publishInbox(signal: InboxSignal): Promise<void>;
  publishWebchat(contactId: string, signal: WebchatSignal): Promise<void>;
  onInbox(handler: (s: InboxSignal) => void): () => void;
  onWebchat(contactId: string, handler: (s: WebchatSignal) => void): () => void;
  publishScope(signal: ScopeSignal): Promise<void>;
  onScope(handler: (s: ScopeSignal) => void): () => void;
  close(): Promise<void>;
}

export function createLiveBus(opts: { publisher: Redis; subscriber?: Redis; prefix: string }): LiveBus {
  const inboxChannel = `${opts.prefix}:live:inbox`;
  const webchatChannel = (contactId: string) => `${opts.prefix}:live:webchat:${contactId}`;
  const scopeChannel = `${opts.prefix}:live:scope`;
  const handlers = new Map<string, Set<(payload: unknown) => void>>();
  const sub = opts.subscriber;

  sub?.on('message', (channel: string, raw: string) => {
    let payload: unknown;
    try {
      payload = JSON.parse(raw);
    } catch {
      return;
    }
    for (const h of handlers.get(channel) ?? []) h(payload);
  });

  function listen(channel: string, handler: (payload: unknown) => void): () => void {
    if (!sub) throw new Error('This live bus was built without a subscriber connection');
    let set = handlers.get(channel);
    if (!set) {
      set = new Set();
      handlers.set(channel, set);
      void sub.subscribe(channel);
    }
    set.add(handler);
    return () => {
      set.delete(handler);
      if (set.size === 0) {
        handlers.delete(channel);
        void sub.unsubscribe(channel).catch(() => {});
      }
    };
  }

  return {
    async publishInbox(signal) {
      await opts.publisher.publish(inboxChannel, JSON.stringify(signal));
    },
    async publishWebchat(contactId, signal) {
      await opts.publisher.publish(webchatChannel(contactId), JSON.stringify(signal));
    },
    onInbox: (handler) => listen(inboxChannel, handler as (p: unknown) => void),
    onWebchat: (contactId, handler) => listen(webchatChannel(contactId), handler as (p: unknown) => void),
    async publishScope(signal) {
      await opts.publisher.publish(scopeChannel, JSON.stringify(signal));
    },
    onScope: (handler) => listen(scopeChannel, handler as (p: unknown) => void),
    async close() {
      handlers.clear();
    },
  };
}
