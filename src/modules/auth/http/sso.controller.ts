import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiFoundResponse, ApiOkResponse, ApiProduces, ApiSeeOtherResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import type { FastifyReply } from 'fastify';
import type { Actor } from '../../../shared/actor';
import { CurrentActor, Public } from '../../../shared/decorators';
import { ConsumeSamlResponseCommand } from '../commands/consume-saml-response/consume-saml-response.command';
import { ExchangeSsoCodeCommand } from '../commands/exchange-sso-code/exchange-sso-code.command';
import { SsoLoginFailedError } from '../domain/sso/sso-login-failed.error';
import type { MfaStep } from '../infrastructure/sign-in-completion';
import { SsoLogins } from '../infrastructure/sso/sso-logins';
import type { TokenPair } from '../infrastructure/token-issuer';
import { SSO_FAILURE_PAGE, ssoTestPage } from './sso-failure.page';

/** The largest SAMLResponse post the ACS reads; fastify refuses more (413) before anything is parsed. */
export const ACS_BODY_LIMIT_BYTES = 256 * 1024;

export class SsoExchangeRequest {
  @IsString()
  @Length(1, 200)
  code!: string;
}

/** SAML endpoints the browser and the IdP reach; all public and limited per address. */
@ApiTags('auth')
@Controller('api/v1/auth/sso')
export class SsoController {
  constructor(
    private readonly commands: CommandBus,
    private readonly logins: SsoLogins,
  ) {}

  @Public()
  @Get(':organization/metadata')
  @ApiProduces('application/samlmetadata+xml')
  @ApiOkResponse({ description: 'SP metadata: entity id, ACS URL (POST binding), signing certificate' })
  async metadata(@Param('organization') organization: string, @Res() reply: FastifyReply): Promise<void> {
    const xml = await this.logins.metadata(organization);
    await reply.status(200).header('content-type', 'application/samlmetadata+xml; charset=utf-8').send(xml);
  }

  @Public()
  @Get(':organization/login')
  @ApiFoundResponse({ description: 'to the IdP with a SHA-256-signed AuthnRequest (redirect binding); `relayState` must be a same-origin relative path, else it is ignored' })
  async login(@Param('organization') organization: string, @Query('relayState') relayState: unknown, @Res() reply: FastifyReply): Promise<void> {
    const url = await this.logins.start(organization, relayState, 'login');
    await reply.status(302).header('location', url).header('cache-control', 'no-store').send();
  }

  @Public()
  @Post(':organization/acs')
  @RouteConfig({ bodyLimitBytes: ACS_BODY_LIMIT_BYTES })
  @HttpCode(303)
  @ApiSeeOtherResponse({ description: 'to PUBLIC_URL + the relay path with `?code=` (one-time, 60 s) for POST /auth/sso/exchange' })
  @ApiUnauthorizedResponse({ description: 'one generic page, whatever the reason (the reason is in the audit trail)' })
  async acs(@Param('organization') organization: string, @Body() body: unknown, @CurrentActor() actor: Actor, @Res() reply: FastifyReply): Promise<void> {
    const form = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    void reply.header('cache-control', 'no-store');
    try {
      const outcome = await this.commands.execute(new ConsumeSamlResponseCommand(organization, form.SAMLResponse, form.RelayState, actor));
      if (outcome.kind === 'test') {
        await reply.status(200).header('content-type', 'text/html; charset=utf-8').send(ssoTestPage(outcome.result));
        return;
      }
      await reply.status(303).header('location', outcome.redirectUrl).send();
    } catch (error) {
      if (!(error instanceof SsoLoginFailedError)) throw error;
      await reply.status(401).header('content-type', 'text/html; charset=utf-8').send(SSO_FAILURE_PAGE);
    }
  }

  @Public()
  @Post('exchange')
  @HttpCode(200)
  @ApiOkResponse({ description: '`{ accessToken, refreshToken, expiresIn }`, or the MFA step `{ mfaRequired | mfaEnrollmentRequired, mfaToken }`' })
  exchange(@Body() body: SsoExchangeRequest, @CurrentActor() actor: Actor): Promise<TokenPair | MfaStep> {
    return this.commands.execute(new ExchangeSsoCodeCommand(body.code, actor));
  }
}
