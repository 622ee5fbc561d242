import { RouteConfig } from '@nestjs/platform-fastify';
import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { SIGN_IN_ADMISSION, type SignInAdmission } from '../../../infrastructure/security/password-hasher';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Actor } from '../../../shared/actor';
import { CurrentActor, CurrentPrincipal, Public } from '../../../shared/decorators';
import type { Principal } from '../../../shared/principal';
import { NotFoundError } from '../../../shared/domain-error';
import { OrganizationDirectory } from '../../organizations';
import { PreviewInvitationQuery } from '../../users';
import { AcceptInvitationRequest } from '../commands/accept-invitation/accept-invitation.request';
import { LoginCommand } from '../commands/login/login.command';
import { AcceptInvitationAndSignInCommand } from '../commands/accept-invitation/accept-invitation-and-sign-in.command';
import { ConfirmChallengedEnrolmentCommand } from '../commands/confirm-challenged-enrolment/confirm-challenged-enrolment.command';
import { StartChallengedEnrolmentCommand } from '../commands/start-challenged-enrolment/start-challenged-enrolment.command';
import { VerifyMfaChallengeCommand } from '../commands/verify-mfa-challenge/verify-mfa-challenge.command';
import { MfaChallengeCodeRequest, MfaChallengeRequest } from './mfa.requests';
import { LoginRequest } from '../commands/login/login.request';
import { RefreshSessionCommand } from '../commands/refresh-session/refresh-session.command';
import { RefreshSessionRequest } from '../commands/refresh-session/refresh-session.request';
import { RevokeSessionsCommand } from '../commands/revoke-sessions/revoke-sessions.command';
import { InvitationPreviewResponse } from './invitation-preview.response';
import { EnrolledSignInResponse, MfaStepResponse, PasswordExpiredResponse, RecoveryCodesResponse, TotpEnrolmentResponse } from './mfa.responses';
import { PASSWORD_HASHING_ROUTE } from './sign-in-admission.hook';
import { TokenResponse } from './token.response';

