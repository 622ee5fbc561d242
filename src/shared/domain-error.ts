/**
 * What kind of failure a domain error is; the problem-details filter maps each kind to
 * one HTTP status, so code below the controllers never speaks HTTP.
 */
export type DomainErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'precondition_failed'
  | 'locked'
  | 'too_many_requests'
  | 'unavailable';

export interface FieldError {
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly kind: DomainErrorKind,
    message: string,
    readonly fieldErrors: FieldError[] = [],
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string) {
    super('COMMON.NOT_FOUND', 'not_found', `${what} not found`);
  }
}

export class InvalidInputError extends DomainError {
  constructor(code: string, field: string, message: string) {
    super(code, 'invalid', message, [{ field, message }]);
  }
}

export class ForbiddenError extends DomainError {
  constructor(code = 'COMMON.FORBIDDEN', message = 'You are not allowed to do this') {
    super(code, 'forbidden', message);
  }
}
