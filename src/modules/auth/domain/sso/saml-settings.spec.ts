import { selfSignedCertificate } from '../../infrastructure/sso/self-signed-certificate';
import { type DomainError } from '../../../../shared/domain-error';
import { parseSamlSettings, readIdpMetadata, roleForGroups } from './saml-settings';

const cert = selfSignedCertificate('idp', new Date(), 30).certificatePem;
const base = { idpEntityId: 'https://idp.example', idpSsoUrl: 'https://idp.example/sso', idpCertificates: [cert] };

function fieldsOf(input: unknown): string[] {
  try {
    parseSamlSettings(input);
  } catch (error) {
    return (error as DomainError).fieldErrors.map((e) => e.field);
  }
  return [];
}

describe(parseSamlSettings.name, () => {
  it('takes defaults that are safe: signed assertions, no IdP-initiated login, Viewer, no SHA-1', () => {
    const { settings } = parseSamlSettings(base);
    expect(settings).toMatchObject({ wantAssertionsSigned: true, allowIdpInitiated: false, defaultRole: 'Viewer', allowSha1: false, clockSkewSeconds: 60 });
  });

  it('refuses a connection that would accept a response signed nowhere', () => {
    expect(fieldsOf({ ...base, wantAssertionsSigned: false, wantResponseSigned: false })).toEqual(['wantAssertionsSigned']);
  });

  it('names every bad field: certificate, skew over 3 minutes, team ids that are not UUIDs, unknown roles', () => {
    expect(
      fieldsOf({ ...base, idpCertificates: ['nope'], clockSkewSeconds: 181, teamMapping: [{ group: 'g', teamId: 'team-1' }], roleMapping: [{ group: 'g', role: 'Root' }], extra: 1 }),
    ).toEqual(expect.arrayContaining(['idpCertificates[0]', 'clockSkewSeconds', 'teamMapping[0].teamId', 'roleMapping[0].role', 'extra']));
  });

  it('reads entity id, redirect SSO URL and signing certificates from metadata, and refuses a DOCTYPE', () => {
    const body = cert.replace(/-----[^-]+-----|\s/g, '');
    const xml = `<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example/meta"><IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>${body}</X509Certificate></X509Data></KeyInfo></KeyDescriptor><SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example/redirect"/></IDPSSODescriptor></EntityDescriptor>`;
    expect(readIdpMetadata(xml)).toEqual({ idpEntityId: 'https://idp.example/meta', idpSsoUrl: 'https://idp.example/redirect', idpCertificates: [body] });
    expect(parseSamlSettings({ idpMetadataXml: xml }).settings.idpEntityId).toBe('https://idp.example/meta');
    expect(fieldsOf({ idpMetadataXml: `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${xml}` })).toContain('idpMetadataXml');
  });
});

describe(roleForGroups.name, () => {
  const settings = { defaultRole: 'Viewer', roleMapping: [{ group: 'devs', role: 'Developer' }, { group: 'admins', role: 'Administrator' }] };
  it('gives Administrator only through an explicit mapping, else the default role', () => {
    expect(roleForGroups(settings, ['devs'])).toBe('Developer');
    expect(roleForGroups(settings, ['devs', 'admins'])).toBe('Administrator');
    expect(roleForGroups(settings, ['Administrator', 'Domain Admins'])).toBe('Viewer');
  });
});
