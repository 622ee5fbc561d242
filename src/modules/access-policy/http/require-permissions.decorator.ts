import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiForbiddenResponse } from '@nestjs/swagger';
import type { Permission } from '../domain/permissions';

export const REQUIRED_PERMISSIONS = 'gatehouse:permissions';
export const TARGET_USER_PARAM = 'gatehouse:target-user-param';

/** The caller must hold every listed permission. A route that lists none refuses API keys. */
export const RequirePermissions = (...permissions: Permission[]) => SetMetadata(REQUIRED_PERMISSIONS, permissions);

/**
 * The route acts on the user whose id is the path parameter `param`: an API key may not aim
 * it at its own owner, as it may not change its owner's account through /me.
 */
export const ActsOnUser = (param = 'id') =>
  applyDecorators(
    SetMetadata(TARGET_USER_PARAM, param),
    ApiForbiddenResponse({ description: `missing permission or privilege; also an API key aimed at its own owner (\`${param}\`), which needs a signed-in session` }),
  );
