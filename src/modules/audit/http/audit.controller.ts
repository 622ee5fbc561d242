import { Controller, Get, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal } from '../../../shared/decorators';
import type { Principal } from '../../../shared/principal';
import { RequirePermissions } from '../../access-policy';
import { ExportEventsQuery } from '../queries/export-events/export-events.query';
import { ListAuditEventsQuery } from '../queries/list-audit-events/list-audit-events.query';
import { VerifyChainQuery } from '../queries/verify-chain/verify-chain.query';
import { ExportRequest, ListAuditEventsRequest, TimeRangeRequest } from './audit-events.request';
import { AuditEventPage, VerifyResponse } from './audit.responses';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly queries: QueryBus) {}

  @Get('events')
  @RequirePermissions('audit:read')
  @ApiOkResponse({ type: AuditEventPage })
  events(@CurrentPrincipal() principal: Principal, @Query() query: ListAuditEventsRequest): Promise<AuditEventPage> {
    return this.queries.execute(new ListAuditEventsQuery(principal.organizationId, query));
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
}
