import { ValidationPipe } from '@nestjs/common';
import { flattenValidationErrors, RequestValidationError } from './problem-details.filter';

/**
 * The validation every request DTO goes through (the global pipe): unknown properties are
 * refused, values transformed into the DTO, and each bad field named once, with the first
 * rule it breaks (a bad date is not also out of range), as problem+json `errors[]`.
 */
export function requestValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) => new RequestValidationError(flattenValidationErrors(errors)),
  });
}
