import { Body, Controller, Get, HttpCode, Logger, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AppConfig } from '../../../infrastructure/config/app-config';
import type { Actor } from '../../../shared/actor';
import { CurrentActor, CurrentPrincipal } from '../../../shared/decorators';
import { NotFoundError } from '../../../shared/domain-error';
import type { Principal } from '../../../shared/principal';
import { PlatformOperatorOnly, RequirePermissions } from '../../access-policy';
import { CreateOrganizationCommand } from '../commands/create-organization/create-organization.command';
import { CreateOrganizationRequest } from '../commands/create-organization/create-organization.request';
import { OrganizationDirectory } from '../contracts/organization-directory';
import { CreatedOrganizationResponse, OrganizationResponse } from './organization.response';

@ApiTags('organizations')
@ApiBearerAuth()
@Controller('api/v1')
export class OrganizationsController {
  private readonly logger = new Logger(OrganizationsController.name);

  constructor(
    private readonly commands: CommandBus,
    private readonly directory: OrganizationDirectory,
    private readonly config: AppConfig,
  ) {}

  @Post('organizations')
  @HttpCode(201)
  @PlatformOperatorOnly()
  @ApiCreatedResponse({ type: CreatedOrganizationResponse })
  async create(@Body() body: CreateOrganizationRequest, @CurrentActor() actor: Actor): Promise<CreatedOrganizationResponse> {
    const created = await this.commands.execute(new CreateOrganizationCommand(body.name, body.slug, body.adminEmail, actor));
    if (created.invitationToken) {
      // until the mail worker delivers it, the link goes where undelivered mail links go: the log
      this.logger.log(
        `invitation for the first administrator of ${created.slug}: ${this.config.values.publicUrl}/invitations/accept?token=${created.invitationToken}`,
      );
    }
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
