import { Body, Controller, Get, Headers, Put, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor } from '../../../shared/actor';
import { CurrentActor, CurrentPrincipal } from '../../../shared/decorators';
import { InvalidInputError } from '../../../shared/domain-error';
import type { Principal } from '../../../shared/principal';
import { UpdatePoliciesCommand } from '../commands/update-policies/update-policies.command';
import { PolicyStore } from '../contracts/policy-store';
import type { PolicyDocument } from '../domain/policy-document';
import { RequirePermissions } from './require-permissions.decorator';

const POLICY_EXAMPLE: PolicyDocument = {
  password: { minLength: 12, maxLength: 128, history: 5, expiryDays: null, requireComposition: false },
  session: { maxLifetimeMinutes: 10080, idleTimeoutMinutes: 1440 },
  mfa: { requiredForRoles: ['Administrator'] },
  invitations: { ttlDays: 7 },
  ssoOnly: false,
  breakGlassUsers: [],
};

function parseIfMatch(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(?:W\/)?"(\d+)"$/.exec(value.trim());
  if (!match) throw new InvalidInputError('COMMON.BAD_IF_MATCH', 'If-Match', 'If-Match must be a quoted version such as "3"');
  return Number(match[1]);
}

@ApiTags('policies')
@ApiBearerAuth()
@Controller('api/v1/policies')
export class PoliciesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly policies: PolicyStore,
  ) {}

  @Get()
  @RequirePermissions('policies:read')
  @ApiOkResponse({ description: 'the policy document; ETag carries its version', schema: { example: POLICY_EXAMPLE } })
  async get(@CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply): Promise<PolicyDocument> {
    const policy = await this.policies.get(principal.organizationId);
    void reply.header('ETag', `"${policy.version}"`);
    return policy.document;
  }

  @Put()
  @RequirePermissions('policies:manage')
  @ApiHeader({ name: 'If-Match', required: false, description: 'the ETag read; a stale one is refused with 412' })
  @ApiBody({ schema: { example: POLICY_EXAMPLE } })
  @ApiOkResponse({ description: 'the saved document' })
  async put(
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PolicyDocument> {
    const saved = await this.commands.execute(new UpdatePoliciesCommand(principal.organizationId, body, parseIfMatch(ifMatch), actor));
    void reply.header('ETag', `"${saved.version}"`);
    return saved.document;
  }
}
