/**
 * Who gets a conversation. Pure: the routing worker gathers the facts from the
 * database, this decides, and the worker records the decision with its reason.
 *
 * Order (domain: "if there is a click, keep that coach"):
 *   1. sticky     - the casemanager the youngster already talks with
 *   2. delegate   - ... or, while that person is absent, the colleague they named
 *   3. card       - the casemanager on the card they scanned
 *   4. delegate   - ... or, while that person is absent, the colleague they named
 *   5. least-load - the available casemanager with the fewest open conversations
 *   6. unassigned - nobody available: the team's coordinator queue
 * A candidate only counts when they are an active member of the team that serves
 * the youngster's municipality (a transferred or deactivated coach is skipped),
 * and is not absent at `now`. A delegate who is absent too does not pass the
 * conversation on again: no chains, so the outcome is easy to explain.
 */
export type RoutingReason = 'sticky' | 'card' | 'delegate' | 'least_loaded' | 'unassigned';

export interface RoutingCandidate {
  id: string;
  role: 'casemanager' | 'coordinator' | 'admin';
  /** Active account in the serving team. Absence is judged separately, against `now`. */
  available: boolean;
  /** Away until this moment (exclusive); null when not absent. */
  absentUntil: Date | null;
  /** Who takes over this person's conversations while they are absent. */
  delegateId: string | null;
  openConversations: number;
}

export interface RoutingFacts {
  currentAssigneeId: string | null;
  cardCasemanagerId: string | null;
  team: RoutingCandidate[];
  now: Date;
}

export interface RoutingDecision {
  assigneeId: string | null;
  reason: RoutingReason;
}

export function isAbsent(c: Pick<RoutingCandidate, 'absentUntil'>, now: Date): boolean {
  return c.absentUntil !== null && c.absentUntil.getTime() > now.getTime();
}

export function decideRoute(facts: RoutingFacts): RoutingDecision {
  const byId = new Map(facts.team.map((m) => [m.id, m]));
  const usable = (id: string | null): id is string => {
    const m = id === null ? undefined : byId.get(id);
    return m !== undefined && m.available && !isAbsent(m, facts.now);
  };
  /** The delegate of a team member who is away right now (not of one who left or was deactivated). */
  const delegateOf = (id: string | null): string | null => {
    const m = id === null ? undefined : byId.get(id);
    if (!m || !m.available || !isAbsent(m, facts.now)) return null;
    return usable(m.delegateId) ? m.delegateId : null;
  };

  for (const [id, reason] of [
    [facts.currentAssigneeId, 'sticky'],
    [facts.cardCasemanagerId, 'card'],
  ] as const) {
    if (usable(id)) return { assigneeId: id, reason };
    const delegate = delegateOf(id);
    if (delegate) return { assigneeId: delegate, reason: 'delegate' };
  }

  const casemanagers = facts.team
    .filter((m) => m.role === 'casemanager' && usable(m.id))
    // Ties broken by id so two workers deciding at once pick the same person.
    .sort((a, b) => a.openConversations - b.openConversations || a.id.localeCompare(b.id));
  const pick = casemanagers[0];
  if (pick) return { assigneeId: pick.id, reason: 'least_loaded' };
  return { assigneeId: null, reason: 'unassigned' };
}
