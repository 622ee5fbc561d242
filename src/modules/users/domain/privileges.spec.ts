import { AbilityFactory } from '../../access-policy';
import { LastAdministratorError } from './last-administrator.error';
import { PrivilegeError } from './privilege.error';
import { assertMayChangeLifecycle, assertMayChangeRole, grantorOf, grantRefusal, type Grantee, type Grantor } from './privileges';
import { SelfActionError } from './self-action.error';

const abilities = new AbilityFactory();
const permissionsOf = (role: string) => abilities.permissionsOf(role);

function grantor(userId: string, role: string, scopes?: string[]): Grantor {
  return grantorOf({ userId, role, scopes: scopes ?? null }, permissionsOf);
}

function user(id: string, role: string, status: Grantee['status'] = 'active'): Grantee {
  return { id, role, status };
}

const admin = grantor('admin-1', 'Administrator');
const manager = grantor('manager-1', 'Manager');
const twoAdmins = ['admin-1', 'admin-2'];

describe(grantorOf.name, () => {
  it('holds the whole role with a session and only the scoped part of it with a key', () => {
    expect(grantor('u', 'Manager').permissions).toEqual(permissionsOf('Manager'));
    expect(grantor('u', 'Manager', ['users:invite', 'audit:read']).permissions).toEqual(['users:invite']);
  });
});

describe(grantRefusal.name, () => {
  const refusal = (by: Grantor, role: string) => grantRefusal(by, role, permissionsOf);

  it('lets a session grant what its role table lists', () => {
    for (const role of ['Administrator', 'Manager', 'Developer', 'Viewer']) expect(refusal(admin, role)).toBeNull();
    expect(refusal(manager, 'Developer')).toBeNull();
    expect(refusal(manager, 'Manager')).toMatch(/cannot grant the role Manager/);
  });

  it('refuses a key any role holding a permission outside its scopes, naming them', () => {
    expect(refusal(grantor('admin-1', 'Administrator', ['users:invite']), 'Administrator')).toMatch(/holds permissions you do not: .*users:manage/);
    expect(refusal(grantor('admin-1', 'Administrator', ['users:invite']), 'Viewer')).toMatch(/account:read/);
    expect(refusal(grantor('admin-1', 'Administrator', ['users:invite', ...permissionsOf('Viewer')]), 'Viewer')).toBeNull();
  });

  it('holds a key to its role table too', () => {
    expect(refusal(grantor('manager-1', 'Manager', permissionsOf('Manager')), 'Administrator')).toMatch(/cannot grant/);
  });
});

describe('assertMayChangeRole', () => {
  const change = (by: Grantor, target: Grantee, to: string, activeAdministratorIds = twoAdmins) =>
    () => assertMayChangeRole(by, target, to, { permissionsOf, activeAdministratorIds });

  it('lets an Administrator give any built-in role to another user', () => {
    for (const to of ['Administrator', 'Manager', 'Developer', 'Viewer']) {
      expect(change(admin, user('u', 'Viewer'), to)).not.toThrow();
    }
    expect(change(admin, user('admin-2', 'Administrator'), 'Viewer')).not.toThrow();
  });

  it('lets a Manager move a Developer or Viewer between Developer and Viewer', () => {
    expect(change(manager, user('u', 'Viewer'), 'Developer')).not.toThrow();
    expect(change(manager, user('u', 'Developer'), 'Viewer')).not.toThrow();
  });

  it('refuses a Manager granting Manager or Administrator', () => {
    expect(change(manager, user('u', 'Viewer'), 'Administrator')).toThrow(PrivilegeError);
    expect(change(manager, user('u', 'Developer'), 'Manager')).toThrow(PrivilegeError);
  });

  it('refuses a Manager changing an Administrator’s or another Manager’s role', () => {
    expect(change(manager, user('admin-2', 'Administrator'), 'Viewer')).toThrow(PrivilegeError);
    expect(change(manager, user('manager-2', 'Manager'), 'Viewer')).toThrow(PrivilegeError);
  });

  it('refuses roles without the right to assign them and unknown roles', () => {
    expect(change(grantor('d', 'Developer'), user('u', 'Viewer'), 'Developer')).toThrow(PrivilegeError);
    expect(change(admin, user('u', 'Viewer'), 'Overlord')).toThrow(PrivilegeError);
  });

  it('refuses granting a role whose permissions the grantor’s key does not carry', () => {
    const narrowKey = grantor('admin-1', 'Administrator', ['roles:assign', 'users:read']);
    expect(change(narrowKey, user('u', 'Developer'), 'Administrator')).toThrow(/holds permissions you do not/);
  });

  it('refuses demoting the last active Administrator, naming the rule', () => {
    expect(change(admin, user('admin-2', 'Administrator'), 'Manager', ['admin-2'])).toThrow(LastAdministratorError);
    expect(change(admin, user('admin-1', 'Administrator'), 'Viewer', ['admin-1'])).toThrow(
      expect.objectContaining({ code: 'USERS.LAST_ADMIN', kind: 'conflict' }) as Error,
    );
  });

  it('lets the last Administrator’s role be "changed" to Administrator and ignores inactive ones', () => {
    expect(change(admin, user('admin-2', 'Administrator'), 'Administrator', ['admin-2'])).not.toThrow();
    expect(change(admin, user('admin-3', 'Administrator', 'deactivated'), 'Viewer', ['admin-1'])).not.toThrow();
  });

  it('refuses changing one’s own role', () => {
    expect(change(admin, user('admin-1', 'Administrator'), 'Viewer')).toThrow(SelfActionError);
    expect(change(manager, user('manager-1', 'Manager'), 'Viewer')).toThrow(PrivilegeError);
  });
});

