import { DomainError } from '../../../shared/domain-error';

/** Administrators change their own role or lifecycle only through another administrator. */
export class SelfActionError extends DomainError {
  constructor(action: string) {
    super('USERS.SELF', 'forbidden', `You cannot ${action}; ask another administrator`);
  }
}
