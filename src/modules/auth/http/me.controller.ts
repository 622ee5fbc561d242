import { Controller, Get, Header } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../../shared/decorators';
import { NotFoundError } from '../../../shared/domain-error';
import type { Principal } from '../../../shared/principal';
import { AbilityFactory, RequirePermissions } from '../../access-policy';
import { toProfileResponse, UserAccounts, type UserProfile } from '../../users';
import { MeResponse } from './me.response';

@ApiTags('me')
@ApiBearerAuth()
@Controller('api/v1/me')
export class MeController {
  /**
   * The answer as sent, kept with the profile it was made from. UserAccounts serves one shared,
   * frozen profile while the user's version holds, so a client's repeated /me (every service's
   * "who is this?") is a lookup instead of building and stringifying 1.5 KB each time; a change
   * to the user changes the version, hence the profile object, hence the answer.
   */
  private readonly answers = new WeakMap<UserProfile, string>();

  constructor(
    private readonly users: UserAccounts,
    private readonly abilities: AbilityFactory,
  ) {}

  @Get()
  @RequirePermissions('account:read')
  // the answer is JSON already (fastify sends a string of a JSON type as it is)
  @Header('Content-Type', 'application/json; charset=utf-8')
  @ApiOkResponse({ type: MeResponse, description: 'with an API key, only when it carries the scope account:read' })
  async me(@CurrentPrincipal() principal: Principal): Promise<string> {
    const user = await this.users.profileAt(principal.organizationId, principal.userId, principal.userVersion);
    if (!user) throw new NotFoundError('User');
    let answer = this.answers.get(user);
    if (answer === undefined) {
      answer = JSON.stringify(this.response(user));
      this.answers.set(user, answer);
    }
    return answer;
  }

  private response(user: UserProfile): MeResponse {
    return {
      ...toProfileResponse(user),
      platformOperator: user.platformOperator,
      permissions: this.abilities.permissionsOf(user.role),
    };
  }
}
