import { Injectable } from '@nestjs/common';
import { AccessGate } from '../contracts/access-gate';
import { AccountStanding } from '../contracts/account-standing';
import { PolicyStore } from '../contracts/policy-store';
import { describeRefusal } from '../domain/access-evaluation';
import type { PolicyDenial, RuleSource } from '../domain/decision';
import type { UserAbility } from '../domain/user-ability';
import { Ports } from './ports';

/** What a policy stage may look at besides the ability: where and when the question is asked. */
export interface DecisionContext {
  organizationId: string;
  ability: UserAbility;
  /** The client address the question is about, when the asking service passes one. */
  ip: string | null;
  at: Date;
}

/**
 * The organization's policies narrow an allowed answer, judged by the same evaluation as
 * sign-in and every request (AccessGate): the IP allow-list (only when the asking service
 * says where the user is), access windows, and MFA required for the role but not enrolled.
 * A break-glass user passes the first two, never MFA.
 */
@Injectable()
export class DecisionPolicies {
  constructor(
    private readonly gate: AccessGate,
    private readonly policies: PolicyStore,
    private readonly ports: Ports,
  ) {}

  async narrow({ organizationId, ability, ip, at }: DecisionContext): Promise<{ reason: PolicyDenial; rule: RuleSource } | null> {
    const { userId, role } = ability.inputs;
    const stored = (await this.policies.get(organizationId)).document;
    // without the user's address there is nothing for the allow-list to judge
    const document = ip ? stored : { ...stored, ipAllowlist: [] };
    // asked only when the role needs MFA, so the usual check costs no query
    const mfaSatisfied = document.mfa.requiredForRoles.includes(role)
      ? ((await this.ports.get(AccountStanding).standingOf(organizationId, userId))?.mfaEnabled ?? false)
      : undefined;
    const { decision } = await this.gate.decide({ organizationId, userId, role, ip, mfaSatisfied }, document, at);
    if (decision.allowed || !decision.reason || !decision.rule) return null;
    const description =
      decision.reason === 'mfa_required' ? `The organization requires MFA for ${role}, and this user has not enrolled` : describeRefusal(document, decision, ip);
    return { reason: decision.reason, rule: { source: 'policy', policy: decision.rule.policy, indexes: decision.rule.indexes, description } };
  }
}
