export { AccessPolicyModule } from './access-policy.module';
export { PolicyStore, type VersionedPolicy } from './contracts/policy-store';
export { AbilityFactory } from './domain/ability.factory';
export { PERMISSIONS, isPermission, type Permission } from './domain/permissions';
export { DEFAULT_POLICY, type PolicyDocument, type SessionPolicy } from './domain/policy-document';
export { BUILT_IN_ROLES, ASSIGNABLE_ROLES, isBuiltInRole, type BuiltInRole } from './domain/roles';
export { PermissionsGuard } from './http/permissions.guard';
export { RequirePermissions, PlatformOperatorOnly } from './http/require-permissions.decorator';
