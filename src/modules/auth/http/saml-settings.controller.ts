import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import type { FastifyReply } from 'fastify';
import type { Actor } from '../../../shared/actor';
import { CurrentActor, CurrentPrincipal } from '../../../shared/decorators';
import { InvalidInputError, NotFoundError } from '../../../shared/domain-error';
import { IdParam } from '../../../shared/id-param';
import type { Principal } from '../../../shared/principal';
import { RequirePermissions } from '../../access-policy';
import { OrganizationDirectory } from '../../organizations';
import { SaveSamlConnectionCommand } from '../commands/save-saml-connection/save-saml-connection.command';
import { SamlConnections } from '../infrastructure/sso/saml-connections';
import { SsoLogins } from '../infrastructure/sso/sso-logins';
import { SsoState } from '../infrastructure/sso/sso-state';
import { toSamlConnectionView, type SamlConnectionView } from './saml-connection.response';

export class SsoTestRequest {
  @IsOptional()
  @IsString()
  @Length(1, 512)
  relayState?: string;
}

const EXAMPLE = {
  enabled: true,
  idpEntityId: 'https://idp.example.com/saml',
  idpSsoUrl: 'https://idp.example.com/saml/sso',
  idpCertificates: ['-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----'],
  wantAssertionsSigned: true,
  wantResponseSigned: true,
  allowIdpInitiated: false,
  allowSha1: false,
  clockSkewSeconds: 60,
  attributes: { email: 'email', name: 'name', groups: 'groups' },
  defaultRole: 'Viewer',
  roleMapping: [{ group: 'engineering', role: 'Developer' }],
  teamMapping: [{ group: 'engineering', teamId: '00000000-0000-4000-8000-000000000000' }],
  jitProvisioning: true,
  domains: ['example.com'],
  ssoOnly: false,
};

function parseIfMatch(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(?:W\/)?"(\d+)"$/.exec(value.trim());
  if (!match) throw new InvalidInputError('COMMON.BAD_IF_MATCH', 'If-Match', 'If-Match must be a quoted version such as "3"');
  return Number(match[1]);
}

/** The organization's SAML connection, as its administrators manage it. */
@ApiTags('sso')
@ApiBearerAuth()
@Controller('api/v1/sso/saml')
export class SamlSettingsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly connections: SamlConnections,
    private readonly organizations: OrganizationDirectory,
    private readonly logins: SsoLogins,
    private readonly state: SsoState,
  ) {}

  @Get()
  @RequirePermissions('policies:read')
  @ApiOkResponse({ description: 'the settings (certificates with fingerprints) and our SP side: entity id, ACS URL, certificate; ETag carries the version' })
  async get(@CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply): Promise<SamlConnectionView> {
    const loaded = await this.connections.forOrganization(principal.organizationId);
    if (!loaded) throw new NotFoundError('SSO connection');
    void reply.header('ETag', `"${loaded.connection.version}"`);
    return toSamlConnectionView(loaded.connection, this.connections.endpoints(loaded.organization.slug), this.connections.redact.bind(this.connections));
  }

  @Put()
  @RequirePermissions('policies:manage')
  @ApiHeader({ name: 'If-Match', required: false, description: 'the ETag read; a stale one is refused with 412' })
  @ApiBody({ schema: { example: EXAMPLE }, description: 'idpMetadataXml may replace idpEntityId, idpSsoUrl and idpCertificates; a setting accepting unsigned responses is refused' })
  @ApiOkResponse({ description: 'the saved settings' })
  async put(
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SamlConnectionView> {
    const saved = await this.commands.execute(new SaveSamlConnectionCommand(principal.organizationId, body, parseIfMatch(ifMatch), actor));
    void reply.header('ETag', `"${saved.version}"`);
    return saved;
  }

  @Post('test')
  @HttpCode(200)
  @RequirePermissions('policies:manage')
  @ApiOkResponse({ description: '`{ loginUrl }`: open it to run a real login as a dry run (works while the connection is disabled); the ACS shows what the IdP sent and how it would map, and nothing is created' })
  async test(@CurrentPrincipal() principal: Principal, @Body() body: SsoTestRequest): Promise<{ loginUrl: string }> {
    const organization = await this.organizations.findById(principal.organizationId);
    if (!organization) throw new NotFoundError('SSO connection');
    return { loginUrl: await this.logins.start(organization.slug, body.relayState, 'test') };
  }

  @Get('test/:id')
  @RequirePermissions('policies:read')
  @ApiOkResponse({ description: 'a dry run’s result, for 15 minutes' })
  async testResult(@CurrentPrincipal() principal: Principal, @Param('id', IdParam) id: string): Promise<unknown> {
    const result = await this.state.testResult(principal.organizationId, id);
    if (!result) throw new NotFoundError('SSO test');
    return result;
  }
}
