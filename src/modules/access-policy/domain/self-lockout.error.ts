import { DomainError } from '../../../shared/domain-error';

/** A policy change that would refuse the administrator making it, now, from where they are. */
export class SelfLockoutError extends DomainError {
  constructor(field: string, rule: string) {
    super(
      'POLICIES.SELF_LOCKOUT',
      'conflict',
      `This change would lock you out: ${rule}. Save it with ?confirmSelfLockout=true if that is what you mean.`,
      [{ field, message: `would lock you out: ${rule}` }],
    );
  }
}
