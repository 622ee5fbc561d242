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

  it('answers through a team’s grant as through one’s own, naming the team', () => {
    const team = { ...grant(A, ['read']), principal: { type: 'team' as const, id: TEAM } };
    expect(ability({ grants: [team] }).decide({ action: 'read', resource: { type: 'application', externalId: `ext-${A}` } })).toMatchObject({
      allowed: true,
      reason: 'granted',
      rules: [{ source: 'grant', principal: { type: 'team', id: TEAM } }],
    });
  });

  it('answers by a custom role’s permissions, `manage` covering every action of its subject', () => {
    const sut = ability({ role: 'Release manager', customRole: true, rolePermissions: ['applications:deploy', 'devices:manage'] });
    expect(sut.decide({ action: 'deploy', resource: { type: 'application', id: A } })).toMatchObject({ allowed: true, rules: [{ source: 'role', role: 'Release manager', custom: true, permission: 'applications:deploy' }] });
    expect(sut.decide({ action: 'reboot', resource: { type: 'device', id: A } })).toMatchObject({ allowed: true, rules: [{ permission: 'devices:manage' }] });
    expect(sut.decide({ action: 'develop', resource: { type: 'application', id: A } }).reason).toBe('no_rule');
    expect(sut.hasPermission('devices:read')).toBe(true);
    expect(sut.hasPermission('applications:develop')).toBe(false);
  });

  it('lets a grant’s `manage` cover every action on that resource, and a lapsed one explain the denial', () => {
    const sut = ability({ grants: [grant(A, ['manage']), grant(B, ['manage'], new Date(NOW))] });
    expect(sut.decide({ action: 'delete', resource: { type: 'application', id: A } }).reason).toBe('granted');
    expect(sut.decide({ action: 'delete', resource: { type: 'application', id: B } })).toMatchObject({ reason: 'expired_grant', rules: [{ grantId: `g-${B}` }] });
  });

  it('treats a grant that lapses at this very moment as lapsed, and explains only the lapsed grants for that action', () => {
    const sut = ability({ grants: [grant(A, ['deploy'], new Date(NOW)), grant(A, ['read'], new Date(NOW - 5))] });
    expect(sut.decide({ action: 'deploy', resource: { type: 'application', id: A } })).toEqual({
      allowed: false,
      reason: 'expired_grant',
      rules: [{ source: 'grant', grantId: `g-${A}`, resourceId: A, principal: { type: 'user', id: 'u' }, actions: ['deploy'], expiresAt: new Date(NOW).toISOString() }],
    });
    expect(sut.decide({ action: 'delete', resource: { type: 'application', id: A } }).reason).toBe('no_rule');
    expect(sut.decide({ action: 'deploy', resource: { type: 'device', id: A } }).reason).toBe('no_rule');
    expect(sut.validUntil).toBeNull();
    expect(sut.describe()).toEqual([{ source: 'role', role: 'Developer', custom: false, permission: 'applications:develop' }]);
  });

  it('finds a resource by the service’s id only within its type, and takes our id in any case', () => {
    const sut = ability({ grants: [grant(A, ['deploy'])] });
    expect(sut.decide({ action: 'deploy', resource: { type: 'device', externalId: `ext-${A}` } }).reason).toBe('no_rule');
    expect(sut.decide({ action: 'deploy', resource: { type: 'application', id: A.toUpperCase() } }).reason).toBe('granted');
    expect(sut.decide({ action: 'deploy', resource: { type: 'application', externalId: 'ext-unknown' } }).reason).toBe('no_rule');
  });

  it('lets a grant on the lead’s team outrank the lead’s rule, as the later rule', () => {
    const onTeam = { ...grant(TEAM, ['read']), type: 'team' };
    const sut = ability({ teams: [{ teamId: TEAM, lead: true }], grants: [onTeam] });
    expect(sut.decide({ action: 'manage_members', resource: { type: 'team', id: TEAM } })).toMatchObject({ allowed: true, rules: [{ source: 'team_lead', teamId: TEAM }] });
    expect(sut.decide({ action: 'read', resource: { type: 'team', id: TEAM } })).toMatchObject({ allowed: true, rules: [{ source: 'grant' }] });
    expect(sut.leadsFor('read', TEAM)).toBe(false);
    expect(sut.leadsFor('manage_members', TEAM.toUpperCase())).toBe(true);
  });

  it('gives catalogue permissions by role only: a grant on a resource whose type is named like a subject gives none', () => {
    const sut = ability({ rolePermissions: ['teams:read'], grants: [{ ...grant(A, ['manage']), type: 'teams' }] });
    expect(sut.hasPermission('teams:read')).toBe(true);
    expect(sut.hasPermission('teams:manage')).toBe(false);
    expect(ability({ status: 'deactivated', rolePermissions: ['teams:read'] }).hasPermission('teams:read')).toBe(false);
  });

  it('lists the rules in the order they rank from, role, leads, then live grants (GET /me/permissions)', () => {
    const sut = ability({ teams: [{ teamId: TEAM, lead: true }], grants: [grant(A, ['deploy']), grant(B, ['deploy'], new Date(NOW - 1))] });
    expect(sut.describe().map((rule) => rule.source)).toEqual(['role', 'team_lead', 'grant']);
  });
});
