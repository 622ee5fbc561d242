import { DomainError } from '../../../shared/domain-error';

/** One answer for every failed sign-in, whether or not the account exists. */
export class InvalidCredentialsError extends DomainError {
  constructor() {
    super('AUTH.INVALID_CREDENTIALS', 'unauthenticated', 'The organization, email or password is not correct');
  }
}
