import { Controller, Delete, Get, HttpCode, Param } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../../shared/actor';
import { CurrentActor, CurrentPrincipal } from '../../../shared/decorators';
import { NotFoundError } from '../../../shared/domain-error';
import { IdParam } from '../../../shared/id-param';
import type { Principal } from '../../../shared/principal';
import { ActsOnUser, RequirePermissions } from '../../access-policy';
import { UserAccounts } from '../../users';
import { UnlinkSamlIdentityCommand } from '../commands/unlink-saml-identity/unlink-saml-identity.command';
import { ListConnectedServicesQuery, type ConnectedServiceView } from '../queries/list-connected-services/list-connected-services.query';

@ApiTags('me')
@ApiBearerAuth()
@Controller('api/v1/me/connected-services')
export class MeConnectedServicesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @RequirePermissions('account:read')
  @ApiOkResponse({ description: '`{ items, nextCursor }`: the caller’s linked identities (SAML: connection, NameID, last groups)' })
  async list(@CurrentPrincipal() principal: Principal): Promise<{ items: ConnectedServiceView[]; nextCursor: null }> {
    return { items: await this.queries.execute(new ListConnectedServicesQuery(principal.organizationId, principal.userId)), nextCursor: null };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'the link is removed; the next SSO login links again only under the connection’s rules' })
  async unlink(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Param('id', IdParam) id: string): Promise<void> {
    await this.commands.execute(new UnlinkSamlIdentityCommand(principal.organizationId, principal.userId, id, 'user', actor));
  }
}

/** Administrators see and end a user's links to the organization's IdP. */
@ApiTags('users')
@ApiBearerAuth()
@Controller('api/v1/users/:userId/connected-services')
export class UserConnectedServicesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly users: UserAccounts,
  ) {}

  @Get()
  @RequirePermissions('users:read')
  @ApiOkResponse({ description: '`{ items, nextCursor }`: the user’s linked identities' })
  async list(@CurrentPrincipal() principal: Principal, @Param('userId', IdParam) userId: string): Promise<{ items: ConnectedServiceView[]; nextCursor: null }> {
    if (!(await this.users.findProfile(principal.organizationId, userId))) throw new NotFoundError('User');
    return { items: await this.queries.execute(new ListConnectedServicesQuery(principal.organizationId, userId)), nextCursor: null };
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions('users:manage')
  @ActsOnUser('userId')
  @ApiNoContentResponse({ description: 'the link is removed' })
  async unlink(
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Param('userId', IdParam) userId: string,
    @Param('id', IdParam) id: string,
  ): Promise<void> {
    await this.commands.execute(new UnlinkSamlIdentityCommand(principal.organizationId, userId, id, 'admin', actor));
  }
}
