import { DomainError } from '../../../shared/domain-error';

/** Only an active Administrator may become a platform operator: the grant ends with the role. */
export class OperatorNotGrantableError extends DomainError {
  constructor(role: string, status: string) {
    super('PLATFORM.NOT_GRANTABLE', 'conflict', `Only an active Administrator can be a platform operator; this user is a ${status} ${role}`);
  }
}
