import { Body, Controller, Get, Headers, Put, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiConflictResponse, ApiHeader, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
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
  ipAllowlist: [{ cidr: '203.0.113.0/24' }, { cidr: '2001:db8::/32', roles: ['Administrator'] }],
  accessWindows: [{ roles: ['Developer', 'Viewer'], timezone: 'Europe/Berlin', days: [1, 2, 3, 4, 5], start: '08:00', end: '18:00' }],
  breakGlassUsers: [],
  ssoOnly: false,
};

function parseConfirm(value: string | undefined): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw new InvalidInputError('COMMON.INVALID_QUERY', 'confirmSelfLockout', 'confirmSelfLockout must be true or false');
}

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
  @ApiQuery({ name: 'confirmSelfLockout', required: false, description: 'true saves a change that refuses the caller’s own address or the current time' })
  @ApiBody({
    description:
      'The whole document; left-out sections take their defaults. ipAllowlist: IPv4/IPv6 CIDRs, `roles` absent = everyone; a user bound by any entry must come from one of those that apply. ' +
      'accessWindows: ISO days (1 = Monday), local "HH:MM" in `timezone`, end before start = across midnight; a user is bound by the windows naming them, their role or a team, or no one, and must be inside one of them. ' +
      'breakGlassUsers pass both (never MFA); each use is a high-severity event.',
    schema: { example: POLICY_EXAMPLE },
  })
  @ApiOkResponse({ description: 'the saved document' })
  @ApiConflictResponse({ description: 'POLICIES.SELF_LOCKOUT: the change would refuse the caller now; the detail names the rule' })
  async put(
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Query('confirmSelfLockout') confirmSelfLockout: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PolicyDocument> {
    const saved = await this.commands.execute(
      new UpdatePoliciesCommand(principal.organizationId, body, parseIfMatch(ifMatch), actor, { userId: principal.userId, role: principal.role }, parseConfirm(confirmSelfLockout)),
    );
    void reply.header('ETag', `"${saved.version}"`);
    return saved.document;
  }
}
