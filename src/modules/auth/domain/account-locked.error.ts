import { DomainError } from '../../../shared/domain-error';

/** Too many failed sign-ins: the same answer whether or not the account exists. */
export class AccountLockedError extends DomainError {
  constructor(retryAfterSeconds: number) {
    super('AUTH.LOCKED', 'too_many_requests', 'Too many failed sign-ins; try again later', [], retryAfterSeconds);
  }
}
