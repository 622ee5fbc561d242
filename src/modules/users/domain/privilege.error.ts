import { DomainError } from '../../../shared/domain-error';

/** The caller may not act on this user, or may not grant this role (DESIGN.md's privilege rules). */
export class PrivilegeError extends DomainError {
  constructor(message: string) {
    super('USERS.PRIVILEGE', 'forbidden', message);
  }
}
