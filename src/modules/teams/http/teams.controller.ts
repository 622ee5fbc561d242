import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor } from '../../../shared/actor';
import { CurrentActor, CurrentPrincipal } from '../../../shared/decorators';
import { InvalidInputError } from '../../../shared/domain-error';
import { IdParam } from '../../../shared/id-param';
import type { Principal } from '../../../shared/principal';
import { GrantListResponse, ListTeamGrantsQuery, RequirePermissions, SetTeamGrantsCommand, SetTeamGrantsRequest, toGrantResponse } from '../../access-policy';
import { ArchiveTeamCommand } from '../commands/archive-team/archive-team.command';
import { CreateTeamCommand } from '../commands/create-team/create-team.command';
import { CreateTeamRequest } from '../commands/create-team/create-team.request';
import { PutTeamMemberCommand } from '../commands/put-team-member/put-team-member.command';
import { PutTeamMemberRequest } from '../commands/put-team-member/put-team-member.request';
import { RemoveTeamMemberCommand } from '../commands/remove-team-member/remove-team-member.command';
import { SaveTeamDashboardCommand } from '../commands/save-team-dashboard/save-team-dashboard.command';
import { UpdateTeamCommand } from '../commands/update-team/update-team.command';
import { UpdateTeamRequest } from '../commands/update-team/update-team.request';
import { GetTeamDashboardQuery } from '../queries/get-team-dashboard/get-team-dashboard.query';
import { GetTeamQuery } from '../queries/get-team/get-team.query';
import { ListTeamsQuery } from '../queries/list-teams/list-teams.query';
import { ListTeamsRequest } from '../queries/list-teams/list-teams.request';
import type { TeamView } from '../queries/team.view';
import { TeamDashboardResponse, TeamDetailResponse, TeamMembershipResponse, TeamPageResponse, TeamResponse } from './team.responses';

function toResponse(view: TeamView): TeamResponse {
  return { ...view, archivedAt: view.archivedAt?.toISOString() ?? null, createdAt: view.createdAt.toISOString() };
}

function parseIfMatch(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(?:W\/)?"(\d+)"$/.exec(value.trim());
  if (!match) throw new InvalidInputError('COMMON.BAD_IF_MATCH', 'If-Match', 'If-Match must be a quoted version such as "3"');
  return Number(match[1]);
}

/**
 * Teams and departments, members and leads, team grants and dashboards. Team managers
 * (`teams:manage`) change any team; a lead changes their own team's members and dashboard
 * (checked on the team itself, in the command), so those routes ask only `teams:read`.
 */
