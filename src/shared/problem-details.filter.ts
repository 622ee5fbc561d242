import {
  ArgumentsHost,
  BadRequestException,
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  Optional,
  type ExceptionFilter,
  type ValidationError,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type DomainErrorKind, type FieldError } from './domain-error';
import type { GatehouseRequest } from './request-context';

const STATUS: Record<DomainErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  locked: 423,
  too_many_requests: 429,
  unavailable: 503,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  423: 'Locked',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: FieldError[];
}

/** A validation failure of the request's shape, with one entry per bad field. */
export class RequestValidationError extends BadRequestException {
  constructor(readonly fieldErrors: FieldError[]) {
    super('The request is not valid');
  }
}

export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

function problemType(code: string): string {
  return `urn:gatehouse:problem:${code.toLowerCase().replace(/[^a-z0-9.]+/g, '-')}`;
}

interface FastifyLikeError {
  statusCode?: number;
  code?: string;
  message?: string;
}

/** A domain error as problem details (`instance`: the request's path). */
export function domainProblem(exception: DomainError, instance: string): Problem {
  const status = STATUS[exception.kind];
  return {
    type: problemType(exception.code),
    title: TITLES[status],
    status,
    detail: exception.message,
    code: exception.code,
    instance,
    ...(exception.fieldErrors.length ? { errors: exception.fieldErrors } : {}),
  };
}

/** Answers `problem`, with Retry-After when given (also for requests refused before routing reaches Nest). */
export function sendProblem(reply: FastifyReply, problem: Problem, retryAfterSeconds?: number): void {
  if (retryAfterSeconds !== undefined) void reply.header('Retry-After', String(Math.ceil(retryAfterSeconds)));
  if (problem.status === 401) void reply.header('WWW-Authenticate', 'Bearer');
  void reply.status(problem.status).header('Content-Type', 'application/problem+json').send(problem);
}

/**
 * Told of every error the filter answers, before the answer is sent (e.g. to put refusals on
 * the audit trail): the error path is where a failed request can be seen without every
 * successful one paying for a wrapper around its handler. It must not throw or wait.
 */
export abstract class RefusalObserver {
  abstract failed(request: GatehouseRequest, error: unknown): void;
}

/** Turns every error into RFC 9457 problem details; the only place errors meet HTTP. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(@Optional() private readonly observer?: RefusalObserver) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    this.observer?.failed(request, exception);
    const problem = this.toProblem(exception, request);
    // a 503 with Retry-After is load shed on purpose (a busy pool), not a failure to log
    const shed = exception instanceof DomainError && exception.retryAfterSeconds !== undefined;
    if (problem.status >= 500 && !shed) {
      this.logger.error({ err: exception, requestId: request.id }, 'request failed');
    }
    sendProblem(reply, problem, exception instanceof DomainError ? exception.retryAfterSeconds : undefined);
  }

  private toProblem(exception: unknown, request: FastifyRequest): Problem {
    const instance = request.url.split('?')[0];
    if (exception instanceof DomainError) return domainProblem(exception, instance);
    if (exception instanceof RequestValidationError) {
      return {
        type: problemType('COMMON.VALIDATION'),
        title: TITLES[400],
        status: 400,
        detail: exception.fieldErrors.map((e) => `${e.field}: ${e.message}`).join('; '),
        code: 'COMMON.VALIDATION',
        instance,
        errors: exception.fieldErrors,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = `HTTP.${status}`;
      return {
        type: problemType(code),
        title: TITLES[status] ?? HttpStatus[status] ?? 'Error',
        status,
        detail: status >= 500 ? 'An unexpected error occurred' : exception.message,
        code,
        instance,
        // our code throws DomainErrors; a bare 400/413/415 comes from reading the body
        ...([400, 413, 415].includes(status) ? { errors: [{ field: 'body', message: exception.message }] } : {}),
      };
    }
    const fastifyError = exception as FastifyLikeError;
    if (
      typeof fastifyError?.statusCode === 'number' &&
      fastifyError.statusCode >= 400 &&
      fastifyError.statusCode < 500
    ) {
      const status = fastifyError.statusCode;
      const code = fastifyError.code ?? `HTTP.${status}`;
      return {
        type: problemType(code),
        title: TITLES[status] ?? 'Bad Request',
        status,
        detail: fastifyError.message ?? 'The request could not be read',
        code,
        instance,
        ...(status === 400 ? { errors: [{ field: 'body', message: fastifyError.message ?? 'unreadable body' }] } : {}),
      };
    }
    return {
      type: problemType('COMMON.INTERNAL'),
      title: TITLES[500],
      status: 500,
      detail: 'An unexpected error occurred',
      code: 'COMMON.INTERNAL',
      instance,
    };
  }
}
