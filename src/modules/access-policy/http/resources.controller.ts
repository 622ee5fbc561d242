import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../../shared/actor';
import { CurrentActor, CurrentPrincipal } from '../../../shared/decorators';
import { IdParam } from '../../../shared/id-param';
import type { Principal } from '../../../shared/principal';
import { DeleteResourceCommand } from '../commands/delete-resource/delete-resource.command';
import { RegisterResourceCommand } from '../commands/register-resource/register-resource.command';
import { RegisterResourceRequest } from '../commands/register-resource/register-resource.request';
import { SetResourceGrantsCommand } from '../commands/set-resource-grants/set-resource-grants.command';
import { SetResourceGrantsRequest } from '../commands/set-resource-grants/set-resource-grants.request';
import { UpdateResourceCommand } from '../commands/update-resource/update-resource.command';
import { UpdateResourceRequest } from '../commands/update-resource/update-resource.request';
import { GetResourceQuery } from '../queries/get-resource/get-resource.query';
import { ListResourcesQuery } from '../queries/list-resources/list-resources.query';
import { ListResourcesRequest } from '../queries/list-resources/list-resources.request';
import type { GrantView, ResourceView } from '../queries/resource.view';
import { GrantListResponse, GrantResponse, ResourceDetailResponse, ResourcePageResponse, ResourceResponse } from './access.responses';
import { RequirePermissions } from './require-permissions.decorator';

export function toResourceResponse(view: ResourceView): ResourceResponse {
  return { ...view, createdAt: view.createdAt.toISOString() };
}

export function toGrantResponse(view: GrantView): GrantResponse {
  return { ...view, expiresAt: view.expiresAt?.toISOString() ?? null };
}

/** The platform's resources, registered by type and the calling service's own id, and their grants. */
@ApiTags('access-policy')
@ApiBearerAuth()
@Controller('api/v1/resources')
export class ResourcesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @RequirePermissions('resources:read')
  @ApiOkResponse({ type: ResourcePageResponse })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: ListResourcesRequest): Promise<ResourcePageResponse> {
    const page = await this.queries.execute(
      new ListResourcesQuery(principal.organizationId, { type: query.type, teamId: query.teamId, externalId: query.externalId }, query.limit, query.cursor),
    );
    return { items: page.items.map(toResourceResponse), nextCursor: page.nextCursor };
  }

  @Post()
  @RequirePermissions('resources:manage')
  @ApiCreatedResponse({ type: ResourceResponse, description: 'event resource.registered' })
  @ApiConflictResponse({ description: 'this type and externalId are registered already' })
  async register(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Body() body: RegisterResourceRequest): Promise<ResourceResponse> {
    const view = await this.commands.execute(
      new RegisterResourceCommand(principal, { type: body.type, externalId: body.externalId, name: body.name, teamId: body.teamId?.toLowerCase() ?? null }, actor),
    );
    return toResourceResponse(view);
  }

  @Get(':id')
  @RequirePermissions('resources:read')
  @ApiOkResponse({ type: ResourceDetailResponse })
  async get(@CurrentPrincipal() principal: Principal, @Param('id', IdParam) id: string): Promise<ResourceDetailResponse> {
    const { resource, grants } = await this.queries.execute(new GetResourceQuery(principal.organizationId, id));
    return { ...toResourceResponse(resource), grants: grants.map(toGrantResponse) };
  }

  @Patch(':id')
  @RequirePermissions('resources:manage')
  @ApiOkResponse({ type: ResourceResponse, description: 'event resource.updated' })
  async update(
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Param('id', IdParam) id: string,
    @Body() body: UpdateResourceRequest,
  ): Promise<ResourceResponse> {
    return toResourceResponse(await this.commands.execute(new UpdateResourceCommand(principal, id, { name: body.name, teamId: body.teamId?.toLowerCase() ?? body.teamId }, actor)));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions('resources:manage')
  @ApiNoContentResponse({ description: 'event resource.deleted; its grants go with it' })
  async remove(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Param('id', IdParam) id: string): Promise<void> {
    await this.commands.execute(new DeleteResourceCommand(principal, id, actor));
  }

  @Get(':id/permissions')
  @RequirePermissions('resources:read')
  @ApiOkResponse({ type: GrantListResponse })
  async grants(@CurrentPrincipal() principal: Principal, @Param('id', IdParam) id: string): Promise<GrantListResponse> {
    const { grants } = await this.queries.execute(new GetResourceQuery(principal.organizationId, id));
    return { grants: grants.map(toGrantResponse) };
  }

  @Put(':id/permissions')
  @RequirePermissions('resources:manage')
  @ApiOkResponse({ type: GrantListResponse, description: 'event resource.permissions_set; seen by the very next check' })
  async setGrants(
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Param('id', IdParam) id: string,
    @Body() body: SetResourceGrantsRequest,
  ): Promise<GrantListResponse> {
    const grants = await this.commands.execute(new SetResourceGrantsCommand(principal, id, body.grants, actor));
    return { grants: grants.map(toGrantResponse) };
  }
}