@ApiTags('teams')
@ApiBearerAuth()
@Controller('api/v1/teams')
export class TeamsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @RequirePermissions('teams:read')
  @ApiOkResponse({ type: TeamPageResponse })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: ListTeamsRequest): Promise<TeamPageResponse> {
    const page = await this.queries.execute(
      new ListTeamsQuery(principal.organizationId, { parentId: query.parentId, includeArchived: query.archived ?? false, limit: query.limit, cursor: query.cursor }),
    );
    return { items: page.items.map(toResponse), nextCursor: page.nextCursor };
  }

  @Post()
  @RequirePermissions('teams:manage')
  @ApiCreatedResponse({ type: TeamResponse, description: 'event team.created' })
  @ApiConflictResponse({ description: 'an active team has this name' })
  async create(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Body() body: CreateTeamRequest): Promise<TeamResponse> {
    return toResponse(
      await this.commands.execute(
        new CreateTeamCommand(principal, { name: body.name, description: body.description ?? null, parentId: body.parentId?.toLowerCase() ?? null }, actor),
      ),
    );
  }

  @Get(':id')
  @RequirePermissions('teams:read')
  @ApiOkResponse({ type: TeamDetailResponse })
  async get(@CurrentPrincipal() principal: Principal, @Param('id', IdParam) id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<TeamDetailResponse> {
    const team = await this.queries.execute(new GetTeamQuery(principal.organizationId, id));
    void reply.header('ETag', `"${team.version}"`);
    return { ...toResponse(team), members: team.members.map((member) => ({ ...member, joinedAt: member.joinedAt.toISOString() })), childIds: team.childIds };
  }

  @Patch(':id')
  @RequirePermissions('teams:manage')
  @ApiHeader({ name: 'If-Match', required: false, description: 'the version read; a stale one is refused with 412' })
  @ApiOkResponse({ type: TeamResponse, description: 'event team.updated (rename, describe, move under another parent; never a cycle)' })
  async update(
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Param('id', IdParam) id: string,
    @Body() body: UpdateTeamRequest,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<TeamResponse> {
    return toResponse(await this.commands.execute(new UpdateTeamCommand(principal, id, body, parseIfMatch(ifMatch), actor)));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions('teams:manage')
  @ApiNoContentResponse({ description: 'archived (event team.archived): its grants stop reaching its members' })
  @ApiConflictResponse({ description: 'active teams sit under it, or it is archived already' })
  async archive(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Param('id', IdParam) id: string): Promise<void> {
    await this.commands.execute(new ArchiveTeamCommand(principal, id, actor));
  }

  @Put(':id/members/:userId')
  @RequirePermissions('teams:read')
  @ApiCreatedResponse({ type: TeamMembershipResponse, description: 'added (event team.member_added)' })
  @ApiOkResponse({ type: TeamMembershipResponse, description: 'a member already; lead changed if asked, and a membership SSO set becomes hand-set (team.member_updated)' })
  async putMember(
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Param('id', IdParam) id: string,
    @Param('userId', IdParam) userId: string,
    @Body() body: PutTeamMemberRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TeamMembershipResponse> {
    const member = await this.commands.execute(new PutTeamMemberCommand(principal, id, userId, body.lead ?? false, actor));
    void reply.status(member.created ? 201 : 200);
    return { teamId: member.teamId, userId: member.userId, lead: member.lead, joinedAt: member.joinedAt.toISOString() };
  }

  @Delete(':id/members/:userId')
  @HttpCode(204)
  @RequirePermissions('teams:read')
  @ApiNoContentResponse({ description: 'event team.member_removed; the team’s grants stop reaching them on their next request (a membership SSO set comes back at the next login while the IdP’s groups still map to the team)' })
  async removeMember(
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Param('id', IdParam) id: string,
    @Param('userId', IdParam) userId: string,
  ): Promise<void> {
    await this.commands.execute(new RemoveTeamMemberCommand(principal, id, userId, actor));
  }

  @Get(':id/permissions')
  @RequirePermissions('teams:read')
  @ApiOkResponse({ type: GrantListResponse, description: 'the grants the team holds (they reach its members and the teams under it)' })
  async grants(@CurrentPrincipal() principal: Principal, @Param('id', IdParam) id: string): Promise<GrantListResponse> {
    await this.queries.execute(new GetTeamQuery(principal.organizationId, id));
    return { grants: (await this.queries.execute(new ListTeamGrantsQuery(principal.organizationId, id))).map(toGrantResponse) };
  }

  @Put(':id/permissions')
  @RequirePermissions('teams:manage')
  @ApiOkResponse({ type: GrantListResponse, description: 'event team.permissions_set; only actions you hold yourself' })
  async setGrants(
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Param('id', IdParam) id: string,
    @Body() body: SetTeamGrantsRequest,
  ): Promise<GrantListResponse> {
    return { grants: (await this.commands.execute(new SetTeamGrantsCommand(principal, id, body.grants, actor))).map(toGrantResponse) };
  }

  @Get(':id/dashboard')
  @RequirePermissions('teams:read')
  @ApiOkResponse({ type: TeamDashboardResponse })
  getDashboard(@CurrentPrincipal() principal: Principal, @Param('id', IdParam) id: string): Promise<TeamDashboardResponse> {
    return this.queries.execute(new GetTeamDashboardQuery(principal.organizationId, id));
  }

  @Put(':id/dashboard')
  @RequirePermissions('teams:read')
  @ApiBody({ schema: { example: { widgets: [{ id: 'w1', type: 'members', position: { x: 0, y: 0, w: 6, h: 4 } }], filters: { statuses: ['active'] } } } })
  @ApiOkResponse({ type: TeamDashboardResponse, description: 'event team.dashboard_saved; team managers and the team’s leads' })
  async saveDashboard(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Param('id', IdParam) id: string, @Body() body: unknown): Promise<TeamDashboardResponse> {
    await this.commands.execute(new SaveTeamDashboardCommand(principal, id, body, actor));
    return this.queries.execute(new GetTeamDashboardQuery(principal.organizationId, id));
  }
}
