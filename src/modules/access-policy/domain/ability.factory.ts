import { Injectable } from '@nestjs/common';
import { AbilityBuilder, createMongoAbility, type MongoAbility } from '@casl/ability';
import type { Principal } from '../../../shared/principal';
import type { Permission } from './permissions';
import { isBuiltInRole, ROLE_PERMISSIONS } from './roles';

/** A role's permissions as CASL rules (the PermissionsGuard's check); a user's whole ability is a UserAbility. */
export type AppAbility = MongoAbility;

/**
 * Builds the CASL abilities of roles. Built-in roles' abilities never change, so each is
 * built once; custom roles' come through RoleCatalogue, a user's whole ability (teams and
 * grants too) through Abilities.
 */
@Injectable()
export class AbilityFactory {
  private readonly byRole = new Map<string, AppAbility>();

  forRole(role: string): AppAbility {
    let ability = this.byRole.get(role);
    if (!ability) {
      ability = this.forPermissions(isBuiltInRole(role) ? ROLE_PERMISSIONS[role] : []);
      this.byRole.set(role, ability);
    }
    return ability;
  }

  forPermissions(permissions: readonly string[]): AppAbility {
    const { can, build } = new AbilityBuilder<AppAbility>(createMongoAbility);
    for (const permission of permissions) {
      const [subject, action] = permission.split(':');
      can(action, subject);
    }
    return build();
  }

  can(principal: Pick<Principal, 'role'>, permission: Permission): boolean {
    const [subject, action] = permission.split(':');
    return this.forRole(principal.role).can(action, subject);
  }

  /** A built-in role's permissions; custom roles' come from RoleCatalogue.permissionsOf. */
  permissionsOf(role: string): Permission[] {
    return isBuiltInRole(role) ? [...ROLE_PERMISSIONS[role]] : [];
  }
}
