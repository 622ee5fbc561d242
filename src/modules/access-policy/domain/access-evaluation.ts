import { applicableWindows, isInsideWindow } from './access-windows';
import { applicableIpRules, matchingRules } from './ip-allowlist';
import type { PolicyDocument } from './policy-document';

/** Why the organization's policy refuses someone (the decision API's policy reasons). */
export type AccessRefusal = 'ip_restricted' | 'outside_access_window' | 'mfa_required';

/** A section of the policy document and the entries in it that decided. */
export interface PolicyRule {
  policy: 'ipAllowlist' | 'accessWindows' | 'breakGlassUsers' | 'mfa';
  indexes: number[];
}

export interface AccessSubject {
  userId: string;
  role: string;
  teamIds: readonly string[];
  /** The client address TRUST_PROXY allows; null when unknown (refused wherever an allow-list applies). */
  ip: string | null;
  now: Date;
  /** Left out where MFA is enforced by the sign-in itself (sign-in, refresh, requests). */
  mfaSatisfied?: boolean;
}

export interface AccessDecision {
  allowed: boolean;
  reason: AccessRefusal | null;
  /** What refused, or what let a break-glass user through; null when nothing restricts. */
  rule: PolicyRule | null;
  /** The entries the subject satisfied (the allow-list range, the open window). */
  passed: PolicyRule[];
  /** Set when a break-glass user passed restrictions that refuse everyone else. */
  breakGlass: { bypassed: AccessRefusal[] } | null;
}

/**
 * The organization's "where and when" (and MFA) verdict for one user at one instant.
 * IP: the allow-list entries that name the user's role or no role apply; with none there
 * is no restriction, otherwise the address must be in one of them. Windows: those naming
 * the user, their role or one of their teams, or no one, apply; with none there is no
 * restriction, otherwise the instant must fall in one of them. Break-glass users pass IP
 * and windows (and the caller records it); MFA binds them like everyone.
 */
export function evaluateAccessPolicy(policy: Pick<PolicyDocument, 'ipAllowlist' | 'accessWindows' | 'breakGlassUsers' | 'mfa'>, subject: AccessSubject): AccessDecision {
  const refusals: { reason: AccessRefusal; rule: PolicyRule }[] = [];
  const passed: PolicyRule[] = [];

  const ipRules = applicableIpRules(policy.ipAllowlist, subject.role);
  if (ipRules.length) {
    const matched = matchingRules(policy.ipAllowlist, subject.ip).filter((index) => ipRules.includes(index));
    if (matched.length) passed.push({ policy: 'ipAllowlist', indexes: matched });
    else refusals.push({ reason: 'ip_restricted', rule: { policy: 'ipAllowlist', indexes: ipRules } });
  }

  const windows = applicableWindows(policy.accessWindows, subject);
  if (windows.length) {
    const open = windows.filter((index) => isInsideWindow(policy.accessWindows[index], subject.now));
    if (open.length) passed.push({ policy: 'accessWindows', indexes: open });
    else refusals.push({ reason: 'outside_access_window', rule: { policy: 'accessWindows', indexes: windows } });
  }

  let breakGlass: AccessDecision['breakGlass'] = null;
  let rule: PolicyRule | null = null;
  if (refusals.length) {
    const entry = policy.breakGlassUsers.findIndex((id) => id.toLowerCase() === subject.userId.toLowerCase());
    if (entry < 0) return { allowed: false, reason: refusals[0].reason, rule: refusals[0].rule, passed, breakGlass: null };
    breakGlass = { bypassed: refusals.map((refusal) => refusal.reason) };
    rule = { policy: 'breakGlassUsers', indexes: [entry] };
  }

  if (subject.mfaSatisfied === false && policy.mfa.requiredForRoles.includes(subject.role)) {
    return { allowed: false, reason: 'mfa_required', rule: { policy: 'mfa', indexes: [] }, passed, breakGlass };
  }
  return { allowed: true, reason: null, rule, passed, breakGlass };
}

/** One sentence an administrator can act on, naming the rule that refused. */
export function describeRefusal(policy: Pick<PolicyDocument, 'ipAllowlist' | 'accessWindows'>, decision: AccessDecision, ip: string | null): string {
  const indexes = decision.rule?.indexes ?? [];
  switch (decision.reason) {
    case 'ip_restricted':
      return `the IP allow-list (${indexes.map((i) => `ipAllowlist[${i}] ${policy.ipAllowlist[i].cidr}`).join(', ')}) does not include ${ip ?? 'an unknown address'}`;
    case 'outside_access_window':
      return `no access window is open now (${indexes
        .map((i) => {
          const w = policy.accessWindows[i];
          return `accessWindows[${i}] days ${w.days.join(',')} ${w.start}-${w.end} ${w.timezone}`;
        })
        .join('; ')})`;
    case 'mfa_required':
      return 'the role requires two-factor authentication';
    case null:
      return 'nothing refuses';
  }
}
