import { Controller, Delete, Get, HttpCode, Param } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../../shared/actor';
import { IdParam } from '../../../shared/id-param';
import { CurrentActor, CurrentPrincipal } from '../../../shared/decorators';
import type { Principal } from '../../../shared/principal';
import { RequirePermissions } from '../../access-policy';
import { RevokeSessionsCommand } from '../commands/revoke-sessions/revoke-sessions.command';
import { ListSessionsQuery } from '../queries/list-sessions/list-sessions.query';
import { SessionListResponse } from './session.response';

@ApiTags('me')
@ApiBearerAuth()
@Controller('api/v1/me/sessions')
export class MeSessionsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @RequirePermissions('account:read')
  @ApiOkResponse({ type: SessionListResponse, description: 'with an API key, only when it carries the scope account:read; ending sessions needs a signed-in session' })
  async list(@CurrentPrincipal() principal: Principal): Promise<SessionListResponse> {
    const items = await this.queries.execute(new ListSessionsQuery(principal.organizationId, principal.userId, principal.sessionId));
    return { items, nextCursor: null };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'the session is ended; another user’s session is a 404' })
  async revoke(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Param('id', IdParam) id: string): Promise<void> {
    await this.commands.execute(
      new RevokeSessionsCommand({ organizationId: principal.organizationId, userId: principal.userId, sessionId: id }, 'revoked_by_user', actor),
    );
  }

  @Delete()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'every other session of the caller is ended' })
  async revokeOthers(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor): Promise<void> {
    await this.commands.execute(
      new RevokeSessionsCommand(
        { organizationId: principal.organizationId, userId: principal.userId, exceptSessionId: principal.sessionId ?? undefined },
        'revoked_by_user',
        actor,
      ),
    );
  }
}
