import { describeRefusal, evaluateAccessPolicy, type AccessSubject } from './access-evaluation';
import { DEFAULT_POLICY, type PolicyDocument } from './policy-document';

const ALICE = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
// a fixed clock: Wednesday 2 December 2026, 10:00 in Berlin
const NOW = new Date('2026-12-02T09:00:00Z');

function policy(overrides: Partial<PolicyDocument>): PolicyDocument {
  return { ...DEFAULT_POLICY, ...overrides };
}

function subject(overrides: Partial<AccessSubject> = {}): AccessSubject {
  return { userId: ALICE, role: 'Developer', teamIds: [], ip: '203.0.113.10', now: NOW, ...overrides };
}

describe(evaluateAccessPolicy.name, () => {
  it('restricts nobody under the defaults', () => {
    expect(evaluateAccessPolicy(DEFAULT_POLICY, subject({ ip: null }))).toEqual({ allowed: true, reason: null, rule: null, passed: [], breakGlass: null });
  });

  it('allows an address inside an applicable range and names the range', () => {
    const decision = evaluateAccessPolicy(policy({ ipAllowlist: [{ cidr: '198.51.100.0/24' }, { cidr: '203.0.113.0/24' }] }), subject());
    expect(decision).toMatchObject({ allowed: true, passed: [{ policy: 'ipAllowlist', indexes: [1] }] });
  });

  it('refuses an address outside every applicable range as ip_restricted, naming the rules', () => {
    const document = policy({ ipAllowlist: [{ cidr: '198.51.100.0/24' }, { cidr: '2001:db8::/32', roles: ['Developer'] }, { cidr: '203.0.113.0/24', roles: ['Administrator'] }] });
    const decision = evaluateAccessPolicy(document, subject());
    expect(decision).toMatchObject({ allowed: false, reason: 'ip_restricted', rule: { policy: 'ipAllowlist', indexes: [0, 1] } });
    expect(describeRefusal(document, decision, '203.0.113.10')).toBe('the IP allow-list (ipAllowlist[0] 198.51.100.0/24, ipAllowlist[1] 2001:db8::/32) does not include 203.0.113.10');
    // an IPv6 address in the Developer range is let through
    expect(evaluateAccessPolicy(document, subject({ ip: '2001:db8:1::5' })).allowed).toBe(true);
  });

  it('leaves a role no entry applies to unrestricted', () => {
    expect(evaluateAccessPolicy(policy({ ipAllowlist: [{ cidr: '198.51.100.0/24', roles: ['Viewer'] }] }), subject()).allowed).toBe(true);
  });

  it('refuses an unknown address wherever an allow-list applies', () => {
    expect(evaluateAccessPolicy(policy({ ipAllowlist: [{ cidr: '0.0.0.0/0' }] }), subject({ ip: null })).reason).toBe('ip_restricted');
  });

  it('refuses outside every applicable window as outside_access_window, and allows inside any', () => {
    const closed = { timezone: 'Europe/Berlin', days: [1, 2, 3, 4, 5], start: '14:00', end: '18:00' };
    const open = { timezone: 'Europe/Berlin', days: [3], start: '09:00', end: '11:00', roles: ['Developer'] };
    expect(evaluateAccessPolicy(policy({ accessWindows: [closed] }), subject())).toMatchObject({ allowed: false, reason: 'outside_access_window', rule: { policy: 'accessWindows', indexes: [0] } });
    expect(evaluateAccessPolicy(policy({ accessWindows: [closed, open] }), subject())).toMatchObject({ allowed: true, passed: [{ policy: 'accessWindows', indexes: [1] }] });
  });

  it('binds team-scoped windows through the teams the user is in', () => {
    const team = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
    const document = policy({ accessWindows: [{ teams: [team], timezone: 'Europe/Berlin', days: [6], start: '09:00', end: '11:00' }] });
    expect(evaluateAccessPolicy(document, subject()).allowed).toBe(true);
    expect(evaluateAccessPolicy(document, subject({ teamIds: [team] })).reason).toBe('outside_access_window');
  });

  it('lets a break-glass user through IP and window restrictions, saying what was bypassed', () => {
    const document = policy({
      ipAllowlist: [{ cidr: '198.51.100.0/24' }],
      accessWindows: [{ timezone: 'Europe/Berlin', days: [6, 7], start: '09:00', end: '11:00' }],
      breakGlassUsers: [ALICE],
    });
    expect(evaluateAccessPolicy(document, subject())).toEqual({
      allowed: true,
      reason: null,
      rule: { policy: 'breakGlassUsers', indexes: [0] },
      passed: [],
      breakGlass: { bypassed: ['ip_restricted', 'outside_access_window'] },
    });
  });

  it('never lets break-glass pass MFA', () => {
    const document = policy({ ipAllowlist: [{ cidr: '198.51.100.0/24' }], breakGlassUsers: [ALICE], mfa: { requiredForRoles: ['Developer'] } });
    expect(evaluateAccessPolicy(document, subject({ mfaSatisfied: false }))).toMatchObject({ allowed: false, reason: 'mfa_required', breakGlass: { bypassed: ['ip_restricted'] } });
    expect(evaluateAccessPolicy(document, subject({ mfaSatisfied: true })).allowed).toBe(true);
  });
});
