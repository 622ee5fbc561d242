import { AccessRestrictedError } from '../../access-policy';
import { DomainError } from '../../../shared/domain-error';
import { refusalMessage } from './refusals';

describe(refusalMessage.name, () => {
  it('names a message for each refusal a person can act on', () => {
    expect(refusalMessage(new AccessRestrictedError('ip_restricted'))).toBe('access.ipRestricted');
    expect(refusalMessage(new AccessRestrictedError('outside_access_window'))).toBe('access.outsideWindow');
    expect(refusalMessage(new DomainError('AUTH.SSO_ONLY', 'forbidden', 'sso only'))).toBe('signIn.ssoOnly');
  });

  it('leaves every other forbidden answer to the generic page', () => {
    expect(refusalMessage(new DomainError('COMMON.FORBIDDEN', 'forbidden', 'no'))).toBeNull();
  });
});
