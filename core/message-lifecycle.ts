import { IllegalTransitionError } from './errors.js';

/**
 * The life of a message, in one place. What a status means, which status may
 * follow which, and the named moves the rest of Lijntje makes. The database
 * side (db/queries/messages.ts, the only writer of the messages table) turns
 * every move into a guarded UPDATE ... WHERE status = ANY(<the move's from>);
 * this file is pure, so the rules can be read and tested without a database.
 *
 * Incoming (from a youngster): received -> routed.
 * Outgoing (the outbox): queued -> sending -> sent, or
 *   failed     - gave up (a permanent error, or the last attempt),
 *   cancelled  - must not go (the recipient opted out, never wrote first, has no channel),
 *   in_doubt   - handed to the platform, then the worker went silent: nobody can
 *                know whether it arrived, so it is never resent without a person.
 */
export const MESSAGE_STATUSES = ['received', 'routed', 'queued', 'sending', 'sent', 'failed', 'cancelled', 'in_doubt'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** Which status may follow which. Anything not listed is an IllegalTransitionError. */
export const TRANSITIONS = {
  received: ['routed'],
  routed: [],
  queued: [
    'sending', // a delivery worker claimed it
    'cancelled', // the recipient opted out while it waited
  ],
  sending: [
    'sent',
    'failed',
    'cancelled', // a gate refused it right before the platform call
    'queued', // back in line: rate limited, a transient error, or a dead worker's claim that never left
    'in_doubt', // handed over, and the worker never said how it went
  ],
  sent: [],
  failed: ['queued'], // a person sends it again
  cancelled: [],
  in_doubt: [
    'sent', // the worker's word came late after all
    'failed',
    'queued', // a person sends it again
  ],
} as const satisfies Record<MessageStatus, readonly MessageStatus[]>;

/** The statuses a message may leave towards `To`. */
export type FromFor<To extends MessageStatus> = {
  [F in MessageStatus]: To extends (typeof TRANSITIONS)[F][number] ? F : never;
}[MessageStatus];

export function canTransition(from: MessageStatus, to: MessageStatus): boolean {
  return (TRANSITIONS[from] as readonly MessageStatus[]).includes(to);
}

/**
 * Throws IllegalTransitionError unless the table allows `from -> to`; `absent`
 * is a row that no longer exists. `expected` says what the caller relied on.
 */
export function assertTransition(messageId: string, from: MessageStatus | 'absent', to: MessageStatus, expected?: string): void {
  if (from === 'absent' || !canTransition(from, to)) throw new IllegalTransitionError(messageId, from, to, expected);
}

/** One named move: the statuses it leaves from (checked against the table by the compiler) and where it goes. */
export interface Move<To extends MessageStatus = MessageStatus> {
  readonly from: readonly FromFor<To>[];
  readonly to: To;
}
function move<To extends MessageStatus>(to: To, from: readonly FromFor<To>[]): Move<To> {
  return { from, to };
}

/**
 * Every status change Lijntje makes. A move may be narrower than the table
 * (a worker requeues only its own claim, never a failed row); the union of
 * the moves is exactly the table (test/unit/message-lifecycle.test.ts).
 */
export const MOVES = {
  /** The routing worker gave the conversation an owner. */
  route: move('routed', ['received']),
  /** A delivery worker takes the head of a contact's line. */
  claim: move('sending', ['queued']),
  /** The platform took it; from in_doubt when the worker's answer comes after the sweeper gave up on it. */
  send: move('sent', ['sending', 'in_doubt']),
  fail: move('failed', ['sending', 'in_doubt']),
  /** A gate (opt-out, never wrote first, no channel) refused the worker's own claim. */
  refuse: move('cancelled', ['sending']),
  /** The worker's own claim goes back in line (rate limit, transient error), or the sweeper's for a dead worker. */
  requeue: move('queued', ['sending']),
  /** The sweeper: handed over long ago, no word since. */
  doubt: move('in_doubt', ['sending']),
  /** "Opnieuw versturen": a person decided it should go (again). */
  retry: move('queued', ['failed', 'in_doubt']),
  /** The recipient opted out: what still waits for them will not go. */
  cancelWaiting: move('cancelled', ['queued']),
} as const;

/** What a new row starts as: a youngster's message is received (or routed at once); ours wait in line. */
export const INITIAL_STATUS = { in: ['received', 'routed'], out: ['queued'] } as const satisfies Record<'in' | 'out', readonly MessageStatus[]>;

/** Statuses a person can send again ("Opnieuw versturen"). */
export const RETRYABLE: readonly MessageStatus[] = MOVES.retry.from;
