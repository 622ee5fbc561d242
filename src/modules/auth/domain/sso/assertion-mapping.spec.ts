import { mapAssertion } from './assertion-mapping';
import { parseSamlSettings } from './saml-settings';
import { selfSignedCertificate } from '../../infrastructure/sso/self-signed-certificate';

describe(mapAssertion.name, () => {
  const { settings } = parseSamlSettings({
    idpEntityId: 'https://idp.example',
    idpSsoUrl: 'https://idp.example/sso',
    idpCertificates: [selfSignedCertificate('idp', new Date(), 30).certificatePem],
    attributes: { email: 'mail', groups: 'memberOf' },
    roleMapping: [{ group: 'eng', role: 'Developer' }],
    teamMapping: [{ group: 'eng', teamId: '6f1c2d3e-4a5b-4c6d-8e7f-8091a2b3c4d5' }],
  });

  it('maps the admin’s attribute names, groups to role and teams, and MFA only from an accepted AuthnContext', () => {
    const mapped = mapAssertion(settings, {
      nameId: 'n1',
      authnContext: 'http://schemas.microsoft.com/claims/multipleauthn',
      attributes: { mail: ['Ann@Example.com'], memberOf: ['eng', 'eng', 'other'] },
    });
    expect(mapped).toMatchObject({ email: 'ann@example.com', groups: ['eng', 'other'], role: 'Developer', teamIds: ['6f1c2d3e-4a5b-4c6d-8e7f-8091a2b3c4d5'], mfaByIdp: true });
    expect(mapAssertion(settings, { nameId: 'n1', authnContext: 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport', attributes: {} })).toMatchObject({
      email: null,
      role: 'Viewer',
      mfaByIdp: false,
    });
  });
});
