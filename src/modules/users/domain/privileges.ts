import { ASSIGNABLE_ROLES, isBuiltInRole } from '../../access-policy';
import { LastAdministratorError } from './last-administrator.error';
import { PrivilegeError } from './privilege.error';
import { SelfActionError } from './self-action.error';
import type { UserStatus } from './user.entity';

/**
 * The one who acts, as the privilege rules see them: their current role and what they hold.
 * Build it with grantorOf, the one place a caller's scopes narrow what they may give.
 */
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

/**
 * The grantor a caller is: their role's permissions, and when they act through an API key,
 * only those its scopes name (`scopes` null: a signed-in session, the whole role).
 */
export function grantorOf(caller: { userId: string; role: string; scopes: readonly string[] | null }, permissionsOf: PermissionsOf): Grantor {
  const { scopes } = caller;
  const permissions = permissionsOf(caller.role).filter((held) => scopes === null || scopes.includes(held));
  return { userId: caller.userId, role: caller.role, permissions };
}

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
 * Why `by` may not give anyone the role `role`, or null when they may: the one rule behind
 * every grant (invitations, their resends, role changes). Nobody grants what they lack: a
 * role grants only the roles ASSIGNABLE_ROLES lists (a Manager: Developer and Viewer), and a
 * key grants none of its owner's permissions outside its scopes.
 */
export function grantRefusal(by: Grantor, role: string, permissionsOf: PermissionsOf): string | null {
  if (!assignableBy(by.role).includes(role)) return `A ${by.role} cannot grant the role ${role}`;
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
  assertMayActOn(by, target);
  const refusal = grantRefusal(by, to, context.permissionsOf);
  if (refusal) throw new PrivilegeError(refusal);
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
