import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { Clock } from '../../../../shared/clock';
import { ForbiddenError, NotFoundError } from '../../../../shared/domain-error';
import type { Principal } from '../../../../shared/principal';
import type { Decision } from '../../domain/decision';
import { isBuiltInRole } from '../../domain/roles';
import type { UserAbility } from '../../domain/user-ability';
import { AbilityFactory } from '../../domain/ability.factory';
import { Abilities } from '../../infrastructure/abilities';
import { DecisionPolicies } from '../../infrastructure/decision-policies';
import { RoleCatalogue } from '../../infrastructure/role-catalogue';
import { DecideQuery } from './decide.query';

/**
 * The decision API's answers. Anyone may ask about themselves; asking about another user
 * takes `authz:check` (for a key, in its scopes). An unknown user, or another
 * organization's, is not found. Each user's ability is read once per call, from the cache.
 */
@QueryHandler(DecideQuery)
export class DecideHandler implements IQueryHandler<DecideQuery, Decision[]> {
  constructor(
    private readonly abilities: Abilities,
    private readonly roleAbilities: AbilityFactory,
    private readonly roles: RoleCatalogue,
    private readonly policies: DecisionPolicies,
    private readonly clock: Clock,
  ) {}

  async execute(query: DecideQuery): Promise<Decision[]> {
    const { principal } = query;
    const self = principal.userId.toLowerCase();
    const users = [...new Set(query.questions.map((question) => (question.userId ?? self).toLowerCase()))];
    if (users.some((id) => id !== self)) await this.assertMayAskAboutOthers(principal);
    const byUser = new Map<string, UserAbility>();
    for (const id of users) {
      const ability = await this.abilities.forUser(principal.organizationId, id, query.alongside);
      if (!ability) throw new NotFoundError('User');
      byUser.set(id, ability);
    }
    const at = this.clock.now();
    const answers: Decision[] = [];
    for (const question of query.questions) {
      const ability = byUser.get((question.userId ?? self).toLowerCase())!;
      const decision = ability.decide(question);
      if (decision.allowed) {
        const denial = await this.policies.narrow({ organizationId: principal.organizationId, ability, ip: question.ip ?? null, at });
        if (denial) {
          answers.push({ allowed: false, reason: denial.reason, rules: [denial.rule] });
          continue;
        }
      }
      answers.push(decision);
    }
    return answers;
  }

  private async assertMayAskAboutOthers(principal: Principal): Promise<void> {
    const ability = isBuiltInRole(principal.role)
      ? this.roleAbilities.forRole(principal.role)
      : await this.roles.abilityOf(principal.organizationId, principal.role);
    if (!ability.can('check', 'authz') || (principal.scopes !== null && !principal.scopes.includes('authz:check'))) {
      throw new ForbiddenError('ACCESS.MISSING_PERMISSION', 'Asking about another user needs the permission authz:check');
    }
  }
}
