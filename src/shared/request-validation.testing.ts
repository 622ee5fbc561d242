import type { ArgumentMetadata, Type } from '@nestjs/common';
import type { FieldError } from './domain-error';
import { RequestValidationError } from './problem-details.filter';
import { QUICK_CHECK, requestValidationPipe } from './request-validation';

/** What the global pipe made of a request: the value it passes on, or the field errors it refuses with. */
export interface PipeAnswer {
  value?: unknown;
  errors?: FieldError[];
}

/** What the global pipe answers for `input` as a `metatype` (its quick check, if it has one, in place). */
export async function pipeAnswer(metatype: Type<unknown>, input: unknown, type: ArgumentMetadata['type'] = 'body'): Promise<PipeAnswer> {
  try {
    return { value: await requestValidationPipe().transform(input, { type, metatype, data: undefined }) };
  } catch (error) {
    if (error instanceof RequestValidationError) return { errors: error.fieldErrors };
    throw error;
  }
}

/**
 * What the full validation (class-transformer and class-validator's walk) answers, the metatype's
 * quick check set aside: the specs of a QUICK_CHECK compare the two answers, input by input.
 */
export async function fullValidationAnswer(metatype: Type<unknown>, input: unknown, type: ArgumentMetadata['type'] = 'body'): Promise<PipeAnswer> {
  const quick = Object.getOwnPropertyDescriptor(metatype, QUICK_CHECK);
  Reflect.deleteProperty(metatype, QUICK_CHECK);
  try {
    return await pipeAnswer(metatype, input, type);
  } finally {
    if (quick) Object.defineProperty(metatype, QUICK_CHECK, quick);
  }
}
