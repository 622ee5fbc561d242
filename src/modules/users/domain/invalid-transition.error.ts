import { DomainError } from '../../../shared/domain-error';
import type { UserStatus } from './user.entity';

/** The lifecycle is invited → active ⇄ deactivated → removed; anything else is refused. */
export class InvalidTransitionError extends DomainError {
  constructor(status: UserStatus, action: string) {
    super('USERS.INVALID_TRANSITION', 'conflict', `This user is ${status} and cannot be ${action}`);
  }
}
