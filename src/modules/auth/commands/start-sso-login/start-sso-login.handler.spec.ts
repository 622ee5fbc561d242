import { NotFoundError } from '../../../../shared/domain-error';
import type { SamlConnections } from '../../infrastructure/sso/saml-connections';
import type { SsoLogins } from '../../infrastructure/sso/sso-logins';
import { StartSsoLoginCommand } from './start-sso-login.command';
import { StartSsoLoginHandler } from './start-sso-login.handler';

describe(StartSsoLoginHandler.name, () => {
  // one organization with an enabled connection: slug "acme", verified domain acme.example
  const domains: Record<string, string> = { 'acme.example': 'acme' };
  const started: string[] = [];
  const connections = { organizationForDomain: async (domain: string) => domains[domain] ?? null } as unknown as SamlConnections;
  const logins = {
    start: async (slug: string, relay: string) => {
      if (slug !== 'acme') throw new NotFoundError('SSO connection');
      started.push(relay);
      return `https://idp.example/sso?for=${slug}`;
    },
  } as unknown as SsoLogins;
  const sut = new StartSsoLoginHandler(connections, logins);
  const start = (identifier: string) => sut.execute(new StartSsoLoginCommand(identifier, '/sign-in/sso/callback?state=s'));

  it('finds the organization by slug, by work email or by the bare domain, case and spaces aside', async () => {
    for (const identifier of ['acme', ' ACME ', 'pat@acme.example', 'Pat@ACME.example', 'acme.example']) {
      expect(await start(identifier)).toEqual({ loginUrl: 'https://idp.example/sso?for=acme', organization: 'acme' });
    }
    expect(started.every((relay) => relay === '/sign-in/sso/callback?state=s')).toBe(true);
  });

  it('answers null alike for an unknown organization, one without SSO, an unverified domain and nonsense', async () => {
    for (const identifier of ['nobody', 'no-sso', 'pat@elsewhere.example', 'pat@', '@', '../../etc', 'a'.repeat(300), '']) {
      expect(await start(identifier)).toBeNull();
    }
  });
});
