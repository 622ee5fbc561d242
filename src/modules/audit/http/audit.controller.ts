import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor } from '../../../shared/actor';
import { CurrentActor, CurrentPrincipal } from '../../../shared/decorators';
import { IdParam } from '../../../shared/id-param';
import { PageRequest } from '../../../shared/page-request';
import type { Principal } from '../../../shared/principal';
import { RequirePermissions } from '../../access-policy';
import { CreateWebhookCommand } from '../commands/create-webhook/create-webhook.command';
import { DeleteWebhookCommand } from '../commands/delete-webhook/delete-webhook.command';
import { ListWebhookDeliveriesQuery } from '../queries/list-webhook-deliveries/list-webhook-deliveries.query';
import { ListWebhooksQuery } from '../queries/list-webhooks/list-webhooks.query';
import { CreateWebhookRequest } from './webhooks.request';
import { CreateCheckpointCommand } from '../commands/create-checkpoint/create-checkpoint.command';
import type { Checkpoint } from '../infrastructure/checkpoints.repository';
import { ListCheckpointsQuery } from '../queries/list-checkpoints/list-checkpoints.query';
import { ExportEventsQuery } from '../queries/export-events/export-events.query';
import { ListEventTypesQuery } from '../queries/list-event-types/list-event-types.query';
import { ListAuditEventsQuery } from '../queries/list-audit-events/list-audit-events.query';
import { VerifyChainQuery } from '../queries/verify-chain/verify-chain.query';
import { ExportRequest, ListAuditEventsRequest, TimeRangeRequest } from './audit-events.request';
import {
  AuditEventPage,
  CheckpointPage,
  CheckpointResponse,
  CreatedWebhookResponse,
  EventTypeList,
  VerifyResponse,
  WebhookDeliveryPage,
  WebhookList,
} from './audit.responses';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/audit')
export class AuditController {
  constructor(
    private readonly queries: QueryBus,
    private readonly commands: CommandBus,
  ) {}

  @Get('events')
  @RequirePermissions('audit:read')
  @ApiOkResponse({ type: AuditEventPage })
  events(@CurrentPrincipal() principal: Principal, @Query() query: ListAuditEventsRequest): Promise<AuditEventPage> {
    return this.queries.execute(new ListAuditEventsQuery(principal.organizationId, query));
  }

  @Get('event-types')
  @RequirePermissions('audit:read')
  @ApiOkResponse({ type: EventTypeList, description: 'the event catalogue: every type any module records, its meaning and its payload schema' })
  async eventTypes(): Promise<EventTypeList> {
    return { items: await this.queries.execute(new ListEventTypesQuery()) };
  }

  @Get('export')
  @RequirePermissions('audit:export')
  @ApiProduces('application/x-ndjson', 'text/csv')
  @ApiOkResponse({ description: 'every event of the range, in seq order, in the hashed form (DESIGN.md)' })
  async export(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ExportRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const stream = await this.queries.execute(new ExportEventsQuery(principal.organizationId, query.format, query));
    const csv = query.format === 'csv';
    await reply
      .header('Content-Type', csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="audit-events.${csv ? 'csv' : 'ndjson'}"`)
      .send(stream);
  }

  @Get('verify')
  @RequirePermissions('audit:export')
  @ApiOkResponse({ type: VerifyResponse })
  verify(@CurrentPrincipal() principal: Principal, @Query() query: TimeRangeRequest): Promise<VerifyResponse> {
    return this.queries.execute(new VerifyChainQuery(principal.organizationId, query));
  }

  @Get('checkpoints')
  @RequirePermissions('audit:export')
  @ApiOkResponse({ type: CheckpointPage })
  checkpoints(@CurrentPrincipal() principal: Principal, @Query() query: PageRequest): Promise<CheckpointPage> {
    return this.queries.execute(new ListCheckpointsQuery(principal.organizationId, query));
  }

  @Post('checkpoints')
  @HttpCode(201)
  @RequirePermissions('audit:export')
  @ApiCreatedResponse({ type: CheckpointResponse, description: 'the head signed now (or the newest checkpoint, when the head has not moved since)' })
  async checkpoint(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor): Promise<CheckpointResponse> {
    const checkpoint = await this.commands.execute(new CreateCheckpointCommand(actor, principal.organizationId, 'on_demand'));
    return checkpoint as Checkpoint;
  }

  @Get('webhooks')
  @RequirePermissions('audit:export')
  @ApiOkResponse({ type: WebhookList })
  async webhooks(@CurrentPrincipal() principal: Principal): Promise<WebhookList> {
    const items = await this.queries.execute(new ListWebhooksQuery(principal.organizationId));
    return { items: items.map(({ organizationId: _organization, ...webhook }) => webhook) };
  }

  @Post('webhooks')
  @HttpCode(201)
  @RequirePermissions('audit:export')
  @ApiCreatedResponse({ type: CreatedWebhookResponse })
  async createWebhook(
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Body() body: CreateWebhookRequest,
  ): Promise<CreatedWebhookResponse> {
    const { webhook, secret } = await this.commands.execute(new CreateWebhookCommand(actor, principal.organizationId, body.url, body.eventTypes));
    const { organizationId: _organization, ...shown } = webhook;
    return { ...shown, secret };
  }

  @Delete('webhooks/:id')
  @HttpCode(204)
  @RequirePermissions('audit:export')
  async deleteWebhook(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Param('id', IdParam) id: string): Promise<void> {
    await this.commands.execute(new DeleteWebhookCommand(actor, principal.organizationId, id));
  }

  @Get('webhooks/:id/deliveries')
  @RequirePermissions('audit:export')
  @ApiOkResponse({ type: WebhookDeliveryPage })
  deliveries(@CurrentPrincipal() principal: Principal, @Param('id', IdParam) id: string, @Query() query: PageRequest): Promise<WebhookDeliveryPage> {
    return this.queries.execute(new ListWebhookDeliveriesQuery(principal.organizationId, id, query));
  }
}
