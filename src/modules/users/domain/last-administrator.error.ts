import { DomainError } from '../../../shared/domain-error';

/** The organization would be left without an active Administrator. */
export class LastAdministratorError extends DomainError {
  constructor(change: 'demoted' | 'deactivated' | 'removed') {
    super('USERS.LAST_ADMIN', 'conflict', `The last active Administrator cannot be ${change}; make another user Administrator first`);
  }
}