describe('assertMayChangeLifecycle', () => {
  it('lets an Administrator deactivate, reactivate and remove other users, Administrators included', () => {
    for (const change of ['deactivate', 'reactivate', 'remove'] as const) {
      expect(() => assertMayChangeLifecycle(admin, user('u', 'Developer'), change, twoAdmins)).not.toThrow();
      expect(() => assertMayChangeLifecycle(admin, user('admin-2', 'Administrator'), change, twoAdmins)).not.toThrow();
    }
  });

  it('refuses a Manager acting on an Administrator', () => {
    expect(() => assertMayChangeLifecycle(manager, user('admin-2', 'Administrator'), 'deactivate', twoAdmins)).toThrow(PrivilegeError);
  });

  it('refuses deactivating or removing the last active Administrator', () => {
    expect(() => assertMayChangeLifecycle(admin, user('admin-2', 'Administrator'), 'deactivate', ['admin-2'])).toThrow(LastAdministratorError);
    expect(() => assertMayChangeLifecycle(admin, user('admin-2', 'Administrator'), 'remove', ['admin-2'])).toThrow(LastAdministratorError);
    expect(() => assertMayChangeLifecycle(admin, user('admin-2', 'Administrator', 'deactivated'), 'reactivate', ['admin-1'])).not.toThrow();
  });

  it('refuses acting on oneself', () => {
    expect(() => assertMayChangeLifecycle(admin, user('admin-1', 'Administrator'), 'deactivate', twoAdmins)).toThrow(SelfActionError);
    expect(() => assertMayChangeLifecycle(admin, user('admin-1', 'Administrator'), 'remove', twoAdmins)).toThrow(SelfActionError);
  });
});

describe('custom roles under the same rule', () => {
  const custom: Record<string, string[]> = { 'Security Analyst': ['audit:read'], Deployer: ['applications:deploy', 'reports:generate'] };
  const withCustom = (role: string) => custom[role] ?? permissionsOf(role);
  const by = (role: string, scopes?: string[]) => grantorOf({ userId: `${role}-1`, role, scopes: scopes ?? null }, withCustom);

  it('lets an Administrator give a custom role, and a Manager only one made of what a Manager holds', () => {
    expect(grantRefusal(by('Administrator'), 'Security Analyst', withCustom)).toBeNull();
    expect(grantRefusal(by('Manager'), 'Deployer', withCustom)).toBeNull();
    expect(grantRefusal(by('Manager'), 'Security Analyst', withCustom)).toMatch(/cannot grant/);
  });

  it('holds a key to its scopes for custom roles too', () => {
    expect(grantRefusal(by('Administrator', ['roles:assign', 'applications:deploy']), 'Deployer', withCustom)).toMatch(/reports:generate/);
  });

  it('lets a custom role act only on users whose role it could have given', () => {
    const analyst = { ...by('Security Analyst'), permissions: ['audit:read', 'users:manage'] };
    expect(() => assertMayChangeLifecycle(analyst, user('u', 'Viewer'), 'deactivate', twoAdmins, withCustom)).toThrow(PrivilegeError);
    expect(() => assertMayChangeLifecycle(by('Manager'), user('u', 'Deployer'), 'deactivate', twoAdmins, withCustom)).not.toThrow();
  });
});
