export { AccessPolicyModule } from './access-policy.module';
export { AbilityFactory } from './domain/ability.factory';
export { PERMISSIONS, isPermission, type Permission } from './domain/permissions';
export { BUILT_IN_ROLES, ASSIGNABLE_ROLES, isBuiltInRole, type BuiltInRole } from './domain/roles';
export { PermissionsGuard } from './http/permissions.guard';
export { RequirePermissions, PlatformOperatorOnly } from './http/require-permissions.decorator';
