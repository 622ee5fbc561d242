import { EventCatalogue } from '../../../shared/event-catalogue';
import { AUTH_EVENTS } from './auth.events';

describe('AUTH_EVENTS', () => {
  const catalogue = new EventCatalogue([AUTH_EVENTS]);

  it('leaves the user version alone only for events that change nothing cached under it', () => {
    // a rotation touches the session row only; a key's use, refusals, challenges and locks live in their own rows or in Redis
    for (const type of ['auth.token_refreshed', 'auth.api_key_used', 'auth.login_failed', 'auth.mfa_challenged', 'auth.mfa_failed', 'security.account_locked']) {
      expect([type, catalogue.changesUserCaches(type)]).toEqual([type, false]);
    }
  });

  it('changes the user version for what a cached profile or API-key row shows, and for every revocation', () => {
    // a sign-in sets lastSignInAt, which /me answers from the cached profile
    for (const type of ['auth.login_succeeded', 'session.revoked', 'api_key.created', 'api_key.revoked', 'mfa.enabled', 'mfa.disabled', 'security.refresh_token_reused']) {
      expect([type, catalogue.changesUserCaches(type)]).toEqual([type, true]);
    }
  });
});
