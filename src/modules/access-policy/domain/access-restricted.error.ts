import { DomainError } from '../../../shared/domain-error';

/** The organization's IP allow-list or access windows refuse the caller (403). */
export class AccessRestrictedError extends DomainError {
  constructor(readonly reason: 'ip_restricted' | 'outside_access_window') {
    super(
      reason === 'ip_restricted' ? 'ACCESS.IP_RESTRICTED' : 'ACCESS.OUTSIDE_ACCESS_WINDOW',
      'forbidden',
      reason === 'ip_restricted'
        ? 'Your organization does not allow access from this address'
        : 'Your organization does not allow access at this time',
    );
  }
}
