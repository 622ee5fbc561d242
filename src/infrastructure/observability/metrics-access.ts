import { createHash, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../../shared/domain-error';

export class MetricsTokenRequiredError extends DomainError {
  constructor() {
    super('OBSERVABILITY.METRICS_TOKEN_REQUIRED', 'unauthenticated', '/metrics needs the metrics token as a bearer credential');
  }
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Whether an Authorization header carries `token` as its bearer credential. Digests of equal
 * length are compared, so neither the comparison's time nor a length check tells an attacker
 * how much of a guess was right.
 */
export function bearerTokenMatches(authorization: string | undefined, token: string): boolean {
  const sent = /^Bearer +(\S+) *$/i.exec(authorization ?? '')?.[1];
  return timingSafeEqual(digest(sent ?? ''), digest(token)) && sent !== undefined;
}
