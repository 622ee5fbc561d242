import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../../shared/actor';
import { CurrentActor, CurrentPrincipal } from '../../../shared/decorators';
import { IdParam } from '../../../shared/id-param';
import type { Principal } from '../../../shared/principal';
import { RequirePermissions } from '../../access-policy';
import { CreateApiKeyCommand } from '../commands/create-api-key/create-api-key.command';
import { CreateApiKeyRequest } from '../commands/create-api-key/create-api-key.request';
import { RevokeApiKeyCommand } from '../commands/revoke-api-key/revoke-api-key.command';
import { ListApiKeysQuery } from '../queries/list-api-keys/list-api-keys.query';
import { ApiKeyListResponse, CreatedApiKeyResponse } from './api-key.response';

@ApiTags('me')
@ApiBearerAuth()
@Controller('api/v1/me/api-keys')
export class MeApiKeysController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @RequirePermissions('account:read')
  @ApiOkResponse({ type: ApiKeyListResponse, description: 'with an API key, only when it carries the scope account:read; creating and revoking keys needs a signed-in session' })
  async list(@CurrentPrincipal() principal: Principal): Promise<ApiKeyListResponse> {
    return { items: await this.queries.execute(new ListApiKeysQuery(principal.organizationId, principal.userId)), nextCursor: null };
  }

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: CreatedApiKeyResponse })
  async create(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Body() body: CreateApiKeyRequest): Promise<CreatedApiKeyResponse> {
    const created = await this.commands.execute(new CreateApiKeyCommand(principal, body.name, body.scopes, body.expiresAt, actor));
    return { ...created, expiresAt: created.expiresAt.toISOString(), createdAt: created.createdAt.toISOString() };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'the key stops working on its next use' })
  async revoke(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Param('id', IdParam) id: string): Promise<void> {
    await this.commands.execute(new RevokeApiKeyCommand(principal.organizationId, principal.userId, id, actor));
  }
}
