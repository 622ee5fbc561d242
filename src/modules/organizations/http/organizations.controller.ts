import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../../shared/actor';
import { CurrentActor, CurrentPrincipal } from '../../../shared/decorators';
import { NotFoundError } from '../../../shared/domain-error';
import type { Principal } from '../../../shared/principal';
import { RequirePermissions } from '../../access-policy';
import { CreateOrganizationCommand } from '../commands/create-organization/create-organization.command';
import { CreateOrganizationRequest } from '../commands/create-organization/create-organization.request';
import { OrganizationDirectory } from '../contracts/organization-directory';
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
  async current(@CurrentPrincipal() principal: Principal): Promise<OrganizationResponse> {
    const organization = await this.directory.findById(principal.organizationId);
    if (!organization) throw new NotFoundError('Organization');
    return { ...organization, createdAt: organization.createdAt.toISOString() };
  }
}
