import { Body, Controller, Get, Headers, HttpCode, Patch, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiPreconditionFailedResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor } from '../../../shared/actor';
import { CurrentActor, CurrentPrincipal } from '../../../shared/decorators';
import { InvalidInputError, NotFoundError } from '../../../shared/domain-error';
import type { Principal } from '../../../shared/principal';
import { RequirePermissions } from '../../access-policy';
import { CreateOrganizationCommand } from '../commands/create-organization/create-organization.command';
import { CreateOrganizationRequest } from '../commands/create-organization/create-organization.request';
import { OrganizationDirectory, type OrganizationSummary } from '../contracts/organization-directory';
import { UpdateOrganizationCommand } from '../commands/update-organization/update-organization.command';
import { UpdateOrganizationRequest } from '../commands/update-organization/update-organization.request';
import { CreatedOrganizationResponse, OrganizationResponse } from './organization.response';

@ApiTags('organizations')
@ApiBearerAuth()
@Controller('api/v1')
export class OrganizationsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly directory: OrganizationDirectory,
  ) {}

  @Post('organizations')
  @HttpCode(201)
  // the permission lets a key be scoped to it; the command checks the caller's operator grant, read fresh
  @RequirePermissions('platform:operate')
  @ApiCreatedResponse({ type: CreatedOrganizationResponse, description: 'platform operators only: a grant held now, as an active Administrator' })
  async create(
    @Body() body: CreateOrganizationRequest,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<CreatedOrganizationResponse> {
    const requestedBy = { organizationId: principal.organizationId, userId: principal.userId };
    const created = await this.commands.execute(new CreateOrganizationCommand(body.name, body.slug, body.adminEmail, actor, { requestedBy }));
    return { id: created.id, slug: created.slug, name: created.name, adminUserId: created.adminUserId };
  }

  @Get('organization')
  @RequirePermissions('organization:read')
  @ApiOkResponse({ type: OrganizationResponse })
  async current(@CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply): Promise<OrganizationResponse> {
    const organization = await this.directory.findById(principal.organizationId);
    if (!organization) throw new NotFoundError('Organization');
    void reply.header('ETag', `"${organization.version}"`);
    return toResponse(organization);
  }

  @Patch('organization')
  @RequirePermissions('organization:manage')
  @ApiHeader({ name: 'If-Match', required: false, description: 'the version read; a stale one is refused with 412' })
  @ApiOkResponse({ type: OrganizationResponse, description: 'event organization.updated, with the changed fields before and after' })
  @ApiConflictResponse({ description: 'another organization has this slug' })
  @ApiPreconditionFailedResponse({ description: 'the organization changed since the version in If-Match' })
  async update(
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Body() body: UpdateOrganizationRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OrganizationResponse> {
    const updated = await this.commands.execute(
      new UpdateOrganizationCommand(
        principal.organizationId,
        { name: body.name, slug: body.slug, auditRetentionDays: body.settings?.auditRetentionDays },
        parseIfMatch(ifMatch),
        actor,
      ),
    );
    void reply.header('ETag', `"${updated.version}"`);
    return toResponse(updated);
  }
}

function parseIfMatch(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(?:W\/)?"(\d+)"$/.exec(value.trim());
  if (!match) throw new InvalidInputError('COMMON.BAD_IF_MATCH', 'If-Match', 'If-Match must be a quoted version such as "3"');
  return Number(match[1]);
}

function toResponse(organization: OrganizationSummary): OrganizationResponse {
  return {
    id: organization.id,
    slug: organization.slug,
    name: organization.name,
    createdAt: organization.createdAt.toISOString(),
    version: organization.version,
    settings: organization.settings,
  };
}
