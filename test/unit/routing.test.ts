import { describe, expect, it } from 'vitest';
import { decideRoute, type RoutingCandidate } from '../../core/routing.js';

const cm = (id: string, openConversations = 0, available = true): RoutingCandidate => ({
  id,
  role: 'casemanager',
  available,
  openConversations,
});

describe('decideRoute', () => {
  it('keeps the coach the youngster already talks with (sticky), even over the card coach', () => {
    const d = decideRoute({ currentAssigneeId: 'b', cardCasemanagerId: 'a', team: [cm('a'), cm('b', 40)] });
    expect(d).toEqual({ assigneeId: 'b', reason: 'sticky' });
  });

  it('uses the card casemanager for a new conversation', () => {
    const d = decideRoute({ currentAssigneeId: null, cardCasemanagerId: 'a', team: [cm('a', 30), cm('b', 1)] });
    expect(d).toEqual({ assigneeId: 'a', reason: 'card' });
  });

  it('skips an assignee who is no longer available and falls back to the card coach', () => {
    const d = decideRoute({ currentAssigneeId: 'b', cardCasemanagerId: 'a', team: [cm('a'), cm('b', 0, false)] });
    expect(d).toEqual({ assigneeId: 'a', reason: 'card' });
  });

  it('ignores a card coach who is not in the serving team', () => {
    const d = decideRoute({ currentAssigneeId: null, cardCasemanagerId: 'elsewhere', team: [cm('a', 3), cm('b', 2)] });
    expect(d).toEqual({ assigneeId: 'b', reason: 'least_loaded' });
  });

  it('picks the available casemanager with the fewest open conversations, ties broken by id', () => {
    const team = [cm('c', 2), cm('b', 1), cm('a', 1), cm('d', 0, false)];
    expect(decideRoute({ currentAssigneeId: null, cardCasemanagerId: null, team })).toEqual({
      assigneeId: 'a',
      reason: 'least_loaded',
    });
  });

  it('never routes by load to a coordinator; nobody available means the unassigned queue', () => {
    const team: RoutingCandidate[] = [{ id: 'k', role: 'coordinator', available: true, openConversations: 0 }, cm('a', 0, false)];
    expect(decideRoute({ currentAssigneeId: null, cardCasemanagerId: null, team })).toEqual({
      assigneeId: null,
      reason: 'unassigned',
    });
    expect(decideRoute({ currentAssigneeId: null, cardCasemanagerId: null, team: [] }).reason).toBe('unassigned');
  });
});
