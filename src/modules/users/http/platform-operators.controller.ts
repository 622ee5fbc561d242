import { Controller, Delete, Get, HttpCode, Param, Put, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor } from '../../../shared/actor';
import { CurrentActor, CurrentPrincipal } from '../../../shared/decorators';
import { IdParam } from '../../../shared/id-param';
import type { Principal } from '../../../shared/principal';
import { ActsOnUser, RequirePermissions } from '../../access-policy';
import { GrantPlatformOperatorCommand } from '../commands/grant-platform-operator/grant-platform-operator.command';
import { RevokePlatformOperatorCommand } from '../commands/revoke-platform-operator/revoke-platform-operator.command';
import { ListPlatformOperatorsQuery } from '../queries/list-platform-operators/list-platform-operators.query';
import type { PlatformOperatorView } from '../queries/list-platform-operators/platform-operator.view';
import { PlatformOperatorPage, PlatformOperatorResponse } from './platform-operator.responses';

function toResponse(view: PlatformOperatorView): PlatformOperatorResponse {
  return { ...view, grantedAt: view.grantedAt.toISOString() };
}

/**
 * Platform operators (create organizations, rotate signing keys) of the caller's
 * organization. Only an operator, read fresh from the grants, may see or change them; the
 * permission platform:operate only lets an API key ask.
 */
@ApiTags('platform')
@ApiBearerAuth()
@Controller('api/v1/platform-operators')
export class PlatformOperatorsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @RequirePermissions('platform:operate')
  @ApiOkResponse({ type: PlatformOperatorPage, description: 'operators only' })
  async list(@CurrentPrincipal() principal: Principal): Promise<PlatformOperatorPage> {
    return { items: (await this.queries.execute(new ListPlatformOperatorsQuery(principal))).map(toResponse), nextCursor: null };
  }

  @Put(':userId')
  @RequirePermissions('platform:operate')
  @ActsOnUser('userId')
  @ApiCreatedResponse({ type: PlatformOperatorResponse, description: 'granted (event platform.operator_granted)' })
  @ApiOkResponse({ type: PlatformOperatorResponse, description: 'an operator already: nothing changed' })
  @ApiConflictResponse({ description: 'only an active Administrator can be granted; the grant ends with demotion, deactivation or removal' })
  async grant(
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Param('userId', IdParam) userId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PlatformOperatorResponse> {
    const { operator, granted } = await this.commands.execute(new GrantPlatformOperatorCommand(principal, userId, actor));
    void reply.status(granted ? 201 : 200);
    return toResponse(operator);
  }

  @Delete(':userId')
  @HttpCode(204)
  @RequirePermissions('platform:operate')
  @ActsOnUser('userId')
  @ApiNoContentResponse({ description: 'revoked (event platform.operator_revoked, reason revoked); not one’s own grant' })
  async revoke(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Param('userId', IdParam) userId: string): Promise<void> {
    await this.commands.execute(new RevokePlatformOperatorCommand(principal, userId, actor));
  }
}
