import { DEFAULT_POLICY, evaluateAccessPolicy, type PolicyDocument } from '../../access-policy';
import { diagnoseSignIn, type SignInFacts } from './sign-in-diagnosis';

const ID = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
// a fixed clock: Wednesday 2 December 2026, 10:00 in Berlin
const NOW = new Date('2026-12-02T09:00:00Z');
const ALLOWED = evaluateAccessPolicy(DEFAULT_POLICY, { userId: ID, role: 'Developer', teamIds: [], ip: null, now: NOW });

function facts(overrides: Partial<SignInFacts> = {}, policy: Partial<PolicyDocument> = {}, ip: string | null = null): SignInFacts {
  const document = { ...DEFAULT_POLICY, ...policy };
  const subject = { userId: ID, role: 'Developer', teamIds: [], ip, now: NOW };
  return {
    user: { id: ID, status: 'active', role: 'Developer', mfaEnabled: false, hasPassword: true, passwordChangedAt: NOW, createdAt: NOW },
    invitation: null,
    lock: null,
    policy: document,
    ipAccess: evaluateAccessPolicy({ ...document, accessWindows: [], breakGlassUsers: [] }, subject),
    windowAccess: evaluateAccessPolicy({ ...document, ipAllowlist: [], breakGlassUsers: [] }, subject),
    nextOpening: null,
    ip,
    now: NOW,
    ...overrides,
  };
}

const codes = (input: SignInFacts) => diagnoseSignIn(input).findings.map((finding) => finding.code);

describe(diagnoseSignIn.name, () => {
  it('finds nothing for an active user under the defaults', () => {
    expect(diagnoseSignIn(facts({ ipAccess: ALLOWED, windowAccess: ALLOWED }))).toEqual({ userId: ID, canSignIn: true, checkedAt: NOW.toISOString(), ip: null, findings: [] });
  });

  it('names a deactivated account, with reactivation as the fix', () => {
    const diagnosis = diagnoseSignIn(facts({ user: { ...facts().user, status: 'deactivated' } }));
    expect(diagnosis.canSignIn).toBe(false);
    expect(diagnosis.findings).toEqual([expect.objectContaining({ code: 'account_deactivated', blocking: true, fixes: [{ action: 'reactivate', method: 'POST', href: `/api/v1/users/${ID}/reactivate` }] })]);
  });

  it('names a lockout with when it ends, with unlock as the fix', () => {
    const [finding] = diagnoseSignIn(facts({ lock: { scope: 'account_address', retryAfterSeconds: 600 } })).findings;
    expect(finding).toMatchObject({ code: 'locked', blocking: true, details: { scope: 'account_address', until: '2026-12-02T09:10:00.000Z' } });
    expect(finding.fixes).toEqual([{ action: 'unlock', method: 'POST', href: `/api/v1/users/${ID}/unlock` }]);
  });

  it('names a pending invitation and an expired one, with resending as the fix', () => {
    const invited = { ...facts().user, status: 'invited', hasPassword: false };
    const pending = diagnoseSignIn(facts({ user: invited, invitation: { id: 'inv-1', status: 'pending', expiresAt: new Date('2026-12-05T00:00:00Z') } }));
    expect(pending.findings[0]).toMatchObject({ code: 'invitation_pending', blocking: true, fixes: [{ action: 'resend_invitation', href: '/api/v1/invitations/inv-1/resend' }] });
    const expired = diagnoseSignIn(facts({ user: invited, invitation: { id: 'inv-1', status: 'expired', expiresAt: new Date('2026-11-30T00:00:00Z') } }));
    expect(expired.findings[0]).toMatchObject({ code: 'invitation_expired', blocking: true, details: { expiresAt: '2026-11-30T00:00:00.000Z' } });
  });

  it('names MFA required but not enrolled (the next sign-in enrols), and offers an MFA reset to an enrolled user', () => {
    expect(codes(facts({}, { mfa: { requiredForRoles: ['Developer'] } }))).toEqual(['mfa_enrollment_required']);
    const enrolled = diagnoseSignIn(facts({ user: { ...facts().user, mfaEnabled: true } }));
    expect(enrolled.findings[0]).toMatchObject({ code: 'mfa_enrolled', blocking: false, fixes: [{ action: 'reset_mfa', href: `/api/v1/users/${ID}/mfa/reset` }] });
  });

  it('names an expired password', () => {
    const old = { ...facts().user, passwordChangedAt: new Date('2026-01-01T00:00:00Z') };
    const [finding] = diagnoseSignIn(facts({ user: old }, { password: { ...DEFAULT_POLICY.password, expiryDays: 90 } })).findings;
    expect(finding).toMatchObject({ code: 'password_expired', details: { expiredAt: '2026-04-01T00:00:00.000Z' } });
  });

  it('names SSO-only, blocking unless the user is break-glass', () => {
    expect(diagnoseSignIn(facts({}, { ssoOnly: true })).findings[0]).toMatchObject({ code: 'sso_only', blocking: true });
    const glass = diagnoseSignIn(facts({}, { ssoOnly: true, breakGlassUsers: [ID] }));
    expect(glass.canSignIn).toBe(true);
    expect(glass.findings.map((f) => f.code)).toEqual(['sso_only', 'break_glass']);
  });

  it('names the IP allow-list for a given address, and says where from when none is given', () => {
    const policy = { ipAllowlist: [{ cidr: '198.51.100.0/24' }] };
    const refused = diagnoseSignIn(facts({}, policy, '203.0.113.9'));
    expect(refused.findings).toEqual([expect.objectContaining({ code: 'ip_restricted', blocking: true, details: { ip: '203.0.113.9', rules: [{ index: 0, cidr: '198.51.100.0/24' }] } })]);
    expect(codes(facts({}, policy, '198.51.100.7'))).toEqual([]);
    expect(diagnoseSignIn(facts({}, policy)).findings[0]).toMatchObject({ code: 'ip_allowlist_applies', blocking: false });
  });

  it('names a closed access window with the next opening', () => {
    const next = new Date('2026-12-02T13:00:00Z');
    const diagnosis = diagnoseSignIn(facts({ nextOpening: next }, { accessWindows: [{ timezone: 'Europe/Berlin', days: [3], start: '14:00', end: '16:00' }] }));
    expect(diagnosis.canSignIn).toBe(false);
    expect(diagnosis.findings[0]).toMatchObject({ code: 'outside_access_window', blocking: true, details: { nextOpening: '2026-12-02T13:00:00.000Z' }, fixes: [{ action: 'change_policy' }] });
  });
});
