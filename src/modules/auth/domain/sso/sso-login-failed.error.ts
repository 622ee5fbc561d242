import { DomainError } from '../../../../shared/domain-error';

/**
 * Any refusal at the ACS. The browser sees one generic answer whatever the reason; the
 * reason (machine-readable, never the raw assertion) goes to the organization's trail.
 */
export class SsoLoginFailedError extends DomainError {
  constructor(
    readonly reason: string,
    readonly detail?: string,
  ) {
    super('AUTH.SSO_FAILED', 'unauthenticated', 'Single sign-on did not succeed');
  }
}
