import { Body, Controller, Delete, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { Actor } from '../../../shared/actor';
import { CurrentActor, CurrentPrincipal } from '../../../shared/decorators';
import type { Principal } from '../../../shared/principal';
import { ConfirmTotpEnrolmentCommand } from '../commands/confirm-totp-enrolment/confirm-totp-enrolment.command';
import { DisableMfaCommand } from '../commands/disable-mfa/disable-mfa.command';
import { RegenerateRecoveryCodesCommand } from '../commands/regenerate-recovery-codes/regenerate-recovery-codes.command';
import { StartTotpEnrolmentCommand } from '../commands/start-totp-enrolment/start-totp-enrolment.command';
import { MfaCodeRequest } from './mfa.requests';
import { RecoveryCodesResponse, TotpEnrolmentResponse } from './mfa.responses';

@ApiTags('me')
@ApiBearerAuth()
@Controller('api/v1/me/mfa')
export class MeMfaController {
  constructor(private readonly commands: CommandBus) {}

  @Post('totp')
  @HttpCode(200)
  @ApiOkResponse({ type: TotpEnrolmentResponse, description: 'scan the URI, then confirm with a first code' })
  start(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor): Promise<TotpEnrolmentResponse> {
    return this.commands.execute(new StartTotpEnrolmentCommand(this.user(principal), actor));
  }

  @Post('totp/confirm')
  @HttpCode(200)
  @ApiOkResponse({ type: RecoveryCodesResponse })
  confirm(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Body() body: MfaCodeRequest): Promise<RecoveryCodesResponse> {
    return this.commands.execute(new ConfirmTotpEnrolmentCommand(this.user(principal), body.code, actor));
  }

  @Post('recovery-codes')
  @HttpCode(200)
  @ApiOkResponse({ type: RecoveryCodesResponse, description: 'new codes; the old ones stop working' })
  @ApiTooManyRequestsResponse({ description: 'too many wrong codes or passwords in re-verification; see Retry-After' })
  regenerate(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Body() body: MfaCodeRequest): Promise<RecoveryCodesResponse> {
    return this.commands.execute(new RegenerateRecoveryCodesCommand(this.user(principal), body.code, actor));
  }

  @Delete()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'MFA is off; needs a current code in the body' })
  @ApiTooManyRequestsResponse({ description: 'too many wrong codes or passwords in re-verification; see Retry-After' })
  async disable(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Body() body: MfaCodeRequest): Promise<void> {
    await this.commands.execute(new DisableMfaCommand(this.user(principal), body.code, actor));
  }

  private user(principal: Principal) {
    return { organizationId: principal.organizationId, userId: principal.userId };
  }
}
