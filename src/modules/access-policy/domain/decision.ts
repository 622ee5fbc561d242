/**
 * Why the access-policies work narrows an allowed answer (IP allow-lists, time windows,
 * MFA). Declared here so that work adds stages, not reason types: each stage answers one
 * of these or nothing (see DecisionNarrowing).
 */
export const POLICY_DENIALS = ['ip_restricted', 'outside_access_window', 'mfa_required'] as const;
export type PolicyDenial = (typeof POLICY_DENIALS)[number];

/** Every answer of the decision API's `reason`, the allowing one first. */
export const DECISION_REASONS = ['granted', 'no_rule', 'expired_grant', 'inactive_user', ...POLICY_DENIALS] as const;
export type DecisionReason = (typeof DECISION_REASONS)[number];

/** Where a rule of a user's ability came from; `explain` names it. */
export type RuleSource =
  | { source: 'role'; role: string; custom: boolean; permission: string }
  | { source: 'team_lead'; teamId: string }
  | { source: 'grant'; grantId: string; resourceId: string; principal: { type: 'user' | 'team' | 'role'; id: string }; actions: string[]; expiresAt: string | null }
  | { source: 'policy'; policy: 'ipAllowlist' | 'accessWindows' | 'breakGlassUsers' | 'mfa'; indexes: number[]; description: string };

export interface Decision {
  allowed: boolean;
  reason: DecisionReason;
  /** The rules that decided: the allowing one, or the expired grants that would have. */
  rules: RuleSource[];
}

/** What is asked about: a resource type, and one resource by our id or the service's own. */
export interface DecisionTarget {
  action: string;
  resource: { type: string; id?: string; externalId?: string };
}
