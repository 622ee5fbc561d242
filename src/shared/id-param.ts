import { ParseUUIDPipe } from '@nestjs/common';
import { InvalidInputError } from './domain-error';

/** Path ids are UUIDs; anything else is a 400 that names the parameter. */
export const IdParam = new ParseUUIDPipe({
  exceptionFactory: () => new InvalidInputError('COMMON.INVALID_ID', 'id', 'id must be a UUID'),
});
