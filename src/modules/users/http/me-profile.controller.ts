import { Body, Controller, Delete, HttpCode, Patch, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../../shared/actor';
import { CurrentActor, CurrentPrincipal } from '../../../shared/decorators';
import type { Principal } from '../../../shared/principal';
import { RemoveAvatarCommand } from '../commands/remove-avatar/remove-avatar.command';
import { SetAvatarCommand } from '../commands/set-avatar/set-avatar.command';
import { UpdateMyProfileRequest } from '../commands/update-profile/update-my-profile.request';
import { UpdateProfileCommand } from '../commands/update-profile/update-profile.command';
import { IMAGE_BODY_TYPES } from './image-body.parser';
import { ProfileResponse, toProfileResponse } from './profile.response';

/** The signed-in user's own profile, preferences and picture (GET /api/v1/me is auth's). */
@ApiTags('me')
@ApiBearerAuth()
@Controller('api/v1/me')
export class MeProfileController {
  constructor(private readonly commands: CommandBus) {}

  @Patch()
  @ApiOkResponse({ type: ProfileResponse, description: 'the profile after the change' })
  async update(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Body() body: UpdateMyProfileRequest): Promise<ProfileResponse> {
    const me = { organizationId: principal.organizationId, userId: principal.userId };
    return toProfileResponse(await this.commands.execute(new UpdateProfileCommand(me, { ...body }, 'self', actor)));
  }

  @Put('avatar')
  @ApiConsumes(...IMAGE_BODY_TYPES)
  @ApiBody({ schema: { type: 'string', format: 'binary' }, description: 'a PNG, JPEG or WebP image of at most 1 MiB; stored as a 256×256 WebP' })
  @ApiOkResponse({ type: ProfileResponse, description: 'the profile, with the new avatarUrl' })
  async setAvatar(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Body() body: unknown): Promise<ProfileResponse> {
    const me = { organizationId: principal.organizationId, userId: principal.userId };
    return toProfileResponse(await this.commands.execute(new SetAvatarCommand(me, body, actor)));
  }

  @Delete('avatar')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'the picture is removed (also when there was none)' })
  async removeAvatar(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor): Promise<void> {
    await this.commands.execute(new RemoveAvatarCommand({ organizationId: principal.organizationId, userId: principal.userId }, actor));
  }
}
