import { Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../../shared/actor';
import { IdParam } from '../../../shared/id-param';
import { CurrentActor, CurrentPrincipal } from '../../../shared/decorators';
import { NotFoundError } from '../../../shared/domain-error';
import type { Principal } from '../../../shared/principal';
import { ActsOnUser, RequirePermissions } from '../../access-policy';
import { UserAccounts } from '../../users';
import { RevokeSessionsCommand } from '../commands/revoke-sessions/revoke-sessions.command';
import { ResetUserMfaCommand } from '../commands/reset-user-mfa/reset-user-mfa.command';
import { UnlockUserCommand } from '../commands/unlock-user/unlock-user.command';

/** What administrators do to another user's sign-in: end sessions (unlock and MFA reset join here). */
@ApiTags('users')
@ApiBearerAuth()
@Controller('api/v1/users/:id')
export class UserSignInController {
  constructor(
    private readonly commands: CommandBus,
    private readonly users: UserAccounts,
  ) {}

  @Delete('sessions')
  @HttpCode(204)
  @RequirePermissions('users:manage')
  @ActsOnUser('id')
  @ApiNoContentResponse({ description: 'every session of the user is ended; their access tokens stop on the next request' })
  async revokeSessions(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Param('id', IdParam) id: string): Promise<void> {
    // another organization's user is simply not found
    if (!(await this.users.findProfile(principal.organizationId, id))) throw new NotFoundError('User');
    await this.commands.execute(new RevokeSessionsCommand({ organizationId: principal.organizationId, userId: id }, 'revoked_by_admin', actor));
  }

  @Post('unlock')
  @HttpCode(200)
  @RequirePermissions('users:manage')
  @ActsOnUser('id')
  @ApiOkResponse({ description: '`{ wasLocked }`: the sign-in lockout and the failure count are cleared' })
  unlock(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Param('id', IdParam) id: string): Promise<{ wasLocked: boolean }> {
    return this.commands.execute(new UnlockUserCommand(principal.organizationId, id, actor));
  }

  @Post('mfa/reset')
  @HttpCode(204)
  @RequirePermissions('users:manage')
  @ActsOnUser('id')
  @ApiNoContentResponse({ description: 'the user’s second factor and recovery codes are removed; they are told by mail' })
  async resetMfa(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Param('id', IdParam) id: string): Promise<void> {
    await this.commands.execute(new ResetUserMfaCommand({ organizationId: principal.organizationId, userId: id }, actor));
  }
}
