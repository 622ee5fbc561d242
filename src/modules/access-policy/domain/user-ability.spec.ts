import { UserAbility, type AbilityInputs } from './user-ability';

const NOW = Date.parse('2026-12-02T00:00:00Z');
const A = 'a0000000-0000-4000-8000-00000000000a';
const B = 'b0000000-0000-4000-8000-00000000000b';
const TEAM = 't0000000-0000-4000-8000-000000000001'.replace('t', 'c');

function ability(overrides: Partial<AbilityInputs> = {}): UserAbility {
  return new UserAbility(
    {
      userId: 'u',
      status: 'active',
      role: 'Developer',
      customRole: false,
      rolePermissions: ['applications:develop'],
      teams: [],
      grants: [],
      ...overrides,
    },
    NOW,
  );
}

const grant = (resourceId: string, actions: string[], expiresAt: Date | null = null) => ({
  grantId: `g-${resourceId}`,
  resourceId,
  type: 'application',
  externalId: `ext-${resourceId}`,
  actions,
  expiresAt,
  principal: { type: 'user' as const, id: 'u' },
});

describe(UserAbility.name, () => {
  it('grants by role over every resource of the type the permission names', () => {
    expect(ability().decide({ action: 'develop', resource: { type: 'application', id: A } })).toMatchObject({ allowed: true, reason: 'granted', rules: [{ source: 'role', permission: 'applications:develop' }] });
    expect(ability().decide({ action: 'deploy', resource: { type: 'application', id: A } })).toEqual({ allowed: false, reason: 'no_rule', rules: [] });
  });

  it('grants by a resource grant on that resource only, by our id or the service’s own', () => {
    const sut = ability({ grants: [grant(A, ['deploy'])] });
    expect(sut.decide({ action: 'deploy', resource: { type: 'application', id: A } }).reason).toBe('granted');
    expect(sut.decide({ action: 'deploy', resource: { type: 'application', externalId: `ext-${A}` } }).reason).toBe('granted');
    expect(sut.decide({ action: 'deploy', resource: { type: 'application', id: B } }).reason).toBe('no_rule');
    expect(sut.decide({ action: 'deploy', resource: { type: 'device', id: A } }).reason).toBe('no_rule');
  });

  it('answers expired_grant for a lapsed grant and goes stale when the next one lapses', () => {
    const sut = ability({ grants: [grant(A, ['deploy'], new Date(NOW - 1)), grant(B, ['deploy'], new Date(NOW + 60_000))] });
    expect(sut.decide({ action: 'deploy', resource: { type: 'application', id: A } })).toMatchObject({ allowed: false, reason: 'expired_grant', rules: [{ source: 'grant', resourceId: A }] });
    expect(sut.decide({ action: 'deploy', resource: { type: 'application', id: B } }).reason).toBe('granted');
    expect(sut.validUntil).toBe(NOW + 60_000);
  });

  it('answers inactive_user whatever the rules say', () => {
    expect(ability({ status: 'deactivated', grants: [grant(A, ['deploy'])] }).decide({ action: 'deploy', resource: { type: 'application', id: A } }).reason).toBe('inactive_user');
  });

  it('gives a lead their own team’s members and dashboard, and nothing else', () => {
    const sut = ability({ teams: [{ teamId: TEAM, lead: true }] });
    expect(sut.leadsFor('manage_members', TEAM)).toBe(true);
    expect(sut.leadsFor('manage_dashboard', TEAM)).toBe(true);
    expect(sut.leadsFor('manage_members', A)).toBe(false);
    expect(sut.leadsFor('manage', TEAM)).toBe(false);
    expect(ability({ teams: [{ teamId: TEAM, lead: false }] }).leadsFor('manage_members', TEAM)).toBe(false);
  });
});
