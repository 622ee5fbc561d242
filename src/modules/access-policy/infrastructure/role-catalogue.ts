import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../../infrastructure/event-store/unit-of-work';
import { AbilityFactory, type AppAbility } from '../domain/ability.factory';
import type { PermissionsOf } from '../domain/grantor';
import type { Permission } from '../domain/permissions';
import { BUILT_IN_ROLES, isBuiltInRole, ROLE_PERMISSIONS } from '../domain/roles';
import { AuthzVersions } from './authz-versions';

export interface CatalogueRole {
  id: string | null;
  name: string;
  permissions: readonly Permission[];
  custom: boolean;
  description: string | null;
}

/** Every role sees its holder's own account (as every built-in role does), whatever it was made from. */
function withBasics(permissions: readonly Permission[]): Permission[] {
  return permissions.includes('account:read') ? [...permissions] : ['account:read', ...permissions];
}

interface Entry {
  stamp: string;
  roles: Map<string, CatalogueRole>;
  abilities: Map<string, AppAbility>;
}

/**
 * An organization's roles: the four built-in ones and its custom roles, cached per
 * organization under its authz version, so a custom-role edit reaches every instance on
 * the next request. Built-in roles never need a round trip.
 */
@Injectable()
export class RoleCatalogue {
  private readonly cache = new Map<string, Entry>();

  constructor(
    private readonly uow: UnitOfWork,
    private readonly versions: AuthzVersions,
    private readonly abilities: AbilityFactory,
  ) {}

  private async entry(organizationId: string): Promise<Entry> {
    const stamp = await this.versions.organizationStamp(organizationId);
    const cached = this.cache.get(organizationId);
    if (cached && stamp !== null && cached.stamp === stamp) return cached;
    const rows = await this.uow
      .reader(organizationId)
      .getConnection()
      .execute<{ id: string; name: string; description: string | null; permissions: Permission[] }[]>(
        'select id, name, description, permissions from custom_roles where organization_id = ?',
        [organizationId],
        'all',
      );
    const roles = new Map<string, CatalogueRole>(rows.map((row) => [row.name.toLowerCase(), { id: row.id, name: row.name, permissions: withBasics(row.permissions), custom: true, description: row.description }]));
    const entry: Entry = { stamp: stamp ?? '', roles, abilities: new Map() };
    if (stamp !== null) {
      if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(organizationId, entry);
    }
    return entry;
  }

  /** The role named `name` (built-in or the organization's own), or null. */
  async find(organizationId: string, name: string): Promise<CatalogueRole | null> {
    if (isBuiltInRole(name)) return { id: null, name, permissions: ROLE_PERMISSIONS[name], custom: false, description: null };
    return (await this.entry(organizationId)).roles.get(name.toLowerCase()) ?? null;
  }

  async findById(organizationId: string, id: string): Promise<CatalogueRole | null> {
    const { roles } = await this.entry(organizationId);
    return [...roles.values()].find((role) => role.id === id.toLowerCase()) ?? null;
  }

  /** Every role of the organization, built-in first. */
  async list(organizationId: string): Promise<CatalogueRole[]> {
    const { roles } = await this.entry(organizationId);
    const builtIn = BUILT_IN_ROLES.map((name): CatalogueRole => ({ id: null, name, permissions: ROLE_PERMISSIONS[name], custom: false, description: null }));
    return [...builtIn, ...[...roles.values()].sort((a, b) => a.name.localeCompare(b.name))];
  }

  /** A synchronous permissionsOf for the privilege rules, over the organization's roles as now. */
  async permissionsOf(organizationId: string): Promise<PermissionsOf> {
    const { roles } = await this.entry(organizationId);
    return (role) => (isBuiltInRole(role) ? ROLE_PERMISSIONS[role] : (roles.get(role.toLowerCase())?.permissions ?? []));
  }

  /** The CASL ability of a role, for the route guard. */
  async abilityOf(organizationId: string, role: string): Promise<AppAbility> {
    if (isBuiltInRole(role)) return this.abilities.forRole(role);
    const entry = await this.entry(organizationId);
    let ability = entry.abilities.get(role);
    if (!ability) {
      ability = this.abilities.forPermissions(entry.roles.get(role.toLowerCase())?.permissions ?? []);
      entry.abilities.set(role, ability);
    }
    return ability;
  }
}
