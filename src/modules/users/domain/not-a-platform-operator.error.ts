import { ForbiddenError } from '../../../shared/domain-error';

/** Operator-only work asked for by someone who holds no grant now (or is no longer an active Administrator). */
export class NotAPlatformOperatorError extends ForbiddenError {
  constructor() {
    super('PLATFORM.OPERATOR_ONLY', 'Only platform operators may do this');
  }
}
