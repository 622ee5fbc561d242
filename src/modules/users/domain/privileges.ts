import { ASSIGNABLE_ROLES, isBuiltInRole, type Grantor, type PermissionsOf } from '../../access-policy';
import { LastAdministratorError } from './last-administrator.error';
import { PrivilegeError } from './privilege.error';
import { SelfActionError } from './self-action.error';
import type { UserStatus } from './user.entity';

export { grantorOf, type Grantor, type PermissionsOf } from '../../access-policy';

/** The user acted upon. */
export interface Grantee {
  id: string;
  role: string;
  status: UserStatus;
}

export type LifecycleChange = 'deactivate' | 'reactivate' | 'remove';

const ADMINISTRATOR = 'Administrator';

/** For callers that know no custom roles: only the built-in table applies. */
const BUILT_IN_ONLY: PermissionsOf = () => [];

/**
 * May a holder of `by.role` give `role`? Built-in roles by the product's table (a Manager:
 * Developer and Viewer); a custom role, like anything else, only by one whose role holds
 * every permission of it (an Administrator holds all). Custom roles that hold `roles:assign`
 * give what they hold, never more.
 */
function mayAssign(byRole: string, role: string, permissionsOf: PermissionsOf): boolean {
  if (isBuiltInRole(byRole) && isBuiltInRole(role)) return ASSIGNABLE_ROLES[byRole].includes(role);
  const wanted = permissionsOf(role);
  // an unknown role (or one that grants nothing) is given by nobody
  if (!isBuiltInRole(role) && !wanted.length) return false;
  if (byRole === ADMINISTRATOR) return true;
  const held = new Set(permissionsOf(byRole));
  return role !== ADMINISTRATOR && wanted.every((permission) => held.has(permission));
}

/**
 * One acts on another user only when one could have given them their current role:
 * a Manager never touches an Administrator or another Manager.
 */
function assertMayActOn(by: Grantor, target: Grantee, permissionsOf: PermissionsOf): void {
  if (!mayAssign(by.role, target.role, permissionsOf)) {
    throw new PrivilegeError(`A ${by.role} cannot act on a user whose role is ${target.role}`);
  }
}

/** The last active Administrator stays one: `activeAdministratorIds` is read under lock by the caller. */
function assertAnotherAdministratorRemains(target: Grantee, activeAdministratorIds: readonly string[], change: 'demoted' | 'deactivated' | 'removed'): void {
  if (target.role !== ADMINISTRATOR || target.status !== 'active') return;
  if (!activeAdministratorIds.some((id) => id !== target.id)) throw new LastAdministratorError(change);
}

/**
 * Why `by` may not give anyone the role `role`, or null when they may: the one rule behind
 * every grant (invitations, their resends, role changes). Nobody grants what they lack: a
 * role grants only the roles ASSIGNABLE_ROLES lists (a Manager: Developer and Viewer), and a
 * key grants none of its owner's permissions outside its scopes.
 */
export function grantRefusal(by: Grantor, role: string, permissionsOf: PermissionsOf): string | null {
  if (!mayAssign(by.role, role, permissionsOf)) return `A ${by.role} cannot grant the role ${role}`;
  // the table above is what the product decided a role may grant (a Manager gives Developer
  // though it holds not all of a Developer's permissions); a grantor narrower than its role
  // (an API key) grants none of the role's permissions it lacks
  const held = new Set(by.permissions);
  const ofRole = new Set(permissionsOf(by.role));
  const lacking = permissionsOf(role).filter((permission) => ofRole.has(permission) && !held.has(permission));
  return lacking.length ? `The role ${role} holds permissions you do not: ${lacking.join(', ')}` : null;
}

/**
 * May `by` give `target` the role `to`? Only a role they may grant (grantRefusal), to a user
 * holding one of those (never an Administrator or a Manager for a Manager). The last active
 * Administrator is never demoted, and nobody changes their own role. Throws the first rule broken.
 */
export function assertMayChangeRole(
  by: Grantor,
  target: Grantee,
  to: string,
  context: { permissionsOf: PermissionsOf; activeAdministratorIds: readonly string[] },
): void {
  assertMayActOn(by, target, context.permissionsOf);
  const refusal = grantRefusal(by, to, context.permissionsOf);
  if (refusal) throw new PrivilegeError(refusal);
  if (to !== ADMINISTRATOR) assertAnotherAdministratorRemains(target, context.activeAdministratorIds, 'demoted');
  if (by.userId === target.id) throw new SelfActionError('change your own role');
}

/**
 * May `by` deactivate, reactivate or remove `target`? Only users one could have given their
 * role to, never the last active Administrator, never oneself.
 */
export function assertMayChangeLifecycle(
  by: Grantor,
  target: Grantee,
  change: LifecycleChange,
  activeAdministratorIds: readonly string[],
  permissionsOf: PermissionsOf = BUILT_IN_ONLY,
): void {
  assertMayActOn(by, target, permissionsOf);
  if (change !== 'reactivate') {
    assertAnotherAdministratorRemains(target, activeAdministratorIds, change === 'deactivate' ? 'deactivated' : 'removed');
  }
  if (by.userId === target.id) throw new SelfActionError(`${change} yourself`);
}
