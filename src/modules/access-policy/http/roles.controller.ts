import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../../shared/actor';
import { CurrentActor, CurrentPrincipal } from '../../../shared/decorators';
import { InvalidInputError, NotFoundError } from '../../../shared/domain-error';
import { IdParam } from '../../../shared/id-param';
import type { Principal } from '../../../shared/principal';
import { CreateRoleCommand } from '../commands/create-role/create-role.command';
import { CreateRoleRequest } from '../commands/create-role/create-role.request';
import { DeleteRoleCommand } from '../commands/delete-role/delete-role.command';
import { UpdateRoleCommand } from '../commands/update-role/update-role.command';
import { UpdateRoleRequest } from '../commands/update-role/update-role.request';
import { PERMISSIONS } from '../domain/permissions';
import { ListRolesQuery } from '../queries/list-roles/list-roles.query';
import type { RoleView } from '../queries/role.view';
import { PermissionCatalogueResponse, RoleDeletedResponse, RoleListResponse, RoleResponse } from './access.responses';
import { RequirePermissions } from './require-permissions.decorator';

/** The permission catalogue and the organization's roles (built-in and custom). */
@ApiTags('access-policy')
@ApiBearerAuth()
@Controller('api/v1')
export class RolesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get('permissions')
  @RequirePermissions('organization:read')
  @ApiOkResponse({ type: PermissionCatalogueResponse, description: 'the catalogue roles are made from' })
  catalogue(): PermissionCatalogueResponse {
    return { items: Object.entries(PERMISSIONS).map(([name, description]) => ({ name, description })) };
  }

  @Get('roles')
  @RequirePermissions('organization:read')
  @ApiOkResponse({ type: RoleListResponse })
  async list(@CurrentPrincipal() principal: Principal): Promise<RoleListResponse> {
    return { items: await this.queries.execute(new ListRolesQuery(principal.organizationId)), nextCursor: null };
  }

  @Get('roles/:id')
  @RequirePermissions('organization:read')
  @ApiOkResponse({ type: RoleResponse })
  async get(@CurrentPrincipal() principal: Principal, @Param('id', IdParam) id: string): Promise<RoleView> {
    const found = (await this.queries.execute(new ListRolesQuery(principal.organizationId))).find((role) => role.id === id.toLowerCase());
    if (!found) throw new NotFoundError('Role');
    return found;
  }

  @Post('roles')
  @RequirePermissions('roles:manage')
  @ApiCreatedResponse({ type: RoleResponse, description: 'event role.created; only permissions you hold' })
  @ApiConflictResponse({ description: 'the name is taken (built-in names included)' })
  create(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Body() body: CreateRoleRequest): Promise<RoleView> {
    return this.commands.execute(new CreateRoleCommand(principal, { name: body.name, description: body.description ?? null, permissions: body.permissions }, actor));
  }

  @Patch('roles/:id')
  @RequirePermissions('roles:manage')
  @ApiOkResponse({ type: RoleResponse, description: 'event role.updated; holders see the change on their next request' })
  update(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Param('id', IdParam) id: string, @Body() body: UpdateRoleRequest): Promise<RoleView> {
    return this.commands.execute(new UpdateRoleCommand(principal, id, body, actor));
  }

  @Delete('roles/:id')
  @RequirePermissions('roles:manage', 'roles:assign')
  @ApiQuery({ name: 'replacement', required: false, description: 'the role its holders get instead; required while anyone holds it' })
  @ApiOkResponse({ type: RoleDeletedResponse, description: 'event role.deleted (and user.role_changed for each holder)' })
  @ApiConflictResponse({ description: 'in use and no replacement named' })
  async remove(
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Param('id', IdParam) id: string,
    @Query('replacement') replacement: unknown,
  ): Promise<RoleDeletedResponse> {
    if (replacement !== undefined && (typeof replacement !== 'string' || !replacement.length || replacement.length > 100)) {
      throw new InvalidInputError('ROLES.BAD_REPLACEMENT', 'replacement', 'replacement must be one role name');
    }
    return this.commands.execute(new DeleteRoleCommand(principal, id, replacement, actor));
  }
}
