import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Alongside, CurrentPrincipal, ReadAlongside, type AlongsideCaller } from '../../../shared/decorators';
import { NotFoundError } from '../../../shared/domain-error';
import type { Principal } from '../../../shared/principal';
import { Abilities } from '../infrastructure/abilities';
import { AuthzVersions } from '../infrastructure/authz-versions';
import { DecideQuery } from '../queries/decide/decide.query';
import { DecisionBatchResponse, DecisionResponse, ExplanationResponse, MyPermissionsResponse } from './access.responses';
import { DecisionBatchRequest, DecisionRequest } from './decision.requests';
import { RequirePermissions } from './require-permissions.decorator';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_QUESTIONS = 100;

/**
 * The ability stamps of the users a body asks about (the caller when a question names no one,
 * or no valid id), for authentication to read with the caller's own check (ReadAlongside).
 * The body is not validated yet: anything odd only names the caller's keys, or none.
 */
function stampsAsked(body: unknown, principal: AlongsideCaller): string[][] {
  const questions = (body as { checks?: unknown } | null)?.checks ?? [body];
  if (!Array.isArray(questions) || questions.length > MAX_QUESTIONS) return [];
  const users = new Set<string>();
  for (const question of questions) {
    const userId = (question as { userId?: unknown } | null)?.userId;
    users.add(typeof userId === 'string' && UUID.test(userId) ? userId.toLowerCase() : principal.userId.toLowerCase());
  }
  return AuthzVersions.stampKeys(principal.organizationId, users);
}

/**
 * The decision API the platform's services ask "may they do this?". Asking about oneself
 * takes only `account:read` (every role holds it; a key must carry it); asking about another
 * user takes `authz:check` as well.
 */
@ApiTags('authz')
@ApiBearerAuth()
@Controller('api/v1')
export class AuthzController {
  constructor(
    private readonly queries: QueryBus,
    private readonly abilities: Abilities,
  ) {}

  @Post('authz/check')
  @HttpCode(200)
  @RequirePermissions('account:read')
  @ReadAlongside(stampsAsked)
  @ApiBody({ type: DecisionRequest })
  @ApiOkResponse({ type: DecisionResponse, description: 'reason: granted, no_rule, expired_grant, inactive_user (policy reasons come with the policies)' })
  async check(
    @CurrentPrincipal() principal: Principal,
    @Body() body: DecisionRequest,
    @Alongside() alongside?: ReadonlyMap<string, string | null>,
  ): Promise<DecisionResponse> {
    const [decision] = await this.queries.execute(new DecideQuery(principal, [body], alongside));
    return { allowed: decision.allowed, reason: decision.reason };
  }

  @Post('authz/check-batch')
  @HttpCode(200)
  @RequirePermissions('account:read')
  @ReadAlongside(stampsAsked)
  @ApiOkResponse({ type: DecisionBatchResponse, description: 'answers in the order asked' })
  async checkBatch(
    @CurrentPrincipal() principal: Principal,
    @Body() body: DecisionBatchRequest,
    @Alongside() alongside?: ReadonlyMap<string, string | null>,
  ): Promise<DecisionBatchResponse> {
    const decisions = await this.queries.execute(new DecideQuery(principal, body.checks, alongside));
    return { results: decisions.map((decision) => ({ allowed: decision.allowed, reason: decision.reason })) };
  }

  @Post('authz/explain')
  @HttpCode(200)
  @RequirePermissions('account:read')
  @ReadAlongside(stampsAsked)
  @ApiBody({ type: DecisionRequest })
  @ApiOkResponse({ type: ExplanationResponse, description: 'the answer and the rules that decided it' })
  async explain(
    @CurrentPrincipal() principal: Principal,
    @Body() body: DecisionRequest,
    @Alongside() alongside?: ReadonlyMap<string, string | null>,
  ): Promise<ExplanationResponse> {
    const [decision] = await this.queries.execute(new DecideQuery(principal, [body], alongside));
    return { ...decision, userId: body.userId ?? principal.userId, action: body.action };
  }

  @Get('me/permissions')
  @RequirePermissions('account:read')
  @ReadAlongside((_, principal) => AuthzVersions.stampKeys(principal.organizationId, [principal.userId.toLowerCase()]))
  @ApiOkResponse({ type: MyPermissionsResponse, description: 'the effective ability, as rules' })
  async mine(@CurrentPrincipal() principal: Principal, @Alongside() alongside?: ReadonlyMap<string, string | null>): Promise<MyPermissionsResponse> {
    const ability = await this.abilities.forUser(principal.organizationId, principal.userId, alongside);
    if (!ability) throw new NotFoundError('User');
    return {
      role: ability.inputs.role,
      permissions: [...ability.inputs.rolePermissions],
      teamIds: ability.teamIds,
      rules: ability.describe(),
    };
  }
}
