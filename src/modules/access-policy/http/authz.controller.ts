import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../../shared/decorators';
import { NotFoundError } from '../../../shared/domain-error';
import type { Principal } from '../../../shared/principal';
import { Abilities } from '../infrastructure/abilities';
import { DecideQuery } from '../queries/decide/decide.query';
import { DecisionBatchResponse, DecisionResponse, ExplanationResponse, MyPermissionsResponse } from './access.responses';
import { DecisionBatchRequest, DecisionRequest } from './decision.requests';
import { RequirePermissions } from './require-permissions.decorator';

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
  @ApiOkResponse({ type: DecisionResponse, description: 'reason: granted, no_rule, expired_grant, inactive_user (policy reasons come with the policies)' })
  async check(@CurrentPrincipal() principal: Principal, @Body() body: DecisionRequest): Promise<DecisionResponse> {
    const [decision] = await this.queries.execute(new DecideQuery(principal, [body]));
    return { allowed: decision.allowed, reason: decision.reason };
  }

  @Post('authz/check-batch')
  @HttpCode(200)
  @RequirePermissions('account:read')
  @ApiOkResponse({ type: DecisionBatchResponse, description: 'answers in the order asked' })
  async checkBatch(@CurrentPrincipal() principal: Principal, @Body() body: DecisionBatchRequest): Promise<DecisionBatchResponse> {
    const decisions = await this.queries.execute(new DecideQuery(principal, body.checks));
    return { results: decisions.map((decision) => ({ allowed: decision.allowed, reason: decision.reason })) };
  }

  @Post('authz/explain')
  @HttpCode(200)
  @RequirePermissions('account:read')
  @ApiOkResponse({ type: ExplanationResponse, description: 'the answer and the rules that decided it' })
  async explain(@CurrentPrincipal() principal: Principal, @Body() body: DecisionRequest): Promise<ExplanationResponse> {
    const [decision] = await this.queries.execute(new DecideQuery(principal, [body]));
    return { ...decision, userId: body.userId ?? principal.userId, action: body.action };
  }

  @Get('me/permissions')
  @RequirePermissions('account:read')
  @ApiOkResponse({ type: MyPermissionsResponse, description: 'the effective ability, as rules' })
  async mine(@CurrentPrincipal() principal: Principal): Promise<MyPermissionsResponse> {
    const ability = await this.abilities.forUser(principal.organizationId, principal.userId);
    if (!ability) throw new NotFoundError('User');
    return {
      role: ability.inputs.role,
      permissions: [...ability.inputs.rolePermissions],
      teamIds: ability.teamIds,
      rules: ability.describe(),
    };
  }
}
