import { DomainError } from '../../../../shared/domain-error';

/** The organization signs in through its IdP only; its break-glass users are the exception. */
export class SsoOnlyError extends DomainError {
  constructor() {
    super('AUTH.SSO_ONLY', 'forbidden', 'This organization signs in through single sign-on only');
  }
}
