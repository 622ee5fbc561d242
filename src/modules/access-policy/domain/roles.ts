import { ALL_PERMISSIONS, type Permission } from './permissions';

export const BUILT_IN_ROLES = ['Administrator', 'Manager', 'Developer', 'Viewer'] as const;
export type BuiltInRole = (typeof BUILT_IN_ROLES)[number];

/** What every built-in role may see; `account:read` so that an API key reads its owner's account only when scoped to. */
const READ_BASICS: Permission[] = ['account:read', 'organization:read', 'users:read', 'teams:read', 'dashboards:read', 'resources:read'];

/** The built-in roles as the product describes them. */
export const ROLE_PERMISSIONS: Record<BuiltInRole, readonly Permission[]> = {
  Administrator: ALL_PERMISSIONS,
  Manager: [...READ_BASICS, 'users:invite', 'roles:assign', 'teams:manage', 'applications:deploy', 'reports:generate', 'api:access'],
  Developer: [...READ_BASICS, 'applications:develop', 'api:access', 'devices:manage', 'environments:test'],
  Viewer: [...READ_BASICS, 'reports:generate', 'api:access'],
};

/** Which roles a holder of `role` may give to others (DESIGN.md's privilege rules). */
export const ASSIGNABLE_ROLES: Record<BuiltInRole, readonly BuiltInRole[]> = {
  Administrator: BUILT_IN_ROLES,
  Manager: ['Developer', 'Viewer'],
  Developer: [],
  Viewer: [],
};

export function isBuiltInRole(value: string): value is BuiltInRole {
  return (BUILT_IN_ROLES as readonly string[]).includes(value);
}
