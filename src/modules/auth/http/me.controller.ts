import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../../shared/decorators';
import { NotFoundError } from '../../../shared/domain-error';
import type { Principal } from '../../../shared/principal';
import { AbilityFactory, RequirePermissions } from '../../access-policy';
import { toProfileResponse, UserAccounts } from '../../users';
import { MeResponse } from './me.response';

@ApiTags('me')
@ApiBearerAuth()
@Controller('api/v1/me')
export class MeController {
  constructor(
    private readonly users: UserAccounts,
    private readonly abilities: AbilityFactory,
  ) {}

  @Get()
  @RequirePermissions('account:read')
  @ApiOkResponse({ type: MeResponse, description: 'with an API key, only when it carries the scope account:read' })
  async me(@CurrentPrincipal() principal: Principal): Promise<MeResponse> {
    const user = await this.users.profileAt(principal.organizationId, principal.userId, principal.userVersion);
    if (!user) throw new NotFoundError('User');
    return {
      ...toProfileResponse(user),
      platformOperator: user.platformOperator,
      permissions: this.abilities.permissionsOf(user.role),
    };
  }
}
