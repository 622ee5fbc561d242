import { ValidationPipe, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { flattenValidationErrors, RequestValidationError } from './problem-details.filter';

/**
 * A request DTO's quick check, as a static property under this key: the value the global
 * pipe would produce when the raw value passes every rule of the DTO (checked with the same
 * class-validator functions its decorators call), otherwise undefined. A value it does not
 * accept goes through the full validation, so a bad request is refused exactly as before.
 * Only the DTO's own check counts: a subclass with other rules does not inherit it.
 */
export const QUICK_CHECK = Symbol('quickCheck');

export type QuickCheck<T> = (value: unknown) => T | undefined;

/**
 * The global pipe: class-transformer and class-validator's metadata walk, unless the DTO
 * offers a quick check that accepts the value. On a list page of the audit trail the walk
 * cost about as much CPU as the rest of the request's own code. It answers synchronously
 * whatever it does not hand to the walk: Nest runs it on every parameter of every route,
 * a custom decorator's too (the principal, what authentication read alongside), and the
 * walk's async transform made two promises a parameter even where it changes nothing.
 */
export class RequestValidationPipe implements PipeTransform<unknown> {
  constructor(private readonly full: ValidationPipe) {}

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    // what a custom decorator hands over is the app's own, not the client's: the walk passes it
    // on untouched (validateCustomDecorators is off), so it is passed on here at once
    if (metadata.type === 'custom') return value;
    const { metatype } = metadata;
    if (metatype && Object.hasOwn(metatype, QUICK_CHECK)) {
      const accepted = (metatype as unknown as Record<typeof QUICK_CHECK, QuickCheck<unknown>>)[QUICK_CHECK](value);
      if (accepted !== undefined) return accepted;
    }
    return this.full.transform(value, metadata);
  }
}

/**
 * The validation every request DTO goes through (the global pipe): unknown properties are
 * refused, values transformed into the DTO, and each bad field named once, with the first
 * rule it breaks (a bad date is not also out of range), as problem+json `errors[]`.
 */
export function requestValidationPipe(): RequestValidationPipe {
  return new RequestValidationPipe(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: true,
      exceptionFactory: (errors) => new RequestValidationError(flattenValidationErrors(errors)),
    }),
  );
}
