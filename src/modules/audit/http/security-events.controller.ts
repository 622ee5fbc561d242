import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../../shared/actor';
import { CurrentActor, CurrentPrincipal } from '../../../shared/decorators';
import { IdParam } from '../../../shared/id-param';
import type { Principal } from '../../../shared/principal';
import { RequirePermissions } from '../../access-policy';
import { TriageSecurityAlertCommand } from '../commands/triage-security-alert/triage-security-alert.command';
import type { AlertAction } from '../domain/security-alert-status';
import { GetSecurityAlertQuery } from '../queries/get-security-alert/get-security-alert.query';
import { ListSecurityAlertsQuery } from '../queries/list-security-alerts/list-security-alerts.query';
import { ListSecurityEventsRequest, TriageSecurityEventRequest } from './security-events.request';
import { SecurityEventDetailResponse, SecurityEventPage, SecurityEventResponse } from './security-events.responses';

/** The security detector's alerts: read like the trail, triaged by who holds audit:manage. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/audit/security-events')
export class SecurityEventsController {
  constructor(
    private readonly queries: QueryBus,
    private readonly commands: CommandBus,
  ) {}

  @Get()
  @RequirePermissions('audit:read')
  @ApiOkResponse({ type: SecurityEventPage, description: 'newest first' })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListSecurityEventsRequest): Promise<SecurityEventPage> {
    return this.queries.execute(new ListSecurityAlertsQuery(principal.organizationId, query));
  }

  @Get(':id')
  @RequirePermissions('audit:read')
  @ApiOkResponse({ type: SecurityEventDetailResponse })
  @ApiNotFoundResponse({ description: 'no such alert in your organization' })
  get(@CurrentPrincipal() principal: Principal, @Param('id', IdParam) id: string): Promise<SecurityEventDetailResponse> {
    return this.queries.execute(new GetSecurityAlertQuery(principal.organizationId, id));
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @RequirePermissions('audit:manage')
  @ApiOkResponse({ type: SecurityEventResponse, description: 'open → acknowledged' })
  @ApiConflictResponse({ description: 'AUDIT.ALERT_TRANSITION: the alert is already acknowledged or resolved' })
  acknowledge(
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Param('id', IdParam) id: string,
    @Body() body: TriageSecurityEventRequest,
  ): Promise<SecurityEventResponse> {
    return this.triage(principal, actor, id, 'acknowledge', body);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @RequirePermissions('audit:manage')
  @ApiOkResponse({ type: SecurityEventResponse, description: 'open or acknowledged → resolved' })
  @ApiConflictResponse({ description: 'AUDIT.ALERT_TRANSITION: the alert is already resolved' })
  resolve(
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Param('id', IdParam) id: string,
    @Body() body: TriageSecurityEventRequest,
  ): Promise<SecurityEventResponse> {
    return this.triage(principal, actor, id, 'resolve', body);
  }

  private triage(principal: Principal, actor: Actor, id: string, action: AlertAction, body: TriageSecurityEventRequest | undefined): Promise<SecurityEventResponse> {
    const note = body?.note?.trim() || null;
    return this.commands.execute(new TriageSecurityAlertCommand(actor, principal.organizationId, principal.userId, id, action, note));
  }
}
