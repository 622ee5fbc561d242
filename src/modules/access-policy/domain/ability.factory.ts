import { Injectable } from '@nestjs/common';
import { AbilityBuilder, createMongoAbility, type MongoAbility } from '@casl/ability';
import type { Principal } from '../../../shared/principal';
import type { Permission } from './permissions';
import { isBuiltInRole, ROLE_PERMISSIONS } from './roles';

export type AppAbility = MongoAbility;

/**
 * Builds CASL abilities. Built-in roles' abilities never change, so each is built once;
 * team grants, custom roles and policies narrow or widen this as those modules arrive.
 */
@Injectable()
export class AbilityFactory {
  private readonly byRole = new Map<string, AppAbility>();

  forRole(role: string): AppAbility {
    let ability = this.byRole.get(role);
    if (!ability) {
      const { can, build } = new AbilityBuilder<AppAbility>(createMongoAbility);
      const permissions = isBuiltInRole(role) ? ROLE_PERMISSIONS[role] : [];
      for (const permission of permissions) {
        const [subject, action] = permission.split(':');
        can(action, subject);
      }
      ability = build();
      this.byRole.set(role, ability);
    }
    return ability;
  }

  can(principal: Pick<Principal, 'role'>, permission: Permission): boolean {
    const [subject, action] = permission.split(':');
    return this.forRole(principal.role).can(action, subject);
  }

  permissionsOf(role: string): Permission[] {
    return isBuiltInRole(role) ? [...ROLE_PERMISSIONS[role]] : [];
  }
}
