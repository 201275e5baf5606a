import { describe, expect, it } from 'vitest';
import { IllegalTransitionError } from '../../core/errors.js';
import {
  assertTransition,
  canTransition,
  INITIAL_STATUS,
  MESSAGE_STATUSES,
  MOVES,
  RETRYABLE,
  TRANSITIONS,
  type MessageStatus,
} from '../../core/message-lifecycle.js';
import { messageStatus } from '../../db/schema/index.js';

/**
 * The rules of a message's life, written out once more by hand: a change to
 * core/message-lifecycle.ts that is not also a change here is caught.
 */
const ALLOWED: readonly `${MessageStatus}->${MessageStatus}`[] = [
  'received->routed',
  'queued->sending',
  'queued->cancelled',
  'sending->sent',
  'sending->failed',
  'sending->cancelled',
  'sending->queued',
  'sending->in_doubt',
  'failed->queued',
  'in_doubt->sent',
  'in_doubt->failed',
  'in_doubt->queued',
];

const pairs = MESSAGE_STATUSES.flatMap((from) => MESSAGE_STATUSES.map((to) => ({ from, to, allowed: ALLOWED.includes(`${from}->${to}`) })));
const ID = '00000000-0000-4000-8000-00000000abcd';

describe('the message lifecycle table', () => {
  it('is the database enum, in the same order', () => {
    expect(messageStatus.enumValues).toEqual([...MESSAGE_STATUSES]);
  });

  it.each(pairs)('$from -> $to: allowed $allowed', ({ from, to, allowed }) => {
    expect(canTransition(from, to)).toBe(allowed);
    if (allowed) {
      expect(() => assertTransition(ID, from, to)).not.toThrow();
      return;
    }
    let thrown: unknown;
    try {
      assertTransition(ID, from, to, 'the test');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(IllegalTransitionError);
    expect(thrown).toMatchObject({ name: 'IllegalTransitionError', messageId: ID, from, to, expected: 'the test' });
    expect((thrown as Error).message).toBe(`message ${ID}: ${from} -> ${to} refused (expected the test)`);
  });

  it('refuses any move of a row that is gone', () => {
    for (const to of MESSAGE_STATUSES) {
      expect(() => assertTransition(ID, 'absent', to)).toThrow(IllegalTransitionError);
    }
  });

  it('has a named move for every allowed pair, and no move outside the table', () => {
    const moved = new Set(Object.values(MOVES).flatMap((m) => m.from.map((from) => `${from}->${m.to}`)));
    expect([...moved].sort()).toEqual([...ALLOWED].sort());
    for (const m of Object.values(MOVES)) for (const from of m.from) expect(canTransition(from, m.to)).toBe(true);
  });

  it('lets a row start only where the lifecycle begins, and only final rows have no way on', () => {
    expect(INITIAL_STATUS).toEqual({ in: ['received', 'routed'], out: ['queued'] });
    const final = MESSAGE_STATUSES.filter((s) => TRANSITIONS[s].length === 0);
    expect(final.sort()).toEqual(['cancelled', 'routed', 'sent']);
    expect([...RETRYABLE].sort()).toEqual(['failed', 'in_doubt']);
  });
});
