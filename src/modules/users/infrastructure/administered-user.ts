import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ForbiddenError, NotFoundError } from '../../../shared/domain-error';
import type { Principal } from '../../../shared/principal';
import type { Permission, PermissionsOf, RoleCatalogue } from '../../access-policy';
import { grantorOf, type Grantor } from '../domain/privileges';
import { User } from '../domain/user.entity';

export interface AdministeredUser {
  target: User;
  grantor: Grantor;
  /** The organization's roles (built-in and custom) as they are now. */
  permissionsOf: PermissionsOf;
  /** The organization's active Administrators, locked until the transaction ends. */
  activeAdministratorIds: string[];
}

/**
 * Inside an administrative command's transaction: locks the organization's active
 * Administrators (in id order, so concurrent commands queue rather than deadlock), so the
 * "last Administrator" count cannot change under the command; then locks the target and
 * reads the caller's current role (a token may predate a demotion still in flight).
 */
export async function loadForAdministration(
  em: EntityManager,
  roles: RoleCatalogue,
  by: Principal,
  targetId: string,
  permission: Permission,
): Promise<AdministeredUser> {
  const administrators = await em.find(
    User,
    { role: 'Administrator', status: 'active' },
    { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' } },
  );
  const target =
    administrators.find((user) => user.id === targetId) ??
    (await em.findOne(User, { id: targetId }, { lockMode: LockMode.PESSIMISTIC_WRITE }));
  if (!target) throw new NotFoundError('User');
  const permissionsOf = await roles.permissionsOf(by.organizationId);
  const caller = administrators.find((user) => user.id === by.userId) ?? (await em.findOne(User, { id: by.userId }));
  if (!caller || caller.status !== 'active' || !permissionsOf(caller.role).includes(permission)) {
    throw new ForbiddenError('ACCESS.MISSING_PERMISSION', `This needs the permission ${permission}`);
  }
  return {
    target,
    grantor: grantorOf({ userId: caller.id, role: caller.role, scopes: by.scopes }, permissionsOf),
    permissionsOf,
    activeAdministratorIds: administrators.map((user) => user.id),
  };
}
