import { SetMetadata } from '@nestjs/common';
import type { Permission } from '../domain/permissions';

export const REQUIRED_PERMISSIONS = 'gatehouse:permissions';
export const PLATFORM_OPERATOR_ONLY = 'gatehouse:platform-operator';

/** The caller must hold every listed permission. */
export const RequirePermissions = (...permissions: Permission[]) => SetMetadata(REQUIRED_PERMISSIONS, permissions);

/** Only platform operators (the bootstrap organization's first administrators) may call this. */
export const PlatformOperatorOnly = () => SetMetadata(PLATFORM_OPERATOR_ONLY, true);
