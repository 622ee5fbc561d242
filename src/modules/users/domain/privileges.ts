import { ASSIGNABLE_ROLES, isBuiltInRole } from '../../access-policy';
import { LastAdministratorError } from './last-administrator.error';
import { PrivilegeError } from './privilege.error';
import { SelfActionError } from './self-action.error';
import type { UserStatus } from './user.entity';

/** The one who acts, as the privilege rules see them: their current role and what they hold. */
export interface Grantor {
  userId: string;
  role: string;
  /** The role's permissions, narrowed to an API key's scopes when acting through a key. */
  permissions: readonly string[];
}

/** The user acted upon. */
export interface Grantee {
  id: string;
  role: string;
  status: UserStatus;
}

export type PermissionsOf = (role: string) => readonly string[];

export type LifecycleChange = 'deactivate' | 'reactivate' | 'remove';

const ADMINISTRATOR = 'Administrator';

function assignableBy(role: string): readonly string[] {
  return isBuiltInRole(role) ? ASSIGNABLE_ROLES[role] : [];
}

/**
 * One acts on another user only when one could have given them their current role:
 * a Manager never touches an Administrator or another Manager.
 */
function assertMayActOn(by: Grantor, target: Grantee): void {
  if (!assignableBy(by.role).includes(target.role)) {
    throw new PrivilegeError(`A ${by.role} cannot act on a user whose role is ${target.role}`);
  }
}

/** The last active Administrator stays one: `activeAdministratorIds` is read under lock by the caller. */
function assertAnotherAdministratorRemains(target: Grantee, activeAdministratorIds: readonly string[], change: 'demoted' | 'deactivated' | 'removed'): void {
  if (target.role !== ADMINISTRATOR || target.status !== 'active') return;
  if (!activeAdministratorIds.some((id) => id !== target.id)) throw new LastAdministratorError(change);
}

/**
 * May `by` give `target` the role `to`? Nobody grants what they lack: a role grants only the
 * roles ASSIGNABLE_ROLES lists (a Manager: Developer and Viewer) and changes only the roles of
 * users holding one of those (never an Administrator or a Manager), and a key grants none of
 * its owner's permissions outside its scopes. The last active Administrator is never demoted,
 * and nobody changes their own role. Throws the first rule broken.
 */
export function assertMayChangeRole(
  by: Grantor,
  target: Grantee,
  to: string,
  context: { permissionsOf: PermissionsOf; activeAdministratorIds: readonly string[] },
): void {
  assertMayActOn(by, target);
  if (!assignableBy(by.role).includes(to)) throw new PrivilegeError(`A ${by.role} cannot grant the role ${to}`);
  // the table above is what the product decided a role may grant (a Manager gives Developer);
  // an API key, narrower than its owner, grants none of the owner's permissions it lacks
  const held = new Set(by.permissions);
  const ofRole = new Set(context.permissionsOf(by.role));
  const lacking = context.permissionsOf(to).filter((permission) => ofRole.has(permission) && !held.has(permission));
  if (lacking.length) throw new PrivilegeError(`The role ${to} holds permissions you do not: ${lacking.join(', ')}`);
  if (to !== ADMINISTRATOR) assertAnotherAdministratorRemains(target, context.activeAdministratorIds, 'demoted');
  if (by.userId === target.id) throw new SelfActionError('change your own role');
}

/**
 * May `by` deactivate, reactivate or remove `target`? Only users one could have given their
 * role to, never the last active Administrator, never oneself.
 */
export function assertMayChangeLifecycle(by: Grantor, target: Grantee, change: LifecycleChange, activeAdministratorIds: readonly string[]): void {
  assertMayActOn(by, target);
  if (change !== 'reactivate') {
    assertAnotherAdministratorRemains(target, activeAdministratorIds, change === 'deactivate' ? 'deactivated' : 'removed');
  }
  if (by.userId === target.id) throw new SelfActionError(`${change} yourself`);
}