@ApiTags('auth')
@Controller('api/v1')
export class AuthController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly organizations: OrganizationDirectory,
  ) {}

  @Public()
  @Post('auth/login')
  // refused (503, Retry-After) before any work while the password hashing pool is full
  @RouteConfig({ [PASSWORD_HASHING_ROUTE]: true })
  @HttpCode(200)
  @ApiExtraModels(TokenResponse, MfaStepResponse, PasswordExpiredResponse)
  @ApiOkResponse({
    schema: { oneOf: [TokenResponse, MfaStepResponse, PasswordExpiredResponse].map((model) => ({ $ref: getSchemaPath(model) })) },
  })
  @ApiUnauthorizedResponse({ description: 'the same answer whether or not the account exists' })
  @ApiTooManyRequestsResponse({ description: 'locked after repeated failures, or too many requests from the address; see Retry-After' })
  @ApiServiceUnavailableResponse({ description: 'AUTH.BUSY: the password hashing pool and its waiting room are full; retry after Retry-After seconds (the attempt does not count against the account)' })
  login(@Body() body: LoginRequest, @CurrentActor() actor: Actor, @Req() request: FastifyRequest): Promise<TokenResponse | MfaStepResponse | PasswordExpiredResponse> {
    const admission = (request as unknown as Record<symbol, SignInAdmission | undefined>)[SIGN_IN_ADMISSION];
    return this.commands.execute(new LoginCommand(body.organization, body.email, body.password, actor, admission));
  }

  @Public()
  @Post('auth/mfa/verify')
  @HttpCode(200)
  @ApiUnauthorizedResponse({ description: 'a wrong code, or a challenge that expired, was used, or took too many wrong codes' })
  @ApiTooManyRequestsResponse({ description: 'too many wrong codes for the account (or wrong passwords from this address); see Retry-After' })
  @ApiOkResponse({ schema: { oneOf: [{ $ref: getSchemaPath(TokenResponse) }, { $ref: getSchemaPath(PasswordExpiredResponse) }] } })
  verifyMfa(@Body() body: MfaChallengeCodeRequest, @CurrentActor() actor: Actor): Promise<TokenResponse | PasswordExpiredResponse> {
    return this.commands.execute(new VerifyMfaChallengeCommand(body.mfaToken, body.code, actor));
  }

  @Public()
  @Post('auth/mfa/enroll')
  @HttpCode(200)
  @ApiOkResponse({ type: TotpEnrolmentResponse, description: 'policy requires MFA: enrol before the session starts' })
  enrol(@Body() body: MfaChallengeRequest, @CurrentActor() actor: Actor): Promise<TotpEnrolmentResponse> {
    return this.commands.execute(new StartChallengedEnrolmentCommand(body.mfaToken, actor));
  }

  @Public()
  @Post('auth/mfa/enroll/confirm')
  @HttpCode(200)
  @ApiExtraModels(EnrolledSignInResponse, RecoveryCodesResponse, PasswordExpiredResponse)
  @ApiOkResponse({
    description: 'the recovery codes (once) with the session, or with the expired-password step when the password must be changed first',
    schema: {
      oneOf: [
        { $ref: getSchemaPath(EnrolledSignInResponse) },
        { allOf: [{ $ref: getSchemaPath(RecoveryCodesResponse) }, { $ref: getSchemaPath(PasswordExpiredResponse) }] },
      ],
    },
  })
  confirmEnrolment(
    @Body() body: MfaChallengeCodeRequest,
    @CurrentActor() actor: Actor,
  ): Promise<EnrolledSignInResponse | (RecoveryCodesResponse & PasswordExpiredResponse)> {
    return this.commands.execute(new ConfirmChallengedEnrolmentCommand(body.mfaToken, body.code, actor));
  }

  @Public()
  @Post('auth/refresh')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenResponse, description: 'a new pair; the refresh token sent is spent' })
  @ApiUnauthorizedResponse({
    description: 'unknown, spent, expired or idle (a spent one also ends its session); or AUTH.MFA_REQUIRED: the organization now requires MFA for the role and the session never passed it, so it ends',
  })
  refresh(@Body() body: RefreshSessionRequest, @CurrentActor() actor: Actor): Promise<TokenResponse> {
    return this.commands.execute(new RefreshSessionCommand(body.refreshToken, actor));
  }

  @Post('auth/logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiNoContentResponse({ description: 'the current session is ended' })
  async logout(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor): Promise<void> {
    if (!principal.sessionId) return;
    await this.commands.execute(
      new RevokeSessionsCommand({ organizationId: principal.organizationId, userId: principal.userId, sessionId: principal.sessionId }, 'logout', actor),
    );
  }

  @Public()
  @Get('invitations/accept/:token')
  @ApiOkResponse({ type: InvitationPreviewResponse })
  async previewInvitation(@Param('token') token: string): Promise<InvitationPreviewResponse> {
    const preview = await this.queries.execute(new PreviewInvitationQuery(token));
    const organization = await this.organizations.findById(preview.organizationId);
    if (!organization) throw new NotFoundError('Invitation');
    return {
      organization: { id: organization.id, slug: organization.slug, name: organization.name },
      email: preview.email,
      role: preview.role,
      inviter: preview.inviterName,
      expiresAt: preview.expiresAt.toISOString(),
    };
  }

  @Public()
  @Post('invitations/accept')
  @HttpCode(200)
  @ApiExtraModels(TokenResponse, MfaStepResponse)
  @ApiOkResponse({
    description: 'the account is active and signed in, or (when the organization requires MFA for the role) the enrolment step comes first',
    schema: { oneOf: [TokenResponse, MfaStepResponse].map((model) => ({ $ref: getSchemaPath(model) })) },
  })
  acceptInvitation(@Body() body: AcceptInvitationRequest, @CurrentActor() actor: Actor): Promise<TokenResponse | MfaStepResponse | PasswordExpiredResponse> {
    return this.commands.execute(new AcceptInvitationAndSignInCommand(body.token, body.name, body.password, actor));
  }
}
