import { Body, Controller, Get, Param, Patch, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor } from '../../../shared/actor';
import { CurrentActor, CurrentPrincipal } from '../../../shared/decorators';
import { IdParam } from '../../../shared/id-param';
import type { Principal } from '../../../shared/principal';
import { ActsOnUser, RequirePermissions } from '../../access-policy';
import { UpdateProfileCommand } from '../commands/update-profile/update-profile.command';
import { UpdateUserProfileRequest } from '../commands/update-profile/update-user-profile.request';
import { GetAvatarQuery } from '../queries/get-avatar/get-avatar.query';
import { ProfileResponse, toProfileResponse } from './profile.response';

/** Another user's profile within the caller's organization: an administrator's edits, and pictures. */
@ApiTags('users')
@ApiBearerAuth()
@Controller('api/v1/users/:id')
export class UserProfileController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Patch()
  @RequirePermissions('users:manage')
  @ActsOnUser('id')
  @ApiOkResponse({ type: ProfileResponse, description: 'the profile after the change' })
  async update(
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Param('id', IdParam) id: string,
    @Body() body: UpdateUserProfileRequest,
  ): Promise<ProfileResponse> {
    const target = { organizationId: principal.organizationId, userId: id };
    return toProfileResponse(await this.commands.execute(new UpdateProfileCommand(target, { ...body }, 'admin', actor)));
  }

  @Get('avatar')
  @RequirePermissions('users:read')
  @ApiProduces('image/webp')
  @ApiOkResponse({ description: 'the user’s picture, 256×256 WebP; 404 when they have none' })
  async avatar(@CurrentPrincipal() principal: Principal, @Param('id', IdParam) id: string, @Res() reply: FastifyReply): Promise<void> {
    const avatar = await this.queries.execute(new GetAvatarQuery(principal.organizationId, id));
    await reply
      .header('Content-Type', avatar.contentType)
      // private: it is served to signed-in members only; the profile's avatarUrl changes with the picture
      .header('Cache-Control', 'private, max-age=3600')
      .header('Last-Modified', avatar.updatedAt.toUTCString())
      .send(avatar.image);
  }
}
