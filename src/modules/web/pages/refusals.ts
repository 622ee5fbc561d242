import type { DomainError } from '../../../shared/domain-error';
import type { MessageKey } from './messages.en';

/**
 * The refusals a person can act on, said plainly: the organization's IP allow-list or access
 * windows (any sign-in step, or any page later), and SSO-only for a password.
 */
export function refusalMessage(error: DomainError): MessageKey | null {
  switch (error.code) {
    case 'ACCESS.IP_RESTRICTED':
      return 'access.ipRestricted';
    case 'ACCESS.OUTSIDE_ACCESS_WINDOW':
      return 'access.outsideWindow';
    case 'AUTH.SSO_ONLY':
      return 'signIn.ssoOnly';
    default:
      return null;
  }
}
