/**
 * Who gets a conversation. Pure: the routing worker gathers the facts from the
 * database, this decides, and the worker records the decision with its reason.
 *
 * Order (domain: "if there is a click, keep that coach"):
 *   1. sticky     - the casemanager the youngster already talks with
 *   2. card       - the casemanager on the card they scanned
 *   3. least-load - the available team member with the fewest open conversations
 *   4. unassigned - nobody available: the team's coordinator queue
 * A candidate only counts when they are an active member of the team that serves
 * the youngster's municipality (a transferred or deactivated coach is skipped).
 */
export type RoutingReason = 'sticky' | 'card' | 'least_loaded' | 'unassigned';

export interface RoutingCandidate {
  id: string;
  role: 'casemanager' | 'coordinator' | 'admin';
  /** Active account in the serving team and not absent. */
  available: boolean;
  openConversations: number;
}

export interface RoutingFacts {
  currentAssigneeId: string | null;
  cardCasemanagerId: string | null;
  team: RoutingCandidate[];
}

export interface RoutingDecision {
  assigneeId: string | null;
  reason: RoutingReason;
}

export function decideRoute(facts: RoutingFacts): RoutingDecision {
  const byId = new Map(facts.team.map((m) => [m.id, m]));
  const usable = (id: string | null): id is string => id !== null && byId.get(id)?.available === true;

  if (usable(facts.currentAssigneeId)) return { assigneeId: facts.currentAssigneeId, reason: 'sticky' };
  if (usable(facts.cardCasemanagerId)) return { assigneeId: facts.cardCasemanagerId, reason: 'card' };

  const casemanagers = facts.team
    .filter((m) => m.available && m.role === 'casemanager')
    // Ties broken by id so two workers deciding at once pick the same person.
    .sort((a, b) => a.openConversations - b.openConversations || a.id.localeCompare(b.id));
  const pick = casemanagers[0];
  if (pick) return { assigneeId: pick.id, reason: 'least_loaded' };
  return { assigneeId: null, reason: 'unassigned' };
}
