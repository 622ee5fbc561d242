import { Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../../shared/actor';
import { IdParam } from '../../../shared/id-param';
import { CurrentActor, CurrentPrincipal } from '../../../shared/decorators';
import { InvalidInputError, NotFoundError } from '../../../shared/domain-error';
import type { Principal } from '../../../shared/principal';
import { ActsOnUser, normalizeAddress, RequirePermissions } from '../../access-policy';
import { UserAccounts } from '../../users';
import { RevokeSessionsCommand } from '../commands/revoke-sessions/revoke-sessions.command';
import { ResetUserMfaCommand } from '../commands/reset-user-mfa/reset-user-mfa.command';
import { UnlockUserCommand } from '../commands/unlock-user/unlock-user.command';
import { DiagnoseSignInQuery } from '../queries/diagnose-sign-in/diagnose-sign-in.query';
import { SignInDiagnosisResponse } from './sign-in-diagnosis.response';

/** What administrators see of and do to another user's sign-in: the diagnosis, ending sessions, unlock, MFA reset. */
@ApiTags('users')
@ApiBearerAuth()
@Controller('api/v1/users/:id')
export class UserSignInController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly users: UserAccounts,
  ) {}

  @Get('sign-in-diagnosis')
  @RequirePermissions('users:manage')
  @ApiQuery({ name: 'ip', required: false, description: 'an IPv4 or IPv6 address to judge the IP allow-list (and address lockouts) for' })
  @ApiOkResponse({ type: SignInDiagnosisResponse, description: 'why the user can or cannot sign in now, each finding with the fixes an administrator can apply' })
  diagnose(@CurrentPrincipal() principal: Principal, @Param('id', IdParam) id: string, @Query('ip') ip: string | undefined): Promise<SignInDiagnosisResponse> {
    const address = ip === undefined ? null : normalizeAddress(ip);
    if (ip !== undefined && address === null) throw new InvalidInputError('COMMON.INVALID_QUERY', 'ip', 'ip must be an IPv4 or IPv6 address');
    return this.queries.execute(new DiagnoseSignInQuery(principal.organizationId, id, address));
  }

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
