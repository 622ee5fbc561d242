import { redactUrl } from './redact-url';

describe(redactUrl.name, () => {
  it('redacts the token of an invitation link', () => {
    expect(redactUrl('/api/v1/invitations/accept/Zx9_secret-token')).toBe('/api/v1/invitations/accept/[redacted]');
    expect(redactUrl('/api/v1/invitations/accept/Zx9_secret-token/')).toBe('/api/v1/invitations/accept/[redacted]/');
    expect(redactUrl('/API/V1/Invitations/Accept/Zx9_secret-token')).toBe('/API/V1/Invitations/Accept/[redacted]');
  });

  it('redacts the token of the invitation page, but not an invitation id of the API', () => {
    expect(redactUrl('/invitations/Zx9_secret-token')).toBe('/invitations/[redacted]');
    expect(redactUrl('https://id.example.com/invitations/Zx9_secret-token')).toBe('https://id.example.com/invitations/[redacted]');
    expect(redactUrl('/api/v1/invitations/0b0e2a1c-7d4f-4f7e-9d7e-5b7d1a2b3c4d/resend')).toBe(
      '/api/v1/invitations/0b0e2a1c-7d4f-4f7e-9d7e-5b7d1a2b3c4d/resend',
    );
  });

  it('redacts the token of a password-reset link', () => {
    expect(redactUrl('/password/reset/r3set.token')).toBe('/password/reset/[redacted]');
    expect(redactUrl('/api/v1/auth/password/reset/r3set.token')).toBe('/api/v1/auth/password/reset/[redacted]');
  });

  it('redacts the query, where an SSO callback carries its code', () => {
    expect(redactUrl('/api/v1/auth/sso/acme/callback?code=abc123&state=xyz')).toBe('/api/v1/auth/sso/acme/callback?[redacted]');
    expect(redactUrl('/api/v1/invitations/accept/tok?x=1#frag')).toBe('/api/v1/invitations/accept/[redacted]?[redacted]');
    // the redirect after SAML sign-in lands on any relay path with ?code=
    expect(redactUrl('https://id.example.com/account/teams?code=one-time')).toBe('https://id.example.com/account/teams?[redacted]');
  });

  it('leaves URLs without secrets as they are', () => {
    expect(redactUrl('/api/v1/users/0b0e2a1c-7d4f-4f7e-9d7e-5b7d1a2b3c4d')).toBe('/api/v1/users/0b0e2a1c-7d4f-4f7e-9d7e-5b7d1a2b3c4d');
    // the form an accepted invitation is posted to carries the token in its body, not its URL
    expect(redactUrl('/api/v1/invitations/accept')).toBe('/api/v1/invitations/accept');
    expect(redactUrl('/api/v1/auth/password/reset')).toBe('/api/v1/auth/password/reset');
  });
});
