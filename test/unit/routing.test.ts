import { describe, expect, it } from 'vitest';
import { decideRoute, type RoutingCandidate, type RoutingFacts } from '../../core/routing.js';

const NOW = new Date('2026-11-24T10:00:00Z');
const LATER = new Date('2026-11-27T16:00:00Z');
const EARLIER = new Date('2026-11-20T16:00:00Z');

const cm = (id: string, openConversations = 0, available = true, over: Partial<RoutingCandidate> = {}): RoutingCandidate => ({
  id,
  role: 'casemanager',
  available,
  absentUntil: null,
  delegateId: null,
  openConversations,
  ...over,
});
const away = (id: string, delegateId: string | null, openConversations = 0) =>
  cm(id, openConversations, true, { absentUntil: LATER, delegateId });
const route = (f: Omit<RoutingFacts, 'now'> & { now?: Date }) => decideRoute({ now: NOW, ...f });

describe('decideRoute', () => {
  it('keeps the coach the youngster already talks with (sticky), even over the card coach', () => {
    const d = route({ currentAssigneeId: 'b', cardCasemanagerId: 'a', team: [cm('a'), cm('b', 40)] });
    expect(d).toEqual({ assigneeId: 'b', reason: 'sticky' });
  });

  it('uses the card casemanager for a new conversation', () => {
    const d = route({ currentAssigneeId: null, cardCasemanagerId: 'a', team: [cm('a', 30), cm('b', 1)] });
    expect(d).toEqual({ assigneeId: 'a', reason: 'card' });
  });

  it('skips an assignee who is no longer available and falls back to the card coach', () => {
    const d = route({ currentAssigneeId: 'b', cardCasemanagerId: 'a', team: [cm('a'), cm('b', 0, false)] });
    expect(d).toEqual({ assigneeId: 'a', reason: 'card' });
  });

  it('ignores a card coach who is not in the serving team', () => {
    const d = route({ currentAssigneeId: null, cardCasemanagerId: 'elsewhere', team: [cm('a', 3), cm('b', 2)] });
    expect(d).toEqual({ assigneeId: 'b', reason: 'least_loaded' });
  });

  it('picks the available casemanager with the fewest open conversations, ties broken by id', () => {
    const team = [cm('c', 2), cm('b', 1), cm('a', 1), cm('d', 0, false)];
    expect(route({ currentAssigneeId: null, cardCasemanagerId: null, team })).toEqual({
      assigneeId: 'a',
      reason: 'least_loaded',
    });
  });

  it('never routes by load to a coordinator; nobody available means the unassigned queue', () => {
    const team: RoutingCandidate[] = [{ ...cm('k'), role: 'coordinator' }, cm('a', 0, false)];
    expect(route({ currentAssigneeId: null, cardCasemanagerId: null, team })).toEqual({
      assigneeId: null,
      reason: 'unassigned',
    });
    expect(route({ currentAssigneeId: null, cardCasemanagerId: null, team: [] }).reason).toBe('unassigned');
  });
});

describe('decideRoute during absence', () => {
  it("sends an absent sticky coach's conversation to their delegate", () => {
    const d = route({ currentAssigneeId: 'a', cardCasemanagerId: 'a', team: [away('a', 'c'), cm('b', 0), cm('c', 9)] });
    expect(d).toEqual({ assigneeId: 'c', reason: 'delegate' });
  });

  it("sends a new conversation of an absent card coach to their delegate, also a coordinator", () => {
    const team = [away('a', 'k'), cm('b', 0), { ...cm('k', 5), role: 'coordinator' as const }];
    expect(route({ currentAssigneeId: null, cardCasemanagerId: 'a', team })).toEqual({ assigneeId: 'k', reason: 'delegate' });
  });

  it('falls back to the card coach when the sticky coach is absent without a usable delegate', () => {
    const team = [away('a', null), cm('b', 7), cm('c', 0)];
    expect(route({ currentAssigneeId: 'a', cardCasemanagerId: 'b', team })).toEqual({ assigneeId: 'b', reason: 'card' });
  });

  it('falls back to least-loaded when the delegate is absent, inactive or outside the team (no chains)', () => {
    for (const delegate of [away('d', 'b'), cm('d', 0, false)]) {
      const team = [away('a', 'd'), delegate, cm('b', 4), cm('c', 2)];
      expect(route({ currentAssigneeId: null, cardCasemanagerId: 'a', team })).toEqual({ assigneeId: 'c', reason: 'least_loaded' });
    }
    const outside = [away('a', 'elsewhere'), cm('b', 4), cm('c', 2)];
    expect(route({ currentAssigneeId: null, cardCasemanagerId: 'a', team: outside }).reason).toBe('least_loaded');
  });

  it('never picks an absent casemanager by load, and the delegate of a deactivated coach does not count', () => {
    const team = [away('a', null, 0), cm('b', 3), cm('gone', 0, false, { absentUntil: LATER, delegateId: 'z' }), cm('z', 9)];
    expect(route({ currentAssigneeId: 'gone', cardCasemanagerId: null, team })).toEqual({ assigneeId: 'b', reason: 'least_loaded' });
    expect(route({ currentAssigneeId: null, cardCasemanagerId: null, team: [away('a', null)] })).toEqual({
      assigneeId: null,
      reason: 'unassigned',
    });
  });

  it('treats an absence as over from its end moment on (exclusive)', () => {
    const team = [cm('a', 0, true, { absentUntil: EARLIER, delegateId: 'b' }), cm('b')];
    expect(route({ currentAssigneeId: 'a', cardCasemanagerId: null, team })).toEqual({ assigneeId: 'a', reason: 'sticky' });
    const endsNow = [cm('a', 0, true, { absentUntil: NOW, delegateId: 'b' }), cm('b')];
    expect(route({ currentAssigneeId: 'a', cardCasemanagerId: null, team: endsNow }).reason).toBe('sticky');
    const justBefore = new Date(NOW.getTime() - 1);
    expect(route({ currentAssigneeId: 'a', cardCasemanagerId: null, team: endsNow, now: justBefore })).toEqual({
      assigneeId: 'b',
      reason: 'delegate',
    });
  });

  it('decides the same whatever the order of the team list', () => {
    const team = [away('a', null), cm('c', 1), cm('b', 1), cm('d', 1)];
    const first = route({ currentAssigneeId: 'a', cardCasemanagerId: null, team });
    const reversed = route({ currentAssigneeId: 'a', cardCasemanagerId: null, team: [...team].reverse() });
    expect(first).toEqual({ assigneeId: 'b', reason: 'least_loaded' });
    expect(reversed).toEqual(first);
  });
});
