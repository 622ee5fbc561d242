import type { AccessDecision, PolicyDocument } from '../../access-policy';
import type { InvitationState } from '../../users';

/** Something an administrator can do about a finding: a call to that endpoint. */
export interface Fix {
  action: string;
  method: 'POST' | 'PUT';
  href: string;
}

export type FindingCode =
  | 'account_deactivated'
  | 'account_removed'
  | 'invitation_pending'
  | 'invitation_expired'
  | 'invitation_revoked'
  | 'locked'
  | 'mfa_enrollment_required'
  | 'mfa_enrolled'
  | 'password_expired'
  | 'password_not_set'
  | 'sso_only'
  | 'ip_restricted'
  | 'ip_allowlist_applies'
  | 'outside_access_window'
  | 'break_glass';

export interface Finding {
  code: FindingCode;
  /** True when it keeps the user from signing in now; false for what they will meet, or may need. */
  blocking: boolean;
  message: string;
  details: Record<string, unknown>;
  fixes: Fix[];
}

export interface SignInDiagnosis {
  userId: string;
  canSignIn: boolean;
  checkedAt: string;
  /** The address the IP allow-list was judged for, if one was given. */
  ip: string | null;
  findings: Finding[];
}

export interface SignInFacts {
  user: { id: string; status: string; role: string; mfaEnabled: boolean; hasPassword: boolean; passwordChangedAt: Date | null; createdAt: Date };
  invitation: InvitationState | null;
  lock: { scope: string; retryAfterSeconds: number } | null;
  policy: PolicyDocument;
  /** The IP allow-list's verdict alone, for `ip` (an unknown address when none was given), as if no one were break-glass. */
  ipAccess: AccessDecision;
  /** The access windows' verdict alone at `now`, as if no one were break-glass. */
  windowAccess: AccessDecision;
  /** When an applicable window opens next, if the user is outside them all. */
  nextOpening: Date | null;
  ip: string | null;
  now: Date;
}

/**
 * Why a user can or cannot sign in right now, each cause with what an administrator can do
 * about it. Pure: the query handler gathers the facts from users, auth and access policy.
 */
export function diagnoseSignIn(facts: SignInFacts): SignInDiagnosis {
  const { user, policy, now } = facts;
  const users = `/api/v1/users/${user.id}`;
  const changePolicy: Fix = { action: 'change_policy', method: 'PUT', href: '/api/v1/policies' };
  const findings: Finding[] = [];
  const add = (code: FindingCode, blocking: boolean, message: string, fixes: Fix[], details: Record<string, unknown> = {}) =>
    findings.push({ code, blocking, message, details, fixes });
  const breakGlass = policy.breakGlassUsers.includes(user.id.toLowerCase());

  if (user.status === 'deactivated') add('account_deactivated', true, 'The account is deactivated', [{ action: 'reactivate', method: 'POST', href: `${users}/reactivate` }]);
  if (user.status === 'removed') add('account_removed', true, 'The account was removed; invite the person again', [{ action: 'invite', method: 'POST', href: '/api/v1/invitations' }]);
  if (user.status === 'invited') {
    const invitation = facts.invitation;
    const resend: Fix[] = invitation ? [{ action: 'resend_invitation', method: 'POST', href: `/api/v1/invitations/${invitation.id}/resend` }] : [];
    const details = invitation ? { invitationId: invitation.id, expiresAt: invitation.expiresAt.toISOString() } : {};
    if (invitation?.status === 'expired') add('invitation_expired', true, 'The invitation expired before it was accepted', resend, details);
    else if (invitation?.status === 'revoked') add('invitation_revoked', true, 'The invitation was revoked; invite the person again', [{ action: 'invite', method: 'POST', href: '/api/v1/invitations' }], details);
    else add('invitation_pending', true, 'The invitation has not been accepted yet', resend, details);
  }

  if (facts.lock) {
    const until = new Date(now.getTime() + facts.lock.retryAfterSeconds * 1000).toISOString();
    const fixes: Fix[] = [{ action: 'unlock', method: 'POST', href: `${users}/unlock` }];
    if (facts.lock.scope === 'mfa') fixes.push({ action: 'reset_mfa', method: 'POST', href: `${users}/mfa/reset` });
    add('locked', true, `Sign-in is locked after repeated failures (${facts.lock.scope}) until ${until}`, fixes, { scope: facts.lock.scope, until });
  }

  const mfaRequired = policy.mfa.requiredForRoles.includes(user.role);
  if (mfaRequired && !user.mfaEnabled) {
    add('mfa_enrollment_required', false, `Two-factor authentication is required for ${user.role} and not set up: the next sign-in enrols first`, [changePolicy], {
      role: user.role,
    });
  }
  if (user.mfaEnabled) add('mfa_enrolled', false, 'Two-factor authentication is on; if the user lost their authenticator, reset it', [{ action: 'reset_mfa', method: 'POST', href: `${users}/mfa/reset` }]);

  if (user.status === 'active' && !user.hasPassword) {
    add('password_not_set', true, 'The account has no password', [{ action: 'send_password_reset', method: 'POST', href: '/api/v1/auth/password/forgot' }]);
  }
  const expiryDays = policy.password.expiryDays;
  const changed = user.passwordChangedAt ?? user.createdAt;
  if (user.hasPassword && expiryDays !== null && changed.getTime() + expiryDays * 86_400_000 <= now.getTime()) {
    add('password_expired', false, `The password is older than ${expiryDays} days: the next sign-in asks for a new one`, [changePolicy], {
      expiredAt: new Date(changed.getTime() + expiryDays * 86_400_000).toISOString(),
    });
  }

  if (policy.ssoOnly) {
    add(
      'sso_only',
      !breakGlass,
      breakGlass ? 'The organization signs in through SSO only; as a break-glass user this user may still use a password' : 'The organization signs in through SSO only: password sign-in is refused',
      [changePolicy],
    );
  }

  const ipRules = facts.ipAccess.reason === 'ip_restricted' ? (facts.ipAccess.rule?.indexes ?? []) : [];
  if (ipRules.length && facts.ip) {
    add('ip_restricted', !breakGlass, `The IP allow-list does not include ${facts.ip}`, [changePolicy], {
      ip: facts.ip,
      rules: ipRules.map((index) => ({ index, cidr: policy.ipAllowlist[index].cidr })),
    });
  } else if (ipRules.length) {
    // no address given: say where from the user may come, without judging one
    const cidrs = ipRules.map((index) => policy.ipAllowlist[index].cidr);
    add('ip_allowlist_applies', false, `Sign-in is allowed only from ${cidrs.join(', ')}; pass ?ip= to check an address`, [changePolicy], {
      rules: ipRules.map((index, i) => ({ index, cidr: cidrs[i] })),
    });
  }
  if (facts.windowAccess.reason === 'outside_access_window') {
    const windows = facts.windowAccess.rule?.indexes ?? [];
    add('outside_access_window', !breakGlass, `No access window is open now${facts.nextOpening ? `; the next opens at ${facts.nextOpening.toISOString()}` : ''}`, [changePolicy], {
      nextOpening: facts.nextOpening?.toISOString() ?? null,
      windows: windows.map((index) => ({ index, ...policy.accessWindows[index] })),
    });
  }
  if (breakGlass) {
    add('break_glass', false, 'A break-glass user: passes the IP allow-list and access windows (never MFA); each use is recorded as a high-severity event', [changePolicy]);
  }

  return { userId: user.id, canSignIn: !findings.some((finding) => finding.blocking), checkedAt: now.toISOString(), ip: facts.ip, findings };
}
