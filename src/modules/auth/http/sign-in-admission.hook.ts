import { Injectable, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { AnonymousThrottleGuard, TooManyRequestsError } from '../../../infrastructure/security/anonymous-throttle.guard';
import { PasswordHasher, PasswordHashingBusyError, SIGN_IN_ADMISSION } from '../../../infrastructure/security/password-hasher';
import { RefusalSampler } from '../../../infrastructure/security/rate-limits';
import type { DomainError } from '../../../shared/domain-error';
import { domainProblem } from '../../../shared/problem-details.filter';

/** The fastify route option of a route that hashes a password (the sign-in): SignInAdmissionHook runs on it. */
export const PASSWORD_HASHING_ROUTE = 'passwordHashing';

/** Paths whose refusals are kept prepared: a route has one or two (a trailing slash); more are built each time. */
const MAX_PREPARED_PATHS = 8;
const SAMPLE_WINDOW_SECONDS = 60;

/**
 * A refusal's problem+json, serialized once per path: under a flood past capacity every
 * refusal is the same bytes, so it costs a lookup instead of an Error with its stack, the
 * exception filter and a JSON serialization (what the filter would answer, to the byte).
 */
class PreparedRefusal {
  private readonly bodies = new Map<string, string>();

  constructor(private readonly error: DomainError) {}

  body(path: string): string {
    let body = this.bodies.get(path);
    if (body === undefined) {
      body = JSON.stringify(domainProblem(this.error, path));
      if (this.bodies.size < MAX_PREPARED_PATHS) this.bodies.set(path, body);
    }
    return body;
  }

  get status(): number {
    return domainProblem(this.error, '').status;
  }
}

/**
 * The sign-in route's onRequest hook (added to the routes marked PASSWORD_HASHING_ROUTE when
 * they are registered): before the body is read, any guard's Redis call or the handler, it
 * answers 429 to an address the anonymous limit already refused this window, and takes the
 * sign-in's place in the hashing pool or answers 503 AUTH.BUSY with Retry-After. Past capacity
 * the admitted sign-ins share the event loop with the refusals, so a refusal must cost a few µs:
 * a prepared body, no exception, no Redis, and a sampled log line rather than one a refusal.
 * The place is held until the verify is done or the answer is sent (a burst arriving in one
 * turn of the event loop is counted as it arrives).
 */
@Injectable()
export class SignInAdmissionHook {
  private readonly logger = new Logger(SignInAdmissionHook.name);
  private readonly busy = new PreparedRefusal(new PasswordHashingBusyError(1));
  private readonly limited = new PreparedRefusal(new TooManyRequestsError(1));
  private readonly busyStatus = this.busy.status;
  private readonly limitedStatus = this.limited.status;
  private readonly refusals = new RefusalSampler(SAMPLE_WINDOW_SECONDS);

  constructor(
    private readonly hasher: PasswordHasher,
    private readonly throttle: AnonymousThrottleGuard,
  ) {}

  readonly onRequest = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    // the sign-in route is limited as every anonymous route is (its guard still consumes the limit)
    const limitedFor = this.throttle.refusedLocally('anonymous', request.ip ?? 'unknown');
    if (limitedFor !== null) return this.refuse(request, reply, this.limited, this.limitedStatus, limitedFor);
    const admission = this.hasher.tryAdmit();
    if ('retryAfterSeconds' in admission) {
      const refused = this.refusals.count('busy');
      if (refused !== null) this.logger.warn(`${refused} sign-in(s) refused in this instance within ${SAMPLE_WINDOW_SECONDS} s: password hashing at capacity`);
      return this.refuse(request, reply, this.busy, this.busyStatus, admission.retryAfterSeconds);
    }
    (request as unknown as Record<symbol, unknown>)[SIGN_IN_ADMISSION] = admission;
    // answered, failed before the handler (400, 429) or abandoned by the client: the place frees
    reply.raw.once('close', admission.release);
    done();
  };

  private refuse(request: FastifyRequest, reply: FastifyReply, refusal: PreparedRefusal, status: number, retryAfterSeconds: number): void {
    const queryAt = request.url.indexOf('?');
    const path = queryAt === -1 ? request.url : request.url.slice(0, queryAt);
    void reply.code(status).header('Content-Type', 'application/problem+json').header('Retry-After', String(retryAfterSeconds)).send(refusal.body(path));
  }
}
