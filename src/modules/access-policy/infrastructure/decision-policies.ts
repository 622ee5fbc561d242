import { Injectable } from '@nestjs/common';
import type { PolicyDenial } from '../domain/decision';
import type { UserAbility } from '../domain/user-ability';

/** What a policy stage may look at besides the ability: where and when the question is asked. */
export interface DecisionContext {
  organizationId: string;
  ability: UserAbility;
  /** The client address the question is about, when the asking service passes one. */
  ip: string | null;
  at: Date;
}

/**
 * The organization's policies narrow an allowed answer (IP allow-lists, access windows,
 * MFA required): the access-policies work fills this stage in and answers one of
 * POLICY_DENIALS. Until then it never narrows.
 */
@Injectable()
export class DecisionPolicies {
  async narrow(_context: DecisionContext): Promise<PolicyDenial | null> {
    return null;
  }
}
