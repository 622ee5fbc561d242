import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../../shared/actor';
import { CurrentActor, CurrentPrincipal } from '../../../shared/decorators';
import { IdParam } from '../../../shared/id-param';
import type { Principal } from '../../../shared/principal';
import { RequirePermissions } from '../../access-policy';
import { MarkNotificationsReadCommand } from '../commands/mark-notifications-read/mark-notifications-read.command';
import { ListNotificationsQuery } from '../queries/list-notifications/list-notifications.query';
import { ListNotificationsRequest } from './notifications.request';
import { MarkedReadResponse, NotificationFeedResponse } from './notifications.responses';

/** The signed-in user's in-app notices: security alerts (Administrators) and the outcomes of their invitations. */
@ApiTags('me')
@ApiBearerAuth()
@Controller('api/v1/me/notifications')
export class NotificationsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @RequirePermissions('account:read')
  @ApiOkResponse({ type: NotificationFeedResponse, description: 'newest first; with an API key, only when it carries the scope account:read; security alerts only while the caller holds audit:read (a key: and carries it)' })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: ListNotificationsRequest): Promise<NotificationFeedResponse> {
    return this.queries.execute(new ListNotificationsQuery(principal, { unread: query.unread ?? false, cursor: query.cursor, limit: query.limit }));
  }

  @Post('read-all')
  @HttpCode(200)
  @ApiOkResponse({ type: MarkedReadResponse, description: 'every unread notice marked read; needs a signed-in session' })
  async readAll(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor): Promise<MarkedReadResponse> {
    return this.commands.execute(new MarkNotificationsReadCommand(principal, 'all', actor));
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiOkResponse({ type: MarkedReadResponse, description: 'the notice marked read (marked 0 when it already was); another user’s notice is a 404; needs a signed-in session' })
  async read(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Param('id', IdParam) id: string): Promise<MarkedReadResponse> {
    return this.commands.execute(new MarkNotificationsReadCommand(principal, { id }, actor));
  }
}
