import { DomainError } from '../../../shared/domain-error';

/** Password sign-in in an organization that signs in through SSO only. */
export class SsoOnlyError extends DomainError {
  constructor() {
    super('AUTH.SSO_ONLY', 'forbidden', 'Your organization signs in through its single sign-on only');
  }
}
