import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../../shared/actor';
import { CurrentActor, CurrentPrincipal } from '../../../shared/decorators';
import { IdParam } from '../../../shared/id-param';
import type { Principal } from '../../../shared/principal';
import { ActsOnUser, RequirePermissions } from '../../access-policy';
import { ChangeUserRoleCommand } from '../commands/change-user-role/change-user-role.command';
import { ChangeUserRoleRequest } from '../commands/change-user-role/change-user-role.request';
import { DeactivateUserCommand } from '../commands/deactivate-user/deactivate-user.command';
import { ReactivateUserCommand } from '../commands/reactivate-user/reactivate-user.command';
import { RemoveUserCommand } from '../commands/remove-user/remove-user.command';
import { GetUserQuery } from '../queries/get-user/get-user.query';
import { ListUsersQuery } from '../queries/list-users/list-users.query';
import { ListUsersRequest } from '../queries/list-users/list-users.request';
import { UserDetailResponse, UserPageResponse } from './user.response';

/** What administrators see of and do to the organization's users: the list, roles and the lifecycle. */
@ApiTags('users')
@ApiBearerAuth()
@Controller('api/v1/users')
export class UserAdministrationController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @RequirePermissions('users:read')
  @ApiOkResponse({ type: UserPageResponse, description: 'newest first; removed users appear as "removed user" without an email' })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListUsersRequest): Promise<UserPageResponse> {
    return this.queries.execute(new ListUsersQuery(principal.organizationId, query));
  }

  @Get(':id')
  @RequirePermissions('users:read')
  @ApiOkResponse({ type: UserDetailResponse })
  get(@CurrentPrincipal() principal: Principal, @Param('id', IdParam) id: string): Promise<UserDetailResponse> {
    return this.queries.execute(new GetUserQuery(principal.organizationId, id));
  }

  @Put(':id/role')
  @RequirePermissions('roles:assign')
  @ActsOnUser('id')
  @ApiOkResponse({
    type: UserDetailResponse,
    description: 'nobody grants what they lack; a Manager assigns only Developer and Viewer; the last active Administrator stays one; the user’s tokens stop on their next request',
  })
  changeRole(
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Param('id', IdParam) id: string,
    @Body() body: ChangeUserRoleRequest,
  ): Promise<UserDetailResponse> {
    return this.commands.execute(new ChangeUserRoleCommand(principal, id, body.role, actor));
  }

  @Post(':id/deactivate')
  @HttpCode(200)
  @RequirePermissions('users:manage')
  @ActsOnUser('id')
  @ApiOkResponse({ type: UserDetailResponse, description: 'the user is signed out on their next request and cannot sign in' })
  deactivate(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Param('id', IdParam) id: string): Promise<UserDetailResponse> {
    return this.commands.execute(new DeactivateUserCommand(principal, id, actor));
  }

  @Post(':id/reactivate')
  @HttpCode(200)
  @RequirePermissions('users:manage')
  @ActsOnUser('id')
  @ApiOkResponse({ type: UserDetailResponse })
  reactivate(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Param('id', IdParam) id: string): Promise<UserDetailResponse> {
    return this.commands.execute(new ReactivateUserCommand(principal, id, actor));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions('users:manage')
  @ActsOnUser('id')
  @ApiNoContentResponse({ description: 'the user’s personal data is erased for good; the audit trail shows "removed user"' })
  async remove(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Param('id', IdParam) id: string): Promise<void> {
    await this.commands.execute(new RemoveUserCommand(principal, id, actor));
  }
}
