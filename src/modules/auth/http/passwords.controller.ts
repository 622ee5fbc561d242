import { Body, Controller, Get, HttpCode, Logger, Param, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { Actor } from '../../../shared/actor';
import { CurrentActor, CurrentPrincipal, Public, Throttle } from '../../../shared/decorators';
import type { Principal } from '../../../shared/principal';
import { ChangePasswordCommand } from '../commands/change-password/change-password.command';
import { ChangePasswordRequest } from '../commands/change-password/change-password.request';
import { RequestPasswordResetCommand } from '../commands/request-password-reset/request-password-reset.command';
import { ForgotPasswordRequest } from '../commands/request-password-reset/request-password-reset.request';
import { ResetPasswordCommand } from '../commands/reset-password/reset-password.command';
import { ResetPasswordRequest } from '../commands/reset-password/reset-password.request';
import { CheckPasswordResetQuery } from '../queries/check-password-reset/check-password-reset.query';

@ApiTags('auth')
@Controller('api/v1')
export class PasswordsController {
  private readonly logger = new Logger(PasswordsController.name);

  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post('me/password')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiNoContentResponse({ description: 'changed; every other session of the user is signed out' })
  @ApiTooManyRequestsResponse({ description: 'too many wrong current passwords; see Retry-After' })
  async change(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Body() body: ChangePasswordRequest): Promise<void> {
    await this.commands.execute(new ChangePasswordCommand(principal, body.currentPassword, body.newPassword, actor));
  }

  @Public()
  @Throttle('passwordForgot')
  @Post('auth/password/forgot')
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'always: whether or not the account exists, nothing is said' })
  @ApiTooManyRequestsResponse({ description: 'too many requests from this address (RATE_LIMIT_PASSWORD_FORGOT_*); see Retry-After' })
  forgot(@Body() body: ForgotPasswordRequest, @CurrentActor() actor: Actor): void {
    // answered before the work is done, so the time taken reveals nothing either
    this.commands
      .execute(new RequestPasswordResetCommand(body.organization, body.email, actor))
      .catch((error: Error) => this.logger.error(`password reset request failed: ${error.message}`));
  }

  @Public()
  @Get('auth/password/reset/:token')
  @ApiOkResponse({ description: '`{ valid: true, expiresAt }` while the link can be used; otherwise 401' })
  async check(@Param('token') token: string): Promise<{ valid: true; expiresAt: string }> {
    const { expiresAt } = await this.queries.execute(new CheckPasswordResetQuery(token));
    return { valid: true, expiresAt: expiresAt.toISOString() };
  }

  @Public()
  @Post('auth/password/reset')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'the new password is set and every session is signed out' })
  async reset(@Body() body: ResetPasswordRequest, @CurrentActor() actor: Actor): Promise<void> {
    await this.commands.execute(new ResetPasswordCommand(body.token, body.password, actor));
  }
}
