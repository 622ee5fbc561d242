import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor } from '../../../shared/actor';
import { CurrentActor, CurrentPrincipal } from '../../../shared/decorators';
import { InvalidInputError } from '../../../shared/domain-error';
import { IdParam } from '../../../shared/id-param';
import type { Principal } from '../../../shared/principal';
import { RequirePermissions } from '../../access-policy';
import { InviteUserCommand, type IssuedInvitation } from '../commands/invite-user/invite-user.command';
import { InviteUserRequest } from '../commands/invite-user/invite-user.request';
import { InviteUsersBatchCommand, MAX_BATCH_ROWS } from '../commands/invite-users-batch/invite-users-batch.command';
import { ResendInvitationCommand } from '../commands/resend-invitation/resend-invitation.command';
import { RevokeInvitationCommand } from '../commands/revoke-invitation/revoke-invitation.command';
import { ListInvitationsQuery } from '../queries/list-invitations/list-invitations.query';
import { ListInvitationsRequest } from '../queries/list-invitations/list-invitations.request';
import { invitationRowsFromCsv } from './invitation-csv';
import { BatchInvitationResponse, InvitationPage, InvitationResponse } from './invitation.responses';

function toResponse(issued: IssuedInvitation): InvitationResponse {
  return { id: issued.id, email: issued.email, role: issued.role, status: issued.status, expiresAt: issued.expiresAt.toISOString() };
}

@ApiTags('invitations')
@ApiBearerAuth()
@Controller('api/v1/invitations')
export class InvitationsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @RequirePermissions('users:invite')
  @ApiCreatedResponse({ type: InvitationResponse, description: 'invited: a new account waits for the mailed link' })
  @ApiOkResponse({ type: InvitationResponse, description: 'an invitation was pending for this email: resent with a new link' })
  @ApiForbiddenResponse({ description: 'the role is one you may not assign (a Manager: Developer or Viewer only)' })
  @ApiConflictResponse({ description: 'the email belongs to a member already' })
  async invite(
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Body() body: InviteUserRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<InvitationResponse> {
    const issued = await this.commands.execute(new InviteUserCommand(principal, body.email, body.role, body.teamIds ?? [], actor));
    void reply.status(issued.outcome === 'resent' ? 200 : 201);
    return toResponse(issued);
  }

  @Post('batch')
  @HttpCode(207)
  @RequirePermissions('users:invite')
  @ApiConsumes('application/json', 'text/csv')
  @ApiBody({
    description: `up to ${MAX_BATCH_ROWS} rows: a JSON array of { email, role }, or text/csv with the header email,role (RFC 4180, 1 MiB at most)`,
    schema: { type: 'array', items: { type: 'object', properties: { email: { type: 'string' }, role: { type: 'string' } } } },
  })
  @ApiResponse({ status: 207, type: BatchInvitationResponse, description: 'one outcome per row; good rows are invited even when others fail' })
  async batch(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Body() body: unknown): Promise<BatchInvitationResponse> {
    let rows: unknown[];
    if (typeof body === 'string') rows = invitationRowsFromCsv(body);
    else if (Array.isArray(body)) rows = body;
    else throw new InvalidInputError('INVITATIONS.BAD_BATCH', 'body', 'send a JSON array of { email, role } or text/csv with the header email,role');
    return { results: await this.commands.execute(new InviteUsersBatchCommand(principal, rows, actor)) };
  }

  @Get()
  @RequirePermissions('users:read')
  @ApiOkResponse({ type: InvitationPage })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: ListInvitationsRequest): Promise<InvitationPage> {
    const page = await this.queries.execute(new ListInvitationsQuery(principal.organizationId, query));
    return {
      items: page.items.map((item) => ({
        ...item,
        expiresAt: item.expiresAt.toISOString(),
        createdAt: item.createdAt.toISOString(),
        resentAt: item.resentAt?.toISOString() ?? null,
      })),
      nextCursor: page.nextCursor,
    };
  }

  @Post(':id/resend')
  @HttpCode(200)
  @RequirePermissions('users:invite')
  @ApiOkResponse({ type: InvitationResponse, description: 'a new link is mailed; the old one stops working and the expiry restarts' })
  @ApiConflictResponse({ description: 'the invitation was accepted or revoked' })
  async resend(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Param('id', IdParam) id: string): Promise<InvitationResponse> {
    return toResponse(await this.commands.execute(new ResendInvitationCommand(principal, id, actor)));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions('users:invite')
  @ApiNoContentResponse({ description: 'revoked: the link is refused from now on' })
  @ApiConflictResponse({ description: 'the invitation was accepted already' })
  async revoke(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Param('id', IdParam) id: string): Promise<void> {
    await this.commands.execute(new RevokeInvitationCommand(principal, id, actor));
  }
}
